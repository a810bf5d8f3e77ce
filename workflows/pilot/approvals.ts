/**
 * Approvals — Art. 6, 7, 13 (第六条、第七条、第十三条): the college submits implementation
 * plans (Art. 6(4)), change requests (Art. 7) and budget plans (Art. 13) for approval; each
 * runs as a child workflow (workflows/approval/) along its chain of approvers and signals its
 * conclusion. An approved budget becomes the pilot's approved budget; an approved change request
 * takes effect once filed with the province (Art. 7), and a new lead gets every later e-mail.
 */
import { setHandler } from '@temporalio/workflow';
import { approvalKinds, checkApprovalStart, parseApprovalSubject, type ApprovalSubject } from '../../domain/approval-kinds';
import { budgetTotalFen, type BudgetPlan } from '../../domain/budget';
import { checkChangeRequest, type ChangeRequest } from '../../domain/change';
import { inputError } from '../../domain/errors';
import { formatFen } from '../../domain/money';
import { approvalSubmissionInputSchema } from '../../domain/pilot-actions';
import * as notices from '../../domain/pilot-notices';
import type { ApprovalConcluded, ApprovalWorkflowInput } from '../approval-types';
import { approvalConcludedSignal, approvalWorkflowId, submitForApproval } from '../messages';
import { refuse } from '../refusal';
import { nowIso, type Obligation, type PilotContext } from './context';
import { parseInput, requireOwnName, requirePilotSide, requireRunning } from './guards';

function register(ctx: PilotContext): void {
  const s = ctx.s;
  setHandler(
    submitForApproval,
    (raw) => {
      const a = approvalSubmissionInputSchema.parse(raw);
      const subject = parseApprovalSubject(a.kind, a.subject);
      if (!subject.ok) throw new Error('validated subject failed to parse');
      const seq = s.approvals.filter((x) => x.kind === a.kind).length + 1;
      const approvalId = `${a.kind}-${seq}`;
      const workflowId = approvalWorkflowId(ctx.workflowId, a.kind, seq);
      const title = approvalKinds[a.kind].title(subject.value as never);
      const submittedAt = nowIso();
      s.approvals.push({
        approvalId,
        kind: a.kind,
        workflowId,
        status: 'starting',
        submittedAt,
        submittedBy: a.actor,
        ...(a.documents?.length ? { documents: a.documents } : {}),
        summary: title,
        subject: subject.value,
      });
      ctx.outbox.post({
        kind: 'startApproval',
        workflowId,
        input: {
          kind: a.kind,
          approvalId,
          parentWorkflowId: ctx.workflowId,
          pilot: ctx.childPilot(),
          recipients: ctx.childRecipients(),
          subject: subject.value,
          submittedBy: a.actor,
          submittedAt,
          rulesVersion: ctx.pilot.rulesVersion,
        } as ApprovalWorkflowInput,
      });
      ctx.dirty = true;
      const entry = ctx.audit(
        'approval.submit',
        a.actor,
        { zh: `提交审批：${title.zh}`, en: `submitted for approval: ${title.en}` },
        { after: { approvalId, kind: a.kind }, ...(a.documents?.length ? { documents: a.documents } : {}) },
      );
      return { audit: entry, approvalId, workflowId };
    },
    {
      validator: (raw) => {
        const a = parseInput(approvalSubmissionInputSchema, raw);
        requireRunning(ctx);
        requirePilotSide(ctx, a.actor, a.kind === 'budget' ? 13 : a.kind === 'changeRequest' ? 7 : 6);
        requireOwnName(a.actor);
        const subject = parseApprovalSubject(a.kind, a.subject);
        if (!subject.ok) refuse(subject.errors);
        const p = s.current;
        const problems = checkApprovalStart(a.kind, subject.value as ApprovalSubject, p.id, {
          collegeLeader: p.collegeLeaderEmail,
          collegeStaff: p.collegeLeaderEmail,
          academicAffairs: p.academicAffairsEmail,
          ...(p.schoolLeaderEmail ? { schoolLeader: p.schoolLeaderEmail } : {}),
        });
        if (a.kind === 'changeRequest')
          problems.push(...checkChangeRequest(p, subject.value as ChangeRequest).map((r) => ({ ...r, field: `subject.${r.field}` })));
        if (problems.length) refuse(problems);
        const pending = s.approvals.find((x) => x.kind === a.kind && (x.status === 'pending' || x.status === 'starting'));
        if (pending)
          refuse([
            inputError(
              'kind',
              `已有同类审批在办（${pending.approvalId}），请待其办结或撤回`,
              `an approval of this kind is already in progress (${pending.approvalId}); wait for it or withdraw it`,
              'approval.inProgress',
            ),
          ]);
      },
    },
  );
  setHandler(approvalConcludedSignal, (c: ApprovalConcluded) => approvalConcluded(ctx, c));
}

