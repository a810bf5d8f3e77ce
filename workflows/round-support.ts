/**
 * What the round and application workflows share: workflow time, waiting for an instant or
 * a change, recipients, and the ordered mail outbox (a `Mailer`, from outbox.ts, the one
 * outbox every workflow's mail goes through: handlers post and return at once; a coroutine
 * sends one mail at a time, so neither an update nor the main loop waits on SMTP).
 * Deterministic.
 */
import { condition } from '@temporalio/workflow';
import type { Recipient, RecipientRole } from '../domain/weekly';

export { Mailer } from './outbox';

/** Workflow time as an ISO instant. */
export const nowIso = (): string => new Date(Date.now()).toISOString();

/** Waits until `instant` (workflow time) or until `done()` holds, whichever comes first. */
export async function waitUntil(instant: string, done: () => boolean): Promise<void> {
  const ms = Date.parse(instant) - Date.now();
  if (ms > 0) await condition(done, ms);
}

export function recipient(role: RecipientRole, p: { email: string; name: string }): Recipient {
  return { role, email: p.email, name: p.name };
}

/** Recipients without duplicate addresses (first role wins). */
export function uniqueRecipients(list: Recipient[]): Recipient[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const key = r.email.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
