/**
 * Types of the approval workflow (workflows/approval/): its input, state, update inputs
 * and the conclusion it signals to its parent. Type-only, so the pilot workflow and the
 * client import them without pulling workflow code.
 */
import type { Actor } from '../domain/actor';
import type { ApprovalOutcome } from '../domain/approval';
import type { ApprovalKind, ApprovalSubject, ApprovalSubjectInputs } from '../domain/approval-kinds';
import type { ProvincialFiling } from '../domain/change';
import type { Bilingual } from '../domain/errors';
import type { PilotSummary } from '../domain/notifications';
import type { EmailSent } from './round-types';

export type { ApprovalKind, ApprovalSubject } from '../domain/approval-kinds';

/** The pilot as a child workflow's mails and search attributes need it. */
export interface ChildPilotSummary extends PilotSummary {
  collegeId: string;
}

/** E-mail addresses of the people a child workflow mails, by role. */
export interface ChildRecipients {
  pilotLead: string;
  collegeLeader: string;
  academicAffairs: string;
  /** Required for the budget chain (Art. 13) and for a rectification's escalation (Art. 18). */
  schoolLeader?: string;
}

interface ApprovalInputBase {
  approvalId: string;
  /** The pilot workflow to signal on conclusion (its latest run: the pilot continues-as-new). */
  parentWorkflowId: string;
  pilot: ChildPilotSummary;
  recipients: ChildRecipients;
  submittedBy: Actor;
  /** ISO instant of the submission. */
  submittedAt: string;
  rulesVersion: string;
}

/** The input of `approvalWorkflow`: the subject is parsed by its kind's domain schema at start. */
export type ApprovalWorkflowInput = {
  [K in ApprovalKind]: ApprovalInputBase & { kind: K; subject: ApprovalSubjectInputs[K] };
}[ApprovalKind];

export type ApprovalStatus = 'pending' | 'returned' | 'approved' | 'rejected' | 'withdrawn' | 'awaitingFiling' | 'cancelled';

/** `submitter`, or the id of an earlier step. */
export type ReturnTarget = string;

export interface ApprovalDecisionRecord {
  /** Submission number the decision belongs to (1 = the first submission). */
  round: number;
  stepId: string;
  stepTitle: Bilingual;
  outcome: ApprovalOutcome;
  returnTo?: ReturnTarget;
  comment?: string;
  /** Why the submitter decided their own item (a role the rule table allows). */
  overrideReason?: string;
  /** Who decided: the approver, or the delegate (then `onBehalfOf` names the approver). */
  actor: Actor;
  onBehalfOf?: string;
  at: string;
}

export interface ApprovalDelegation {
  stepId: string;
  /** The approver who delegated (id, role, college). */
  delegator: Actor;
  delegate: { userId: string; email: string; name?: string };
  validFrom: string;
  validUntil: string;
}

export interface ApprovalCc {
  email: string;
  name?: string;
  userId?: string;
  addedBy: string;
  at: string;
}

export type ApprovalTimelineEvent =
  | 'submitted'
  | 'stepOpened'
  | 'reminded'
  | 'escalated'
  | 'approved'
  | 'returned'
  | 'rejected'
  | 'resubmitted'
  | 'withdrawn'
  | 'delegated'
  | 'ccAdded'
  | 'filingRecorded'
  | 'concluded'
  | 'parentSignalled'
  | 'parentSignalFailed'
  | 'cancelled';

export interface ApprovalTimelineEntry {
  at: string;
  event: ApprovalTimelineEvent;
  stepId?: string;
  actor?: string;
  onBehalfOf?: string;
  note?: string;
}

export interface ApprovalCurrentStep {
  id: string;
  title: Bilingual;
  role: Actor['role'];
  openedAt: string;
  dueDate: string;
  dueAt: string;
  remindAt: string;
  reminded: boolean;
  escalated: boolean;
}

/** A sent e-mail, as every workflow records it. */
export type ApprovalEmailRecord = EmailSent;

export interface ApprovalState {
  approvalId: string;
  kind: ApprovalKind;
  workflowId: string;
  parentWorkflowId: string;
  pilot: ChildPilotSummary;
  title: Bilingual;
  subject: ApprovalSubject;
  submittedBy: Actor;
  submittedAt: string;
  /** Submission number: 1, +1 at each resubmission. */
  round: number;
  status: ApprovalStatus;
  /** The step waiting for a decision (or the filing); absent while returned or concluded. */
  currentStep?: ApprovalCurrentStep;
  /** When returned to the submitter: the step that returned it (resubmission goes straight back there). */
  returnedBy?: { stepId: string; comment: string };
  decisions: ApprovalDecisionRecord[];
  delegations: ApprovalDelegation[];
  cc: ApprovalCc[];
  filing?: ProvincialFiling;
  timeline: ApprovalTimelineEntry[];
  emails: ApprovalEmailRecord[];
  concludedAt?: string;
  rulesVersion: string;
}

/** What the approval workflow signals its parent once it concludes (then it completes). */
export interface ApprovalConcluded {
  approvalId: string;
  kind: ApprovalKind;
  outcome: 'approved' | 'rejected' | 'withdrawn';
  /** The subject as last submitted (amended by resubmissions). */
  subject: ApprovalSubject;
  decisions: ApprovalDecisionRecord[];
  /** Art. 7: the provincial filing of an approved change request. */
  filing?: ProvincialFiling;
  concludedAt: string;
  /** Who concluded it: the last decider, the withdrawing submitter, or who recorded the filing (absent in older runs). */
  by?: Actor;
  /** The addresses copied on it (absent in older runs). */
  cc?: string[];
}

/** The workflow's result: the conclusion, or `cancelled` (pilot cancelled, Art. 19). */
export type ApprovalResult =
  (ApprovalConcluded & { status: 'concluded' }) | { status: 'cancelled'; approvalId: string; kind: ApprovalKind; cancelledAt: string };

// ── Update inputs ──────────────────────────────────────────────────────────────────

export interface DecideApprovalInput {
  /** The step the actor decides (must be the current one). */
  stepId: string;
  outcome: ApprovalOutcome;
  /** Required to return or reject. */
  comment?: string;
  /** For `return`: `submitter` (default) or the id of an earlier step. */
  returnTo?: ReturnTarget;
  /** Why the submitter decides their own item (roles the rule table allows; recorded). */
  overrideReason?: string;
  /** The approver, or a delegate (optionally with `onBehalfOf` naming the approver). */
  actor: Actor;
}

export interface ResubmitApprovalInput<S = unknown> {
  subject: S;
  note?: string;
  actor: Actor;
}

export interface WithdrawApprovalInput {
  reason?: string;
  actor: Actor;
}

export interface DelegateApprovalInput {
  stepId: string;
  delegate: { userId: string; email: string; name?: string };
  /** ISO instant until which the delegate may decide the step. */
  validUntil: string;
  actor: Actor;
}

export interface CcApprovalInput {
  people: { email: string; name?: string; userId?: string }[];
  actor: Actor;
}

export interface RecordFilingInput {
  /** Date of the filing with the province (YYYY-MM-DD). */
  filedOn: string;
  reference: string;
  actor: Actor;
}

/** Every update answers with the status and current step after it. */
export interface ApprovalUpdateResult {
  status: ApprovalStatus;
  currentStepId?: string;
  dueAt?: string;
}
