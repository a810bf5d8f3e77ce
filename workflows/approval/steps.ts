/**
 * The approval's route through its chain (Art. 13: college → Academic Affairs → school
 * leader; Art. 7: college → Academic Affairs → the provincial filing; Art. 6(4): college →
 * Academic Affairs): opening a step with its working-day due date and the request mail,
 * concluding, and the submitter's side — a returned item resubmitted goes straight back to
 * the step that returned it; a withdrawal is possible until a step of the round decides.
 */
import { setHandler } from '@temporalio/workflow';
import type { Actor } from '../../domain/actor';
import { approvalStepDeadline } from '../../domain/approval';
import {
  checkApprovalStart,
  parseApprovalSubject,
  resubmitApprovalInputSchema,
  withdrawApprovalInputSchema,
  type ApprovalSubject,
} from '../../domain/approval-kinds';
import { formatShanghai } from '../../domain/calendar';
import { breach } from '../../domain/rules';
import { safeParseBilingual } from '../../domain/validation';
import type { ApprovalConcluded, ApprovalUpdateResult } from '../approval-types';
import { resubmitApproval, withdrawApproval } from '../messages';
import { nowIso } from '../round-support';
import { refuse, refuseIfAny } from '../refusal';
import type { ApprovalContext } from './context';
import { requireDelegationIfOnBehalf } from './delegation';

/** Opens step `index`: due date on the working-day calendar, state, search attributes, the request mail. */
export function openStep(ctx: ApprovalContext, index: number, mail: 'request' | 'none' = 'request'): void {
  const { steps, rules, calendar, filingIndex, s, note, searchAttributes, post, approverOf, activeDelegates, stepRef } = ctx;
  const step = steps[index]!;
  const openedAt = nowIso();
  const d = approvalStepDeadline(new Date(openedAt), rules, calendar);
  ctx.stepIndex = index;
  ctx.stepSeq += 1;
  s.status = index === filingIndex ? 'awaitingFiling' : 'pending';
  s.currentStep = {
    id: step.id,
    title: step.title,
    role: step.role,
    openedAt,
    dueDate: d.dueDate,
    dueAt: d.dueAt,
    remindAt: d.remindAt,
    reminded: false,
    escalated: false,
  };
  note({ event: 'stepOpened', stepId: step.id, note: `due ${d.dueAt}` });
  searchAttributes(step.id, d.dueAt, false);
  if (mail === 'request') {
    post({
      kind: 'approvalStepRequested',
      eventKey: `step:${ctx.stepSeq}:${step.id}:requested`,
      to: [...approverOf(step.role), ...activeDelegates(step.id)],
      step: stepRef(step),
      dueAt: d.dueAt,
    });
  }
}

/** Concludes the item: state, search attributes, the mail to the lead, the college leader and those copied. */
export function conclude(ctx: ApprovalContext, outcome: ApprovalConcluded['outcome'], by: Actor, comment?: string): void {
  const { input, s, note, searchAttributes, post, lead, submitter, approverOf, ccRecipients } = ctx;
  const at = nowIso();
  s.status = outcome;
  s.currentStep = undefined;
  s.concludedAt = at;
  note({ event: 'concluded', note: outcome });
  searchAttributes(outcome, undefined, false);
  post({
    kind: 'approvalConcluded',
    eventKey: `concluded:${outcome}`,
    to: [...submitter(), lead, ...approverOf('collegeLeader'), ...ccRecipients()],
    outcome,
    ...(comment ? { comment } : {}),
    ...(s.filing ? { filingReference: s.filing.reference } : {}),
  });
  ctx.concluded = {
    approvalId: input.approvalId,
    kind: input.kind,
    outcome,
    subject: s.subject,
    decisions: s.decisions,
    ...(s.filing ? { filing: s.filing } : {}),
    concludedAt: at,
    by,
    ...(s.cc.length ? { cc: s.cc.map((c) => c.email) } : {}),
  };
}

/** The submitter's actions: resubmitApproval (after a return to the submitter) and withdrawApproval. */
export function registerSubmitterActions(ctx: ApprovalContext): void {
  const { input, spec, pilot, approverEmail, rule, s, note, result, requireStatus, requireSubmitter } = ctx;

  const validateResubmission = (raw: unknown) => {
    const p = safeParseBilingual(resubmitApprovalInputSchema, raw);
    if (!p.ok) refuse(p.errors);
    requireStatus(['returned'], 'status');
    requireDelegationIfOnBehalf(ctx, p.value.actor);
    requireSubmitter(p.value.actor, { zh: '修改后重新提交', en: 'resubmit the item' });
    const subject = parseApprovalSubject(input.kind, p.value.subject);
    if (!subject.ok) refuse(subject.errors);
    if (subject.value.id !== s.subject.id) {
      refuse([
        breach(rule, 'subject.id', {
          zh: `重新提交的须是同一事项 ${s.subject.id}，不是 ${subject.value.id}`,
          en: `the resubmission must be of the same item ${s.subject.id}, not ${subject.value.id}`,
        }),
      ]);
    }
    refuseIfAny(checkApprovalStart(input.kind, subject.value, pilot.id, approverEmail));
    return { actor: p.value.actor, subject: subject.value as ApprovalSubject, note: p.value.note };
  };
  setHandler(
    resubmitApproval,
    (raw): ApprovalUpdateResult => {
      const r = validateResubmission(raw);
      s.round += 1;
      s.subject = r.subject;
      s.title = spec.title(r.subject);
      s.returnedBy = undefined;
      ctx.decidedThisRound = false;
      note({ event: 'resubmitted', actor: r.actor.id, ...(r.note ? { note: r.note } : {}) });
      // Straight back to the step that returned it.
      openStep(ctx, ctx.resumeStack.pop() ?? 0);
      return result();
    },
    { validator: (raw) => void validateResubmission(raw) },
  );

  const validateWithdrawal = (raw: unknown) => {
    const p = safeParseBilingual(withdrawApprovalInputSchema, raw);
    if (!p.ok) refuse(p.errors);
    requireDelegationIfOnBehalf(ctx, p.value.actor);
    requireSubmitter(p.value.actor, { zh: '撤回', en: 'withdraw the item' });
    requireStatus(['pending', 'returned'], 'status');
    if (s.status === 'pending' && ctx.decidedThisRound) {
      const last = s.decisions[s.decisions.length - 1]!;
      refuse([
        breach(rule, 'status', {
          zh: `“${last.stepTitle.zh}”已于 ${formatShanghai(Date.parse(last.at))} 作出决定，提交人不能再撤回`,
          en: `the step “${last.stepTitle.en}” decided at ${formatShanghai(Date.parse(last.at))} Beijing time; the submitter can no longer withdraw`,
        }),
      ]);
    }
    return p.value;
  };
  setHandler(
    withdrawApproval,
    (raw): ApprovalUpdateResult => {
      const w = validateWithdrawal(raw);
      note({ event: 'withdrawn', actor: w.actor.id, ...(w.reason ? { note: w.reason } : {}) });
      conclude(ctx, 'withdrawn', w.actor, w.reason);
      return result();
    },
    { validator: (raw) => void validateWithdrawal(raw) },
  );
}
