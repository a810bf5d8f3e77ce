/**
 * What a workflow asks the e-mail activity to send. Pure data: the workflow decides who is
 * told what and when; activities/templates.ts turns each kind into a bilingual e-mail
 * (Chinese first, an English line beside it) naming the pilot, the article, the due date
 * and what to do, with a link to the admin client.
 *
 * Idempotency: (workflowId, eventKey) identifies one notification for ever. The activity
 * derives the Message-ID from it and renders only from this payload (never the wall
 * clock), so a retried activity sends the very same message again, never a different one.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/common';
import type { ArticleRef } from './errors';
import type { CertificateLevel } from './pilot';
import type { RoundNotification } from './round-notifications';
import type { Recipient } from './weekly';

export interface PilotSummary {
  id: string;
  collegeName: string;
  majorName: string;
  certificateName: string;
  level: CertificateLevel;
  leadName: string;
}

interface NotificationBase {
  workflowId: string;
  /** Unique within the workflow for ever, e.g. `weekly:2026-W08:reminder`. */
  eventKey: string;
  /** Workflow time of the event (ISO instant); the mail's Date header. */
  occurredAt: string;
  to: Recipient[];
  pilot: PilotSummary;
  article: ArticleRef;
}

export interface WeeklyReminderNotification extends NotificationBase {
  kind: 'weeklyReminder';
  periodId: string;
  dueAt: string;
}

export interface WeeklyMissedNotification extends NotificationBase {
  kind: 'weeklyMissed';
  periodId: string;
  dueAt: string;
  consecutiveMisses: number;
  /** 1: lead; 2: lead + college leader; 3: + Academic Affairs, pilot escalated. */
  level: 1 | 2 | 3;
}

export type Notification =
  | WeeklyReminderNotification
  | WeeklyMissedNotification
  | PilotNoticeNotification
  | ApprovalNotification
  | RectificationNotification
  | RoundNotification;
export type NotificationKind = Notification['kind'];

export interface NotificationReceipt {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

/**
 * The retry policy for the notification activity: a mail server that is down delays a
 * notification, never loses it, so there is no maximum number of attempts. The activity
 * fails non-retryably (ApplicationFailure) only when retrying cannot help: no recipients,
 * an unrenderable payload, or the server rejecting every recipient permanently.
 * Plain data so workflows can import it (this module has no runtime imports).
 */
export const notificationRetry = {
  initialInterval: '5 seconds',
  backoffCoefficient: 2,
  maximumInterval: '10 minutes',
} as const satisfies RetryPolicy;

/** Activity options for `sendNotification` (the activity's SMTP timeouts stay under startToCloseTimeout). */
export const notificationActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: notificationRetry,
} as const satisfies ActivityOptions;

/**
 * A notice about the pilot's implementation lifecycle (Art. 7, 12, 13, 18, 19, 20): the
 * workflow composes its bilingual text with the pure builders in domain/pilot-notices.ts
 * (one per topic), and the single `pilotNotice` template frames it like every other mail.
 */
export interface PilotNoticeNotification extends NotificationBase {
  kind: 'pilotNotice';
  topic: PilotNoticeTopic;
  subject: { zh: string; en: string };
  paragraphs: { zh: string; en: string }[];
  /** What the reader should do, if anything. */
  action?: { zh: string; en: string };
  dueAt?: string;
}

export type PilotNoticeTopic =
  | 'provincialRequested'
  | 'provincialReminder'
  | 'provincialMissed'
  | 'inspectionDue'
  | 'passRateRestricted'
  | 'cancellationRisk'
  | 'leadChanged'
  | 'pilotCancelled'
  | 'pilotCompleted'
  | 'manualReminder'
  | 'deadlineExtended';

// ── Approvals (Art. 13 budget, Art. 7 change request, Art. 6(4) examiner plan) ─────────

/** A step of an approval chain as mails name it. */
export interface ApprovalStepRef {
  id: string;
  title: { zh: string; en: string };
}

