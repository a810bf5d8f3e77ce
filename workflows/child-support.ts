/**
 * What the pilot's child workflows (approval, rectification) share beyond round-support.ts
 * (workflow time, waiting, the ordered mail outbox): the signal to the parent, and the quiet
 * stop when the pilot is cancelled (Art. 19). Deterministic workflow code.
 */
import {
  CancellationScope,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  type SignalDefinition,
} from '@temporalio/workflow';

/** Omit over each member of a union (a notification without the fields the workflow fills in). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Signals the parent workflow (its latest run, so a pilot that continued-as-new still gets
 * it). A parent that is gone (closed) cannot be told: that is reported, not thrown.
 */
export async function signalParent<A extends unknown[]>(
  parentWorkflowId: string,
  signal: SignalDefinition<A>,
  ...args: A
): Promise<boolean> {
  try {
    await getExternalWorkflowHandle(parentWorkflowId).signal(signal, ...args);
    return true;
  } catch (err) {
    if (isCancellation(err)) throw err;
    return false;
  }
}

/**
 * Runs a child's body; when the workflow is cancelled (the pilot was cancelled, Art. 19)
 * it calls `onCancelled` and returns its value instead: the child stops quietly, without
 * e-mail and without signalling the parent.
 */
export async function runUnlessCancelled<T>(body: () => Promise<T>, onCancelled: () => T): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (!isCancellation(err)) throw err;
    const result = onCancelled();
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    return result;
  }
}
