/**
 * One outbox for every workflow's mail (issue 11). Handlers and loops post; the outbox keeps
 * their order; each mail goes out through the one `sendNotification` activity, and a mail the
 * server refuses for good (a wrong address) is recorded, never fatal. It is drained in one of
 * two ways:
 * - the round, application, approval and rectification workflows run a `Mailer`, a coroutine
 *   that sends one mail at a time, so neither an update nor the main loop waits on SMTP;
 * - the pilot drains its outbox in its main loop, where mail takes its turn with the pilot's
 *   other side effects (child workflows, registry reports), in the order they were posted.
 * Deterministic workflow code.
 */
import { ActivityFailure, condition, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { OnexActivities } from '../activities/types';
import { notificationActivityOptions, type Notification } from '../domain/notifications';
import type { EmailSent } from './round-types';

// A mail server that is down must delay a notification, never lose it: retry without limit.
export const { sendNotification } = proxyActivities<OnexActivities>(notificationActivityOptions);

/** An ordered queue of side effects: taken in the order they were posted. */
export interface Outbox<T> {
  post(item: T): void;
  /** The oldest item, removed from the outbox; undefined when it is empty. */
  take(): T | undefined;
  readonly size: number;
}

export function createOutbox<T>(): Outbox<T> {
  const items: T[] = [];
  return {
    post: (item) => {
      items.push(item);
    },
    take: () => items.shift(),
    get size() {
      return items.length;
    },
  };
}

/**
 * Why a mail was refused for good: the message of a failed `sendNotification`, to record
 * instead of the Message-ID. Anything else (a workflow error, and with `cancellationStops` a
 * send cut short by the workflow's cancellation) is thrown again.
 */
export function refusal(err: unknown, opts: { cancellationStops: boolean }): string {
  if ((opts.cancellationStops && isCancellation(err)) || !(err instanceof ActivityFailure)) throw err;
  return err.cause?.message ?? err.message;
}

/** The outbox drained by a coroutine, one mail at a time, each recorded in `emails`. */
export class Mailer {
  private readonly queue = createOutbox<Notification>();
  private sending = false;
  private failure: unknown;

  constructor(private readonly emails: EmailSent[]) {
    // The coroutine ends only by cancellation or a notification failing for good: keep the cause.
    void this.run().catch((err: unknown) => {
      this.failure = err;
    });
  }

  post(n: Notification): void {
    this.queue.post(n);
  }

  /** True when every posted mail has been sent. */
  idle(): boolean {
    return this.queue.size === 0 && !this.sending;
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
      await condition(() => this.queue.size > 0);
      const n = this.queue.take()!;
      this.sending = true;
      const to = n.to.map((r) => ({ role: r.role, email: r.email }));
      try {
        const receipt = await sendNotification(n);
        this.emails.push({ eventKey: n.eventKey, kind: n.kind, to, messageId: receipt.messageId, at: n.occurredAt });
      } catch (err) {
        // A mail the server refuses for good (a wrong address) is recorded, never fatal:
        // the workflow goes on. Cancellation still stops the mailer.
        const failed = refusal(err, { cancellationStops: true });
        this.emails.push({ eventKey: n.eventKey, kind: n.kind, to, messageId: '', at: n.occurredAt, failed });
      }
      this.sending = false;
    }
  }
}
