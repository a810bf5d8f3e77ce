/**
 * The activity interface workflows see (type-only). createActivities(deps) in
 * activities/index.ts returns an object of this type, and test doubles share it.
 */
import type { Notification, NotificationReceipt } from '../domain/notifications';

export interface OnexActivities {
  /** Sends one notification e-mail; idempotent per (workflowId, eventKey). */
  sendNotification(notification: Notification): Promise<NotificationReceipt>;
}