interface ApprovalNotificationBase extends NotificationBase {
  approvalId: string;
  approvalKind: 'budget' | 'changeRequest' | 'examinerPlan';
  /** What is being approved, e.g. `2027 年度资金预算方案和经费筹措方案（B-2027）`. */
  itemTitle: { zh: string; en: string };
}

/** A step opened (to its approver) or its reminder before the due instant. */
export interface ApprovalStepNotification extends ApprovalNotificationBase {
  kind: 'approvalStepRequested' | 'approvalStepReminder';
  step: ApprovalStepRef;
  dueAt: string;
}

/** The step's due instant passed: the approver and the next level are told (once per step). */
export interface ApprovalStepOverdueNotification extends ApprovalNotificationBase {
  kind: 'approvalStepOverdue';
  step: ApprovalStepRef;
  dueAt: string;
  /** Who the escalation goes to besides the approver, e.g. Academic Affairs. */
  escalatedTo: { zh: string; en: string };
}

/** A step returned the item: to the submitter for revision, or to an earlier step. */
export interface ApprovalReturnedNotification extends ApprovalNotificationBase {
  kind: 'approvalReturned';
  step: ApprovalStepRef;
  /** `submitter`, or the earlier step that decides again. */
  returnTo: ApprovalStepRef;
  comment: string;
  /** When returned to an earlier step: that step's new due instant. */
  dueAt?: string;
  by: { id: string; onBehalfOf?: string };
}

/** A copy of a step's decision for the people copied (CC) on the approval. */
export interface ApprovalDecidedNotification extends ApprovalNotificationBase {
  kind: 'approvalDecided';
  step: ApprovalStepRef;
  outcome: 'approve' | 'return' | 'reject';
  comment?: string;
  by: { id: string; onBehalfOf?: string };
}

/** The approval ended: approved (and, for a change, filed), rejected or withdrawn. */
export interface ApprovalConcludedNotification extends ApprovalNotificationBase {
  kind: 'approvalConcluded';
  outcome: 'approved' | 'rejected' | 'withdrawn';
  comment?: string;
  /** Art. 7: the provincial filing reference of an approved change request. */
  filingReference?: string;
}

/** A step's approver transferred the decision to a delegate until `validUntil`. */
export interface ApprovalDelegatedNotification extends ApprovalNotificationBase {
  kind: 'approvalDelegated';
  step: ApprovalStepRef;
  delegatorId: string;
  validUntil: string;
  dueAt: string;
}

export type ApprovalNotification =
  | ApprovalStepNotification
  | ApprovalStepOverdueNotification
  | ApprovalReturnedNotification
  | ApprovalDecidedNotification
  | ApprovalConcludedNotification
  | ApprovalDelegatedNotification;

// ── Rectification after a failed inspection (Art. 18) ───────────────────────────────

interface RectificationNotificationBase extends NotificationBase {
  rectificationId: string;
  /** The failed inspection that opened the rectification. */
  inspectionId: string;
  dueAt: string;
}

/** The notice (通报) to the college: round 1 after the inspection, 2+ after a failed re-inspection. */
export interface RectificationOpenedNotification extends RectificationNotificationBase {
  kind: 'rectificationOpened';
  round: number;
  inspectedOn: string;
  /** Art. 18 contents found unsatisfactory. */
  failed: ('progress' | 'funds' | 'problems')[];
}

export interface RectificationReminderNotification extends RectificationNotificationBase {
  kind: 'rectificationReminder';
}

/** Overdue: escalated to Academic Affairs and the school leader. */
export interface RectificationOverdueNotification extends RectificationNotificationBase {
  kind: 'rectificationOverdue';
}

export interface RectificationClosedNotification extends RectificationNotificationBase {
  kind: 'rectificationClosed';
  reinspectionId: string;
  reinspectedOn: string;
}

export type RectificationNotification =
  RectificationOpenedNotification | RectificationReminderNotification | RectificationOverdueNotification | RectificationClosedNotification;
