/**
 * Activities that record every notification instead of mailing it: the workflow-layer
 * tests (test/helpers/temporal.ts), the recorder of replay histories and the benchmark
 * share them. Outside test/ so that scripts may use them too.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createRegistryActivities } from '../../activities/registry';
import type { OnexActivities } from '../../activities/types';
import type { Notification, NotificationReceipt } from '../../domain/notifications';

/** Activities that record every notification instead of mailing it (workflow layer only). */
export function recordingActivities(): OnexActivities & { sent: Notification[] } {
  const sent: Notification[] = [];
  return {
    sent,
    ...createRegistryActivities(),
    async sendNotification(n: Notification): Promise<NotificationReceipt> {
      // Like the real activity when the server refuses every recipient for good (5xx).
      if (n.to.length > 0 && n.to.every((r) => r.email.startsWith('bounce'))) {
        throw ApplicationFailure.create({ type: 'OnexSmtpRejected', message: `550 no such user ${n.eventKey}`, nonRetryable: true });
      }
      sent.push(n);
      return { messageId: `<${n.workflowId}/${n.eventKey}@test>`, accepted: n.to.map((r) => r.email), rejected: [] };
    },
  };
}
