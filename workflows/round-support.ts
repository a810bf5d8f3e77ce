/**
 * What the round and application workflows share: workflow time, waiting for an instant or
 * a change, and an ordered mail outbox (handlers post and return at once; a coroutine sends
 * one mail at a time, so neither an update nor the main loop waits on SMTP). Deterministic.
 */
import { ActivityFailure, condition, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { OnexActivities } from '../activities/types';
import { notificationActivityOptions, type Notification } from '../domain/notifications';
import type { Recipient, RecipientRole } from '../domain/weekly';
import type { EmailSent } from './round-types';

// A mail server that is down must delay a notification, never lose it: retry without limit.
const { sendNotification } = proxyActivities<OnexActivities>(notificationActivityOptions);

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

export class Mailer {
  private readonly queue: Notification[] = [];
  private sending = false;
  private failure: unknown;

  constructor(private readonly emails: EmailSent[]) {
    // The coroutine ends only by cancellation or a notification failing for good: keep the cause.
    void this.run().catch((err: unknown) => {
      this.failure = err;
    });
  }

  post(n: Notification): void {
    this.queue.push(n);
  }

  /** True when every posted mail has been sent. */
  idle(): boolean {
    return this.queue.length === 0 && !this.sending;
  }

  /** True once the mailer has stopped (the workflow was cancelled, or a notification failed for good). */
  failed(): boolean {
    return this.failure !== undefined;
  }

  /** Rethrows what stopped the mailer, if anything. */
  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Resolves once every posted mail is sent; rejects with what stopped the mailer. */
  async drained(): Promise<void> {
    await condition(() => this.idle() || this.failed());
    this.throwIfFailed();
  }

  private async run(): Promise<void> {
    for (;;) {
      await condition(() => this.queue.length > 0);
      const n = this.queue.shift()!;
      this.sending = true;
      const to = n.to.map((r) => ({ role: r.role, email: r.email }));
      try {
        const receipt = await sendNotification(n);
        this.emails.push({ eventKey: n.eventKey, kind: n.kind, to, messageId: receipt.messageId, at: n.occurredAt });
      } catch (err) {
        // A mail the server refuses for good (a wrong address) is recorded, never fatal:
        // the workflow goes on. Cancellation still stops the mailer.
        if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
        this.emails.push({
          eventKey: n.eventKey,
          kind: n.kind,
          to,
          messageId: '',
          at: n.occurredAt,
          failed: err.cause?.message ?? err.message,
        });
      }
      this.sending = false;
    }
  }
}
