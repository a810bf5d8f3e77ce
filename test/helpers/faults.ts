/**
 * Shared by the fault tests of the e2e layer (dev server) and the cluster layer (Temporal on
 * PostgreSQL): how a test reads mails by Message-ID, compares a pilot's state across a
 * restart, waits for an activity's next retry, and counts a process's log lines.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { StoredMessageSummary } from '../../scripts/mail-sink';
import type { PilotState } from '../../workflows/pilot-state';
import { eventually } from './wait';

/** [Message-ID, deliveries, recipients] of each message, sorted by Message-ID. */
export function byMessageId(mails: StoredMessageSummary[]): [string | null, number, string[]][] {
  return mails
    .map((m): [string | null, number, string[]] => [m.messageId, m.deliveries, m.to])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

/** A pilot's state without its history length (which a restart's replay may change). */
export function withoutHistoryLength(s: PilotState): Omit<PilotState, 'historyLength'> {
  const { historyLength: _h, ...rest } = s;
  return rest;
}

/** The activity's next retry, once an attempt has failed and it waits (state SCHEDULED). */
export async function pendingRetry(handle: WorkflowHandle, minAttempt: number, timeoutMs = 60_000) {
  return eventually(
    async () => {
      const a = (await handle.describe()).raw.pendingActivities?.[0];
      const next = a?.nextAttemptScheduleTime;
      if (!a || (a.attempt ?? 0) < minAttempt || !next?.seconds) return undefined;
      return {
        attempt: a.attempt ?? 0,
        nextAttemptAt: Number(next.seconds) * 1000,
        lastFailure: a.lastFailure?.message ?? '',
        lastWorker: a.lastWorkerIdentity ?? '',
      };
    },
    `${handle.workflowId}: activity attempt ${minAttempt} pending`,
    timeoutMs,
  );
}

/** How many of a process's JSON log lines have this message and event key. */
export function logsWith(p: { logs(): Record<string, unknown>[] }, msg: string, eventKey: string): number {
  return p.logs().filter((l) => l.msg === msg && l.eventKey === eventKey).length;
}
