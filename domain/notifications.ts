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

export type Notification = WeeklyReminderNotification | WeeklyMissedNotification | RoundNotification;
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
