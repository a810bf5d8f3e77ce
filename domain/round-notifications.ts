/**
 * Notifications of application rounds (Art. 5(2), 9): the round opened (one mail per
 * college), a step's reminder and its overdue escalation, a return for revision, the
 * provincial result, the public notice. Pure data; activities/round-templates.ts renders
 * each kind (Chinese first, English beside it) with a link to the round or application.
 * Idempotency as for every notification: (workflowId, eventKey) identifies one mail.
 */
import type { ArticleRef, Bilingual } from './errors';
import type { CertificateLevel } from './pilot';
import type { AnyStep, ApplicationStep } from './round';
import type { Recipient } from './weekly';

export interface RoundSummary {
  id: string;
  year: number;
  /** The provincial call's title. */
  title: string;
  documentNumber: string;
}

export interface ApplicationSummary {
  id: string;
  collegeName: string;
  majorName: string;
  certificateName: string;
  level: CertificateLevel;
  leadName: string;
}

interface RoundNotificationBase {
  workflowId: string;
  eventKey: string;
  occurredAt: string;
  to: Recipient[];
  article: ArticleRef;
  round: RoundSummary;
}

/** Art. 9(2): the internal round is open; one mail per college. */
export interface RoundOpenedNotification extends RoundNotificationBase {
  kind: 'roundOpened';
  collegeName: string;
  internalDeadlineAt: string;
  provincialDeadline: string;
  /** The province's requirements, shortened for the mail. */
  requirements: string;
}

/** Before a step's due instant: to whoever acts on it. */
export interface StepReminderNotification extends RoundNotificationBase {
  kind: 'stepReminder';
  application?: ApplicationSummary;
  step: AnyStep;
  dueAt: string;
}

/** A step's due instant passed: to whoever acts on it and the next level. */
export interface StepOverdueNotification extends RoundNotificationBase {
  kind: 'stepOverdue';
  application?: ApplicationSummary;
  step: AnyStep;
  dueAt: string;
  escalatedTo: Bilingual;
}

/** Returned for revision to a chosen step, with the comment. */
export interface ReturnedForRevisionNotification extends RoundNotificationBase {
  kind: 'returnedForRevision';
  application: ApplicationSummary;
  returnedBy: ApplicationStep;
  returnedTo: ApplicationStep;
  comment: string;
  dueAt: string;
}

/** Art. 9(3)–(4): approved (after the public notice, with the pilot started) or rejected with a reason. */
export interface ProvincialResultNotification extends RoundNotificationBase {
  kind: 'provincialResult';
  application: ApplicationSummary;
  outcome: 'approved' | 'rejected';
  reason?: string;
  /** The pilot started for an approved application. */
  pilotId?: string;
}

/** Art. 9(3): the public notice (公示) of an approved application. */
export interface PublicNoticeStartedNotification extends RoundNotificationBase {
  kind: 'publicNoticeStarted';
  application: ApplicationSummary;
  start: string;
  end: string;
  workingDays: number;
}

export type RoundNotification =
  | RoundOpenedNotification
  | StepReminderNotification
  | StepOverdueNotification
  | ReturnedForRevisionNotification
  | ProvincialResultNotification
  | PublicNoticeStartedNotification;
export type RoundNotificationKind = RoundNotification['kind'];