function approvalConcluded(ctx: PilotContext, c: ApprovalConcluded): void {
  const s = ctx.s;
  const rec = s.approvals.find((x) => x.approvalId === c.approvalId);
  // A repeated signal, or one arriving after the pilot ended and closed its approvals.
  if (
    !rec ||
    rec.status === 'approved' ||
    rec.status === 'rejected' ||
    rec.status === 'withdrawn' ||
    rec.status === 'cancelled' ||
    s.status !== 'running'
  )
    return;
  rec.status = c.outcome;
  rec.concludedAt = c.concludedAt;
  rec.subject = c.subject;
  rec.decisions = c.decisions.map((d) => ({ stepId: d.stepId, outcome: d.outcome, actor: d.actor, at: d.at }));
  if (c.cc?.length) rec.cc = c.cc;
  // The person who concluded it (a withdrawal is the submitter's act, not the last decider's).
  const by = c.by ?? c.decisions[c.decisions.length - 1]?.actor;
  if (by) rec.concludedBy = by;
  const outcomeName = {
    approved: { zh: '通过', en: 'approved' },
    rejected: { zh: '未通过', en: 'rejected' },
    withdrawn: { zh: '已撤回', en: 'withdrawn' },
  }[c.outcome];
  if (c.outcome === 'approved' && c.kind === 'budget') {
    const before = s.approvedBudgetFen;
    s.approvedBudgetFen = budgetTotalFen(c.subject as BudgetPlan);
    const amt = formatFen(s.approvedBudgetFen);
    ctx.audit(
      'budget.approved',
      by,
      {
        zh: `资金预算方案 ${c.approvalId} 经主管校领导批准：${amt.zh}`,
        en: `budget plan ${c.approvalId} approved by the school leader: ${amt.en}`,
      },
      {
        before: { approvedBudgetFen: before ?? null },
        after: { approvedBudgetFen: s.approvedBudgetFen },
        ruleIds: ['art13.approvalChain'],
      },
    );
    return;
  }
  if (c.outcome === 'approved' && c.kind === 'changeRequest') {
    applyChange(ctx, c.subject as ChangeRequest, c);
    return;
  }
  ctx.audit(
    `approval.${c.outcome}`,
    by,
    { zh: `${rec.summary.zh}：${outcomeName.zh}`, en: `${rec.summary.en}: ${outcomeName.en}` },
    { after: { approvalId: c.approvalId, outcome: c.outcome } },
  );
}

/** Art. 7: an approved and filed change request takes effect; a new lead gets every later e-mail. */
function applyChange(ctx: PilotContext, req: ChangeRequest, c: ApprovalConcluded): void {
  const s = ctx.s;
  const before = { lead: s.current.lead, startDate: s.current.startDate, endDate: s.current.endDate };
  const { lead, schedule } = req.changes;
  s.current = {
    ...s.current,
    ...(lead ? { lead: { ...lead } } : {}),
    ...(schedule?.startDate ? { startDate: schedule.startDate } : {}),
    ...(schedule?.endDate ? { endDate: schedule.endDate } : {}),
  };
  const after = { lead: s.current.lead, startDate: s.current.startDate, endDate: s.current.endDate };
  ctx.dirty = true;
  const filing = c.filing ? `${c.filing.reference}` : '—';
  ctx.audit(
    'change.applied',
    c.by ?? c.decisions[c.decisions.length - 1]?.actor,
    {
      zh: `变更申请 ${req.id} 经审核并报省厅备案（${filing}）后生效`,
      en: `change request ${req.id} approved and filed with the province (${filing}); in effect`,
    },
    { before, after, ruleIds: ['art7.filing'] },
  );
  if (lead) {
    const text = notices.leadChangedNotice(before.lead, lead, filing);
    ctx.notice(
      `change:${c.approvalId}:lead`,
      [{ role: 'pilotLead', email: before.lead.email, name: before.lead.name }, ...ctx.recipients('pilotLead', 'collegeLeader')],
      text,
    );
  }
}

export const approvals: Obligation = { register };
