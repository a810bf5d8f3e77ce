/**
 * The activity interface workflows see (type-only). createActivities(deps) in
 * activities/index.ts returns an object of this type, and test doubles share it.
 */
import type { PassRecord } from '../domain/application';
import type { Notification, NotificationReceipt } from '../domain/notifications';
import type { PassRecordLookup, PassRecordReport } from '../workflows/round-types';

export interface OnexActivities {
  /** Sends one notification e-mail; idempotent per (workflowId, eventKey). */
  sendNotification(notification: Notification): Promise<NotificationReceipt>;
  /** Art. 12: last year's pass records an application needs, from the programme registry. */
  passRecordsFor(lookup: PassRecordLookup): Promise<PassRecord[]>;
  /** Art. 12: a pilot reports an assessment year's pass record to the registry (starts it if needed). */
  reportPassRecord(report: PassRecordReport): Promise<void>;
}
