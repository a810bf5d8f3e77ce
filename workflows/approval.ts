/**
 * The approval workflow (审批): one generic workflow over an approval chain given as data
 * (domain/approval-kinds.ts), for the budget and funding plan (Art. 13: college → Academic
 * Affairs → school leader), change requests (Art. 7: college → Academic Affairs, then the
 * provincial filing 备案 recorded) and the examiner-training plan (Art. 6(4): college →
 * Academic Affairs). The pilot workflow starts it as a child (parentClosePolicy ABANDON:
 * the pilot continues-as-new and the approval must survive that).
 *
 * Each step has a working-day due date (approvalStepDeadline), a reminder before it, and
 * after it one escalation to the next level; then it keeps waiting. A return goes to the
 * submitter or to a chosen earlier step; the resubmission (or the earlier step's approval)
 * goes straight back to the step that returned it. On conclusion it signals the parent
 * (approvalConcludedSignal) and completes; cancelled (the pilot was cancelled, Art. 19), it
 * records `cancelled` and stops quietly. Short-lived: no continue-as-new.
 */
import { allHandlersFinished, condition, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { roleNames, type Actor, type Role } from '../domain/actor';
import { approvalStepDeadline, checkApprover, type ApprovalStep } from '../domain/approval';
import {
  approvalKindSpec,
  ccApprovalInputSchema,
  checkApprovalStart,
  decideApprovalInputSchema,
  delegateApprovalInputSchema,
  parseApprovalSubject,
  provincialFilingStep,
  recordApprovalFilingInputSchema,
  resubmitApprovalInputSchema,
  withdrawApprovalInputSchema,
  type ApprovalSubject,
} from '../domain/approval-kinds';
import { createChinaCalendar, formatShanghai, shanghaiDate } from '../domain/calendar';
import { changeRules, recordFiling as buildFiling } from '../domain/change';
import type { Bilingual } from '../domain/errors';
import type { ApprovalNotification, ApprovalStepRef } from '../domain/notifications';
import { breach } from '../domain/rules';
import { ruleTable } from '../domain/tables';
import { safeParseBilingual } from '../domain/validation';
import type { Recipient } from '../domain/weekly';
import type {
  ApprovalConcluded,
  ApprovalDecisionRecord,
  ApprovalDelegation,
  ApprovalResult,
  ApprovalState,
  ApprovalStatus,
  ApprovalTimelineEntry,
  ApprovalUpdateResult,
  ApprovalWorkflowInput,
} from './approval-types';
import { runUnlessCancelled, signalParent, type DistributiveOmit } from './child-support';
import {
  approvalConcludedSignal,
  approvalStateQuery,
  ccApproval,
  decideApproval,
  delegateApproval,
  recordApprovalFiling,
  resubmitApproval,
  withdrawApproval,
} from './messages';
import { Mailer, nowIso, uniqueRecipients, waitUntil } from './round-support';
import { refuse, refuseIfAny } from './refusal';
import { OnexCollege, OnexKind, OnexNextDue, OnexOverdue, OnexStage } from './search-attributes';

const SUBMITTER: ApprovalStepRef = { id: 'submitter', title: { zh: '提交人修改', en: 'the submitter, for revision' } };
const statusNames: Record<ApprovalStatus, string> = {
  pending: '审批中',
  returned: '已退回修改',
  approved: '已通过',
  rejected: '未通过',
  withdrawn: '已撤回',
  awaitingFiling: '待登记备案',
  cancelled: '已取消',
};

/** The longest a delegation may run (validator only; it covers an absence). */
const MAX_DELEGATION_DAYS = 90;

export async function approvalWorkflow(input: ApprovalWorkflowInput): Promise<ApprovalResult> {
  const spec = approvalKindSpec(input.kind);
  const { chain } = spec;
  const rule = chain.rule;
  const rules = ruleTable(input.rulesVersion);
  const calendar = createChinaCalendar();
  const workflowId = workflowInfo().workflowId;
  const { recipients, pilot } = input;
  const approverEmail: Partial<Record<Role, string>> = {
    collegeLeader: recipients.collegeLeader,
    academicAffairs: recipients.academicAffairs,
    ...(recipients.schoolLeader ? { schoolLeader: recipients.schoolLeader } : {}),
  };

  // The parent validates before starting; a bad input fails the workflow at once, citing the rule.
  const parsed = parseApprovalSubject(input.kind, input.subject);
  if (!parsed.ok) refuse(parsed.errors);
  refuseIfAny(checkApprovalStart(input.kind, parsed.value, pilot.id, approverEmail));

  /** The chain's steps, then the filing pseudo-step where the kind needs it (Art. 7). */
  const steps: readonly ApprovalStep[] = spec.requiresFiling ? [...chain.steps, provincialFilingStep] : chain.steps;
  const filingIndex = spec.requiresFiling ? chain.steps.length : -1;

  const s: ApprovalState = {
    approvalId: input.approvalId,
    kind: input.kind,
    workflowId,
    parentWorkflowId: input.parentWorkflowId,
    pilot,
    title: spec.title(parsed.value),
    subject: parsed.value,
    submittedBy: input.submittedBy,
    submittedAt: input.submittedAt,
    round: 1,
    status: 'pending',
    decisions: [],
    delegations: [],
    cc: [],
    timeline: [],
    emails: [],
    rulesVersion: input.rulesVersion,
  };
  const outbox = new Mailer(s.emails);
  /** Index of the open step; the steps that returned the item, latest last (resubmission pops). */
  let stepIndex = 0;
  const resumeStack: number[] = [];
  /** +1 each time a step opens: the main loop's timers belong to one opening. */
  let stepSeq = 0;
  let decidedThisRound = false;
  let concluded: ApprovalConcluded | undefined;

  const note = (e: Omit<ApprovalTimelineEntry, 'at'>) => s.timeline.push({ at: nowIso(), ...e });
  const stepRef = (step: Pick<ApprovalStep, 'id' | 'title'>): ApprovalStepRef => ({
    id: step.id,
    title: { zh: step.title.zh, en: step.title.en },
  });
  const lead: Recipient = { role: 'pilotLead', email: recipients.pilotLead, name: pilot.leadName };
  const approverOf = (role: Role): Recipient[] => {
    const email = approverEmail[role];
    return email && (role === 'collegeLeader' || role === 'academicAffairs' || role === 'schoolLeader') ? [{ role, email }] : [];
  };
  const activeDelegates = (stepId: string): Recipient[] =>
    s.delegations
      .filter((d) => d.stepId === stepId && Date.parse(d.validUntil) >= Date.now())
      .map((d) => ({ role: 'delegate', email: d.delegate.email, ...(d.delegate.name ? { name: d.delegate.name } : {}) }));
  const ccRecipients = (): Recipient[] => s.cc.map((c) => ({ role: 'cc', email: c.email, ...(c.name ? { name: c.name } : {}) }));
  const post = (
    n: DistributiveOmit<
      ApprovalNotification,
      'workflowId' | 'occurredAt' | 'pilot' | 'article' | 'approvalId' | 'approvalKind' | 'itemTitle'
    >,
  ) => {
    outbox.post({
      workflowId,
      occurredAt: nowIso(),
      pilot: {
        id: pilot.id,
        collegeName: pilot.collegeName,
        majorName: pilot.majorName,
        certificateName: pilot.certificateName,
        level: pilot.level,
        leadName: pilot.leadName,
      },
      article: { ...rule.article },
      approvalId: input.approvalId,
      approvalKind: input.kind,
      itemTitle: s.title,
      ...n,
      to: uniqueRecipients(n.to),
    } as ApprovalNotification);
  };
  const searchAttributes = (stage: string, dueAt: string | undefined, overdue: boolean) =>
    upsertSearchAttributes([
      { key: OnexStage, value: stage },
      { key: OnexNextDue, value: dueAt ? new Date(dueAt) : null },
      { key: OnexOverdue, value: overdue },
    ]);

  /** Opens step `index`: due date on the working-day calendar, state, search attributes, the request mail. */
  const openStep = (index: number, mail: 'request' | 'none' = 'request') => {
    const step = steps[index]!;
    const openedAt = nowIso();
    const d = approvalStepDeadline(new Date(openedAt), rules, calendar);
    stepIndex = index;
    stepSeq += 1;
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
        eventKey: `step:${stepSeq}:${step.id}:requested`,
        to: [...approverOf(step.role), ...activeDelegates(step.id)],
        step: stepRef(step),
        dueAt: d.dueAt,
      });
    }
  };

  const conclude = (outcome: ApprovalConcluded['outcome'], comment?: string) => {
    const at = nowIso();
    s.status = outcome;
    s.currentStep = undefined;
    s.concludedAt = at;
    note({ event: 'concluded', note: outcome });
    searchAttributes(outcome, undefined, false);
    post({
      kind: 'approvalConcluded',
      eventKey: `concluded:${outcome}`,
      to: [lead, ...approverOf('collegeLeader'), ...ccRecipients()],
      outcome,
      ...(comment ? { comment } : {}),
      ...(s.filing ? { filingReference: s.filing.reference } : {}),
    });
    concluded = {
      approvalId: input.approvalId,
      kind: input.kind,
      outcome,
      subject: s.subject,
      decisions: s.decisions,
      ...(s.filing ? { filing: s.filing } : {}),
      concludedAt: at,
    };
  };

  const result = (): ApprovalUpdateResult => ({
    status: s.status,
    ...(s.currentStep ? { currentStepId: s.currentStep.id, dueAt: s.currentStep.dueAt } : {}),
  });

  // ── Validation (pure reads of state; a refusal leaves no trace in history) ──────────

  /** The status refusal, unless the item is in one of `allowed`. */
  const requireStatus = (allowed: readonly ApprovalStatus[], field: string): void => {
    if (allowed.includes(s.status)) return;
    refuse([
      breach(rule, field, {
        zh: `该事项当前状态为“${statusNames[s.status]}”，不能进行此操作`,
        en: `the item is ${s.status}; this action is not possible now`,
      }),
    ]);
  };
  const requireCurrentStep = (stepId: string): ApprovalStep => {
    const step = steps[stepIndex]!;
    if (stepId !== step.id) {
      refuse([
        breach(rule, 'stepId', {
          zh: `当前审批环节为“${step.title.zh}”（${step.id}），不是 ${stepId}`,
          en: `the current step is “${step.title.en}” (${step.id}), not ${stepId}`,
        }),
      ]);
    }
    return step;
  };
  const requireSubmitter = (actor: Actor, what: Bilingual): void => {
    if (actor.id === s.submittedBy.id) return;
    refuse([
      breach(rule, 'actor', {
        zh: `只有提交人 ${s.submittedBy.id} 可以${what.zh}`,
        en: `only the submitter ${s.submittedBy.id} may ${what.en}`,
      }),
    ]);
  };

  /**
   * `onBehalfOf` puts someone else's name in the timeline and the parent's audit trail. It is
   * accepted from Academic Affairs (Art. 4: it manages the programme and records for others)
   * and from a delegate holding a delegation from that person for the current step, valid
   * now; from anyone else it is refused. (The measures have no article on delegation; the
   * refusal cites the approval's own article.)
   */
  const requireDelegationIfOnBehalf = (actor: Actor): void => {
    if (actor.onBehalfOf === undefined || actor.role === 'academicAffairs') return;
    const step = s.currentStep;
    const now = Date.now();
    const held =
      step !== undefined &&
      s.delegations.some(
        (d) =>
          d.stepId === step.id &&
          d.delegate.userId === actor.id &&
          d.delegator.id === actor.onBehalfOf &&
          Date.parse(d.validFrom) <= now &&
          Date.parse(d.validUntil) >= now,
      );
    if (held) return;
    refuse([
      breach(rule, 'actor.onBehalfOf', {
        zh: `${actor.id} 没有 ${actor.onBehalfOf} 对当前审批环节的有效委托，不能以其名义办理；委托须由当前环节审批人办理，只有教务部可代他人录入（第四条）`,
        en: `${actor.id} holds no valid delegation from ${actor.onBehalfOf} for the current step and cannot act in their name; a delegation is given by the step's approver, and only Academic Affairs records for others (Art. 4)`,
      }),
    ]);
  };

  /**
   * Who decides: the approver themselves, or a delegate of the current step whose delegation
   * is still valid (then the decision is recorded on behalf of the approver).
   */
  const approverFor = (actor: Actor, step: ApprovalStep): { onBehalfOf?: ApprovalDelegation } => {
    const mine = s.delegations.filter(
      (d) => d.stepId === step.id && d.delegate.userId === actor.id && (!actor.onBehalfOf || actor.onBehalfOf === d.delegator.id),
    );
    const delegated = actor.onBehalfOf !== undefined || (mine.length > 0 && actor.role !== step.role);
    if (!delegated) {
      refuseIfAny(checkApprover(chain, { status: 'pending', step, stepIndex }, actor, pilot.collegeId));
      return {};
    }
    const valid = mine.filter((d) => Date.parse(d.validUntil) >= Date.now());
    if (valid.length > 0) return { onBehalfOf: valid[valid.length - 1]! };
    const expired = mine[mine.length - 1];
    refuse([
      breach(
        rule,
        'actor.onBehalfOf',
        expired
          ? {
              zh: `${expired.delegator.id} 对 ${actor.id} 的委托已于 ${formatShanghai(Date.parse(expired.validUntil))} 到期，不能再代为审批`,
              en: `the delegation from ${expired.delegator.id} to ${actor.id} expired at ${formatShanghai(Date.parse(expired.validUntil))} Beijing time; it no longer allows deciding`,
            }
          : {
              zh: `${actor.id} 没有获得${actor.onBehalfOf ? ` ${actor.onBehalfOf} ` : ''}对“${step.title.zh}”环节的委托`,
              en: `${actor.id} holds no delegation${actor.onBehalfOf ? ` from ${actor.onBehalfOf}` : ''} for the step “${step.title.en}”`,
            },
      ),
    ]);
  };

  const validateDecision = (raw: unknown) => {
    const p = safeParseBilingual(decideApprovalInputSchema, raw);
    if (!p.ok) refuse(p.errors);
    const d = p.value;
    if (s.status === 'awaitingFiling') {
      refuse([
        breach(changeRules.filing, 'stepId', {
          zh: '变更申请已审核通过，等待教务部登记省教育厅备案（recordApprovalFiling），不再需要审批决定',
          en: 'the change request is approved and awaits the provincial filing record (recordApprovalFiling), not a decision',
        }),
      ]);
    }
    requireStatus(['pending'], 'status');
    const step = requireCurrentStep(d.stepId);
    const { onBehalfOf } = approverFor(d.actor, step);
    let returnTo: number | 'submitter' | undefined;
    if (d.outcome === 'return') {
      const target = d.returnTo ?? 'submitter';
      const index = steps.findIndex((x) => x.id === target);
      if (target !== 'submitter' && (index < 0 || index >= stepIndex)) {
        const earlier = steps.slice(0, stepIndex).map((x) => x.id);
        refuse([
          breach(rule, 'returnTo', {
            zh: `只能退回提交人（submitter）或之前的审批环节（${earlier.join('、') || '无'}），不能退回 ${target}`,
            en: `an item can be returned to the submitter or an earlier step (${earlier.join(', ') || 'none'}), not to ${target}`,
          }),
        ]);
      }
      returnTo = target === 'submitter' ? 'submitter' : index;
    } else if (d.returnTo !== undefined) {
      refuse([breach(rule, 'returnTo', { zh: '只有退回修改时才能指定退回对象', en: 'returnTo applies only to a return' })]);
    }
    if (d.outcome === 'reject' && !spec.rejectableSteps.includes(step.id)) {
      refuse([
        breach(rule, 'outcome', {
          zh: `“${step.title.zh}”环节不能直接不予通过，只能通过或退回修改`,
          en: `the step “${step.title.en}” cannot reject; it may approve or return for revision`,
        }),
      ]);
    }
    return { d, step, onBehalfOf, returnTo };
  };

  // ── Queries and updates ───────────────────────────────────────────────────────────

  setHandler(approvalStateQuery, (): ApprovalState => s);

  setHandler(
    decideApproval,
    (raw): ApprovalUpdateResult => {
      const { d, step, onBehalfOf, returnTo } = validateDecision(raw);
      const by = onBehalfOf ? { ...d.actor, onBehalfOf: onBehalfOf.delegator.id } : d.actor;
      const record: ApprovalDecisionRecord = {
        round: s.round,
        stepId: step.id,
        stepTitle: step.title,
        outcome: d.outcome,
        ...(d.outcome === 'return' ? { returnTo: returnTo === 'submitter' ? 'submitter' : steps[returnTo!]!.id } : {}),
        ...(d.comment ? { comment: d.comment } : {}),
        actor: by,
        ...(onBehalfOf ? { onBehalfOf: onBehalfOf.delegator.id } : {}),
        at: nowIso(),
      };
      s.decisions.push(record);
      decidedThisRound = true;
      const byRef = { id: by.id, ...(by.onBehalfOf ? { onBehalfOf: by.onBehalfOf } : {}) };
      note({
        event: d.outcome === 'approve' ? 'approved' : d.outcome === 'return' ? 'returned' : 'rejected',
        stepId: step.id,
        actor: by.id,
        ...(by.onBehalfOf ? { onBehalfOf: by.onBehalfOf } : {}),
        ...(d.comment ? { note: d.comment } : {}),
      });
      const n = s.decisions.length;
      const copyCc = () => {
        if (s.cc.length > 0)
          post({
            kind: 'approvalDecided',
            eventKey: `decision:${n}:cc`,
            to: ccRecipients(),
            step: stepRef(step),
            outcome: d.outcome,
            ...(d.comment ? { comment: d.comment } : {}),
            by: byRef,
          });
      };
      if (d.outcome === 'reject') {
        conclude('rejected', d.comment);
      } else if (d.outcome === 'approve') {
        const next = resumeStack.pop() ?? stepIndex + 1;
        if (next < steps.length) {
          copyCc();
          openStep(next);
        } else {
          conclude('approved', d.comment);
        }
      } else {
        copyCc();
        resumeStack.push(stepIndex);
        if (returnTo === 'submitter') {
          s.status = 'returned';
          s.currentStep = undefined;
          s.returnedBy = { stepId: step.id, comment: d.comment ?? '' };
          searchAttributes('returned', undefined, false);
          post({
            kind: 'approvalReturned',
            eventKey: `decision:${n}:returned`,
            to: [lead],
            step: stepRef(step),
            returnTo: SUBMITTER,
            comment: d.comment ?? '',
            by: byRef,
          });
        } else {
          const target = steps[returnTo!]!;
          openStep(returnTo!, 'none');
          post({
            kind: 'approvalReturned',
            eventKey: `decision:${n}:returned`,
            to: [...approverOf(target.role), ...activeDelegates(target.id), lead],
            step: stepRef(step),
            returnTo: stepRef(target),
            comment: d.comment ?? '',
            by: byRef,
            dueAt: s.currentStep!.dueAt,
          });
        }
      }
      return result();
    },
    { validator: (raw) => void validateDecision(raw) },
  );

  const validateResubmission = (raw: unknown) => {
    const p = safeParseBilingual(resubmitApprovalInputSchema, raw);
    if (!p.ok) refuse(p.errors);
    requireStatus(['returned'], 'status');
    requireDelegationIfOnBehalf(p.value.actor);
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
      decidedThisRound = false;
      note({ event: 'resubmitted', actor: r.actor.id, ...(r.note ? { note: r.note } : {}) });
      // Straight back to the step that returned it.
      openStep(resumeStack.pop() ?? 0);
      return result();
    },
    { validator: (raw) => void validateResubmission(raw) },
  );

  const validateWithdrawal = (raw: unknown) => {
    const p = safeParseBilingual(withdrawApprovalInputSchema, raw);
    if (!p.ok) refuse(p.errors);
    requireDelegationIfOnBehalf(p.value.actor);
    requireSubmitter(p.value.actor, { zh: '撤回', en: 'withdraw the item' });
    requireStatus(['pending', 'returned'], 'status');
    if (s.status === 'pending' && decidedThisRound) {
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
      conclude('withdrawn', w.reason);
      return result();
    },
    { validator: (raw) => void validateWithdrawal(raw) },
  );

  const validateDelegation = (raw: unknown) => {
    const p = safeParseBilingual(delegateApprovalInputSchema, raw);
    if (!p.ok) refuse(p.errors);
    const d = p.value;
    requireStatus(['pending'], 'status');
    const step = requireCurrentStep(d.stepId);
    if (d.actor.onBehalfOf) {
      refuse([breach(rule, 'actor.onBehalfOf', { zh: '受托人不能再次委托', en: 'a delegate cannot delegate further' })]);
    }
    refuseIfAny(checkApprover(chain, { status: 'pending', step, stepIndex }, d.actor, pilot.collegeId));
    if (d.delegate.userId === d.actor.id) {
      refuse([breach(rule, 'delegate.userId', { zh: '不能委托给本人', en: 'one cannot delegate to oneself' })]);
    }
    if (Date.parse(d.validUntil) <= Date.now()) {
      refuse([
        breach(rule, 'validUntil', {
          zh: `委托有效期须晚于当前时间（${formatShanghai(Date.now())}）`,
          en: `the delegation must be valid until a time after now (${formatShanghai(Date.now())} Beijing time)`,
        }),
      ]);
    }
    // A delegation covers an absence, not the rest of the pilot: at most MAX_DELEGATION_DAYS.
    if (Date.parse(d.validUntil) > Date.now() + MAX_DELEGATION_DAYS * 86_400_000) {
      refuse([
        breach(rule, 'validUntil', {
          zh: `委托有效期最长 ${MAX_DELEGATION_DAYS} 天（至 ${formatShanghai(Date.now() + MAX_DELEGATION_DAYS * 86_400_000)}）`,
          en: `a delegation lasts at most ${MAX_DELEGATION_DAYS} days (until ${formatShanghai(Date.now() + MAX_DELEGATION_DAYS * 86_400_000)} Beijing time)`,
        }),
      ]);
    }
    return { ...d, step };
  };
  setHandler(
    delegateApproval,
    (raw): ApprovalUpdateResult => {
      const d = validateDelegation(raw);
      const delegation: ApprovalDelegation = {
        stepId: d.step.id,
        delegator: d.actor,
        delegate: { userId: d.delegate.userId, email: d.delegate.email, ...(d.delegate.name ? { name: d.delegate.name } : {}) },
        validFrom: nowIso(),
        validUntil: new Date(d.validUntil).toISOString(),
      };
      s.delegations.push(delegation);
      note({ event: 'delegated', stepId: d.step.id, actor: d.actor.id, note: `to ${d.delegate.userId} until ${delegation.validUntil}` });
      post({
        kind: 'approvalDelegated',
        eventKey: `delegation:${s.delegations.length}`,
        to: [
          { role: 'delegate', email: delegation.delegate.email, ...(delegation.delegate.name ? { name: delegation.delegate.name } : {}) },
        ],
        step: stepRef(d.step),
        delegatorId: d.actor.id,
        validUntil: delegation.validUntil,
        dueAt: s.currentStep!.dueAt,
      });
      return result();
    },
    { validator: (raw) => void validateDelegation(raw) },
  );

  const validateCc = (raw: unknown) => {
    const p = safeParseBilingual(ccApprovalInputSchema, raw);
    if (!p.ok) refuse(p.errors);
    requireStatus(['pending', 'returned', 'awaitingFiling'], 'status');
    const a = p.value.actor;
    requireDelegationIfOnBehalf(a);
    const involved =
      a.id === s.submittedBy.id ||
      a.role === 'academicAffairs' ||
      a.role === 'schoolLeader' ||
      (a.role === 'collegeLeader' && a.college === pilot.collegeId);
    if (!involved) {
      refuse([
        breach(rule, 'actor', {
          zh: `只有提交人、本学院负责人、教务部或主管校领导可以添加抄送人；${roleNames[a.role].zh} ${a.id} 不能`,
          en: `only the submitter, this college's leader, Academic Affairs or the school leader may add people to copy; ${roleNames[a.role].en} ${a.id} may not`,
        }),
      ]);
    }
    return p.value;
  };
  setHandler(
    ccApproval,
    (raw): ApprovalUpdateResult => {
      const c = validateCc(raw);
      const at = nowIso();
      for (const person of c.people) {
        if (s.cc.some((x) => x.email.toLowerCase() === person.email.toLowerCase())) continue;
        s.cc.push({
          email: person.email,
          ...(person.name ? { name: person.name } : {}),
          ...(person.userId ? { userId: person.userId } : {}),
          addedBy: c.actor.id,
          at,
        });
      }
      note({ event: 'ccAdded', actor: c.actor.id, note: c.people.map((x) => x.email).join(', ') });
      return result();
    },
    { validator: (raw) => void validateCc(raw) },
  );

  const validateFiling = (raw: unknown) => {
    const p = safeParseBilingual(recordApprovalFilingInputSchema, raw);
    if (!p.ok) refuse(p.errors);
    if (s.status !== 'awaitingFiling') {
      refuse([
        breach(
          changeRules.filing,
          'status',
          spec.requiresFiling
            ? {
                zh: `变更申请尚未经二级学院和教务部审核通过（当前：${statusNames[s.status]}），不能登记备案`,
                en: `the change request is not approved by the college and Academic Affairs yet (now: ${s.status}); no filing can be recorded`,
              }
            : { zh: '此类审批事项不需要省教育厅备案', en: 'this kind of approval needs no provincial filing' },
        ),
      ]);
    }
    const { actor, ...filing } = p.value;
    requireDelegationIfOnBehalf(actor);
    const built = buildFiling(filing, actor, new Date(Date.now()));
    if (!built.ok) refuse(built.errors);
    if (filing.filedOn > shanghaiDate(Date.now())) {
      refuse([
        breach(changeRules.filing, 'filedOn', {
          zh: `备案日期 ${filing.filedOn} 不能晚于今天`,
          en: `the filing date ${filing.filedOn} cannot be in the future`,
        }),
      ]);
    }
    return built.value;
  };
  setHandler(
    recordApprovalFiling,
    (raw): ApprovalUpdateResult => {
      const filing = validateFiling(raw);
      s.filing = filing;
      note({ event: 'filingRecorded', stepId: provincialFilingStep.id, actor: filing.recordedBy.id, note: filing.reference });
      conclude('approved');
      return result();
    },
    { validator: (raw) => void validateFiling(raw) },
  );

  // ── Main: timers per open step; conclusion; cancellation ─────────────────────────

  return runUnlessCancelled<ApprovalResult>(
    async () => {
      upsertSearchAttributes([
        { key: OnexKind, value: 'approval' },
        { key: OnexCollege, value: pilot.collegeId },
      ]);
      note({ event: 'submitted', actor: input.submittedBy.id });
      openStep(0);

      while (!concluded) {
        outbox.throwIfFailed();
        const cur = s.currentStep;
        if (!cur) {
          // Returned to the submitter: nothing is due until the resubmission.
          await condition(() => concluded !== undefined || s.currentStep !== undefined);
          continue;
        }
        const seq = stepSeq;
        const moved = () => concluded !== undefined || stepSeq !== seq || s.currentStep === undefined || outbox.failed();
        const step = steps[stepIndex]!;
        await waitUntil(cur.remindAt, moved);
        if (!moved() && nowIso() < cur.dueAt) {
          cur.reminded = true;
          note({ event: 'reminded', stepId: step.id });
          post({
            kind: 'approvalStepReminder',
            eventKey: `step:${seq}:${step.id}:reminder`,
            to: [...approverOf(step.role), ...activeDelegates(step.id)],
            step: stepRef(step),
            dueAt: cur.dueAt,
          });
        }
        await waitUntil(cur.dueAt, moved);
        if (!moved()) {
          // Overdue: tell the approver and the next level, once; then keep waiting.
          const next = escalationRole(step.role, approverEmail);
          cur.escalated = true;
          note({ event: 'escalated', stepId: step.id, note: next });
          searchAttributes(step.id, cur.dueAt, true);
          post({
            kind: 'approvalStepOverdue',
            eventKey: `step:${seq}:${step.id}:overdue`,
            to: [...approverOf(step.role), ...activeDelegates(step.id), ...approverOf(next)],
            step: stepRef(step),
            dueAt: cur.dueAt,
            escalatedTo: roleNames[next],
          });
        }
        await condition(moved);
      }

      const conclusion = concluded;
      const told = await signalParent(input.parentWorkflowId, approvalConcludedSignal, conclusion);
      note({ event: told ? 'parentSignalled' : 'parentSignalFailed', note: input.parentWorkflowId });
      await outbox.drained();
      await condition(allHandlersFinished);
      return { ...conclusion, status: 'concluded' };
    },
    () => {
      s.status = 'cancelled';
      s.currentStep = undefined;
      note({ event: 'cancelled' });
      searchAttributes('cancelled', undefined, false);
      return { status: 'cancelled', approvalId: input.approvalId, kind: input.kind, cancelledAt: nowIso() };
    },
  );
}

/** Overdue at a step → who is told besides its approver (Art. 4: Academic Affairs manages the programme). */
function escalationRole(role: Role, emails: Partial<Record<Role, string>>): Role {
  if (role === 'collegeLeader') return 'academicAffairs';
  if (role === 'academicAffairs') return emails.schoolLeader ? 'schoolLeader' : 'academicAffairs';
  return 'academicAffairs';
}
