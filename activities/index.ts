/**
 * The activities the worker registers: `createActivities(deps)` returns an object of the
 * type workflows proxy (activities/types.ts), so test doubles share that type.
 */
import type { OnexActivities } from './types';
import { createEmailSender, type EmailDeps } from './email';
import { createRegistryActivities } from './registry';

export type ActivityDeps = EmailDeps;

export function createActivities(deps: ActivityDeps): OnexActivities {
  const email = createEmailSender(deps);
  return { sendNotification: (n) => email.sendNotification(n), ...createRegistryActivities() };
}

export { emailFailureTypes, notificationMessageId, type ActivityLogger, type EmailDeps, type MailTransport } from './email';
export { createRegistryActivities } from './registry';
export type { RenderedEmail, TemplateLinks } from './letter';
export { render } from './templates';
export type { OnexActivities } from './types';
