/**
 * Waiting on a condition instead of racing a timer. On the time-skipping test server
 * `env.sleep(ms)` returns once the server's clock has moved; the workflow task that the
 * fired timer causes may still be on its way to the worker, so a query sent at once can
 * answer the state from before the timer. A test therefore waits, bounded, for what it
 * asserts: it polls on the wall clock (the server's clock does not move meanwhile, so no
 * further timer fires) and then asserts on what it last saw.
 */
import type { QueryDefinition } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

const DEFAULT_TIMEOUT_MS = 30_000;
const INTERVAL_MS = 100;

/**
 * Polls `probe` until it answers a value other than undefined (a probe that throws counts as
 * not yet: a process still starting, a workflow not yet there); throws after `timeoutMs`.
 * Every layer waits with this one (the e2e stack too).
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what = 'condition',
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() >= until) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, INTERVAL_MS));
  }
}

/**
 * Queries `handle` until `holds(state)` and returns that state. After `timeoutMs` it returns
 * the last state anyway, so the test's own expectations fail with their diff.
 */
export async function queryUntil<S>(
  handle: { query(def: QueryDefinition<NoInfer<S>, []>): Promise<NoInfer<S>> },
  query: QueryDefinition<S, []>,
  holds: (state: S) => boolean,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<S> {
  let last: S | undefined;
  const found = await eventually(
    async () => {
      last = await handle.query(query);
      return holds(last) ? last : undefined;
    },
    'query condition',
    timeoutMs,
  ).catch(() => undefined);
  return found ?? (last as S);
}

/** Skips the test server's clock to `plusMs` (a minute) past `instant`; then wait on what you assert. */
export async function sleepUntil(env: TestWorkflowEnvironment, instant: string, plusMs = 60_000): Promise<void> {
  const ms = Date.parse(instant) + plusMs - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}
