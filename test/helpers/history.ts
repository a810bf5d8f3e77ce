/** Reading a workflow's history in tests: event kinds and attributes, without proto enums. */
import type { WorkflowHandle } from '@temporalio/client';

export type HistoryEvent = Record<string, unknown> & { eventId?: unknown };

/** `workflowTaskFailed`, `activityTaskStarted`, … : the event's attributes key without `EventAttributes`. */
export function eventKind(e: HistoryEvent): string {
  const key = Object.keys(e).find((k) => k.endsWith('EventAttributes') && e[k] != null);
  return key ? key.slice(0, -'EventAttributes'.length) : 'unknown';
}

export async function historyEvents(handle: Pick<WorkflowHandle, 'fetchHistory'>): Promise<HistoryEvent[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []) as unknown as HistoryEvent[];
}

export async function eventKinds(handle: Pick<WorkflowHandle, 'fetchHistory'>): Promise<string[]> {
  return (await historyEvents(handle)).map(eventKind);
}

/** The attributes of every event of one kind, in order. */
export function attributesOf<T = Record<string, unknown>>(events: HistoryEvent[], kind: string): T[] {
  return events.filter((e) => eventKind(e) === kind).map((e) => e[`${kind}EventAttributes`] as T);
}

export function count(kinds: string[], kind: string): number {
  return kinds.filter((k) => k === kind).length;
}
