/**
 * The benchmark's baseline (bench only, never registered by the onex worker): the least a
 * Temporal workflow can do with the same traffic — accept the weekly-report Update (a
 * validator that checks the payload is an object, a handler that keeps it) and wait. The
 * onex/baseline ratio in docs/benchmarks.md is onex's cost over bare Temporal.
 */
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const baselineSubmit = defineUpdate<{ accepted: number }, [unknown]>('baselineSubmit');

export async function baselineWorkflow(_input: unknown): Promise<void> {
  const accepted: unknown[] = [];
  setHandler(
    baselineSubmit,
    (payload) => {
      accepted.push(payload);
      return { accepted: accepted.length };
    },
    {
      validator: (payload) => {
        if (typeof payload !== 'object' || payload === null) throw new Error('payload must be an object');
      },
    },
  );
  await condition(() => false);
}
