/**
 * The approval's shared context (审批; Art. 13 budget, Art. 7 change, Art. 6(4) examiner
 * plan): the chain as data, its state, the outbox and search attributes, and the checks
 * every validator shares. The spine (index.ts) makes one per run; the steps, decisions,
 * delegation and deadline files work on it.
 */
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Actor, Role } from '../../domain/actor';
import type { ApprovalStep } from '../../domain/approval';
import { approvalKindSpec, checkApprovalStart, parseApprovalSubject, provincialFilingStep } from '../../domain/approval-kinds';
import { createChinaCalendar } from '../../domain/calendar';
import type { Bilingual } from '../../domain/errors';
import type { ApprovalNotification, ApprovalStepRef } from '../../domain/notifications';
import { breach } from '../../domain/rules';
import { ruleTable } from '../../domain/tables';
import type { Recipient } from '../../domain/weekly';
import type {
  ApprovalConcluded,
  ApprovalState,
  ApprovalStatus,
  ApprovalTimelineEntry,
  ApprovalUpdateResult,
  ApprovalWorkflowInput,
} from '../approval-types';
import type { DistributiveOmit } from '../child-support';
import { refuse, refuseIfAny } from '../refusal';
import { Mailer, nowIso, uniqueRecipients } from '../round-support';
import { OnexNextDue, OnexOverdue, OnexStage } from '../search-attributes';

export const SUBMITTER: ApprovalStepRef = { id: 'submitter', title: { zh: '提交人修改', en: 'the submitter, for revision' } };
export const statusNames: Record<ApprovalStatus, string> = {
  pending: '审批中',
  returned: '已退回修改',
  approved: '已通过',
  rejected: '未通过',
  withdrawn: '已撤回',
  awaitingFiling: '待登记备案',
  cancelled: '已取消',
};

export type ApprovalContext = ReturnType<typeof approvalContext>;

/** The approval's state and helpers, built once at the start of the run; a bad input fails the workflow here. */
export function approvalContext(input: ApprovalWorkflowInput) {
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
  /**
   * Where the submitter's mail goes: the lead's address for the pilot lead, the role's address
   * for a college leader, Academic Affairs or a school leader; college staff have no address of
   * their own here, so their college leader's (the working group's head, Art. 5) — the item is
   * in the submitter's own inbox as 已退回待修改 either way.
   */
  const submitter = (): Recipient[] => {
    const by = s.submittedBy;
    if (by.role === 'pilotLead') return [lead];
    if (by.role === 'collegeLeader' || by.role === 'academicAffairs' || by.role === 'schoolLeader') return approverOf(by.role);
    return approverOf('collegeLeader');
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
  const result = (): ApprovalUpdateResult => ({
    status: s.status,
    ...(s.currentStep ? { currentStepId: s.currentStep.id, dueAt: s.currentStep.dueAt } : {}),
  });

  const ctx = {
    input,
    spec,
    chain,
    rule,
    rules,
    calendar,
    workflowId,
    recipients,
    pilot,
    approverEmail,
    steps,
    filingIndex,
    s,
    outbox,
    /** Index of the open step. */
    stepIndex: 0,
    /** The steps that returned the item, latest last (resubmission pops). */
    resumeStack: [] as number[],
    /** +1 each time a step opens: the main loop's timers belong to one opening. */
    stepSeq: 0,
    decidedThisRound: false,
    concluded: undefined as ApprovalConcluded | undefined,
    note,
    stepRef,
    lead,
    submitter,
    approverOf,
    activeDelegates,
    ccRecipients,
    post,
    searchAttributes,
    result,

    // ── Validation (pure reads of state; a refusal leaves no trace in history) ──────────

    /** The status refusal, unless the item is in one of `allowed`. */
    requireStatus: (allowed: readonly ApprovalStatus[], field: string): void => {
      if (allowed.includes(s.status)) return;
      refuse([
        breach(rule, field, {
          zh: `该事项当前状态为“${statusNames[s.status]}”，不能进行此操作`,
          en: `the item is ${s.status}; this action is not possible now`,
        }),
      ]);
    },
    requireCurrentStep: (stepId: string): ApprovalStep => {
      const step = steps[ctx.stepIndex]!;
      if (stepId !== step.id) {
        refuse([
          breach(rule, 'stepId', {
            zh: `当前审批环节为“${step.title.zh}”（${step.id}），不是 ${stepId}`,
            en: `the current step is “${step.title.en}” (${step.id}), not ${stepId}`,
          }),
        ]);
      }
      return step;
    },
    requireSubmitter: (actor: Actor, what: Bilingual): void => {
      if (actor.id === s.submittedBy.id) return;
      refuse([
        breach(rule, 'actor', {
          zh: `只有提交人 ${s.submittedBy.id} 可以${what.zh}`,
          en: `only the submitter ${s.submittedBy.id} may ${what.en}`,
        }),
      ]);
    },
  };
  return ctx;
}
