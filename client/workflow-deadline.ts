/**
 * Every Temporal call the admin API makes on a person's behalf runs with a bounded deadline
 * (ONEX_WORKFLOW_TIMEOUT_MS, default 10 s), and a call the workflow service cannot answer in
 * time — no worker polling the task queue, the server unreachable — becomes a 503 with a
 * bilingual message naming the cause, never a hang and never a 200 with missing data.
 *
 * The deadline is the SDK's own (`Client.withDeadline`, read in @temporalio/client 1.24
 * `connection.ts`: an AsyncLocalStorage call context whose deadline every gRPC request made
 * inside `fn` carries). A query waits for a worker (queries of closed workflows too: the
 * server hands them to a worker of the task queue, which replays the history), an Update
 * waits for a worker to run its validator; both fail here with DEADLINE_EXCEEDED, or at once
 * with FAILED_PRECONDITION "No poller seen for task queue recently" once the server has seen
 * no poller for a while. A server that cannot be reached answers UNAVAILABLE (retried by the
 * SDK until the deadline).
 */
import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { RuleResult } from '../domain/errors';
import { ServiceError } from './service-error';

export const DEFAULT_WORKFLOW_TIMEOUT_MS = 10_000;

/** ONEX_WORKFLOW_TIMEOUT_MS: how long the API waits for the workflow service on one call (ms). */
export const workflowTimeoutSchema = z.coerce.number().int().min(100).max(600_000).default(DEFAULT_WORKFLOW_TIMEOUT_MS);

let configured: number | undefined;

/** The deadline in ms: ONEX_WORKFLOW_TIMEOUT_MS (parsed once; client/config.ts refuses a bad value at start). */
export function workflowTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  if (configured === undefined) {
    const raw = env.ONEX_WORKFLOW_TIMEOUT_MS;
    const parsed = workflowTimeoutSchema.safeParse(raw === '' ? undefined : raw);
    configured = parsed.success ? parsed.data : DEFAULT_WORKFLOW_TIMEOUT_MS;
  }
  return configured;
}

export type Unavailable = 'timeout' | 'noWorker' | 'unreachable';

const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_UNAVAILABLE = 14;

/** Why the workflow service could not answer, if that is what `err` (or a cause of it) says. */
export function unavailableCause(err: unknown): Unavailable | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return 'timeout';
    const code = (e as { code?: unknown }).code;
    const details = String((e as { details?: unknown }).details ?? (e as { message?: unknown }).message ?? '');
    if (code === GRPC_DEADLINE_EXCEEDED || code === GRPC_CANCELLED) return 'timeout';
    if (code === GRPC_UNAVAILABLE) return 'unreachable';
    if (code === GRPC_FAILED_PRECONDITION && /no poller seen/i.test(details)) return 'noWorker';
  }
  return undefined;
}

const causes: Record<Unavailable, { zh: string; en: string }> = {
  timeout: {
    zh: '在限定时间内没有得到工作流服务的答复（可能没有运行中的 worker）',
    en: 'the workflow service did not answer in time (perhaps no worker is running)',
  },
  noWorker: { zh: '没有 worker 在处理任务队列', en: 'no worker is polling the task queue' },
  unreachable: { zh: '无法连接 Temporal 服务器', en: 'the Temporal server cannot be reached' },
};

/** The 503 answer: what failed, how long we waited, and what it means for an action sent. */
export function serviceUnavailable(cause: Unavailable, ms: number, action: boolean): ServiceError {
  const c = causes[cause];
  const s = (ms / 1000).toLocaleString('en', { maximumFractionDigits: 1 });
  const result: RuleResult = {
    ruleId: `service.unavailable.${cause}`,
    article: null,
    severity: 'hard',
    field: '(service)',
    message: {
      zh: `工作流服务暂时不可用：${c.zh}（已等待 ${s} 秒）。${action ? '此操作可能在服务恢复后才生效，请稍后查看后再决定是否重试（或用同一 Idempotency-Key 重试）。' : '请稍后重试。'}`,
      en: `the workflow service is unavailable: ${c.en} (waited ${s} s). ${action ? 'The action may still take effect once the service is back; check before repeating it (or retry with the same Idempotency-Key).' : 'Please retry later.'}`,
    },
  };
  return new ServiceError(503, [result]);
}

/**
 * Runs `fn` (which makes Temporal calls) under the deadline; a call the service cannot
 * answer becomes ServiceError(503). `action`: the call may have changed something (an Update
 * or a start), which the message then says.
 */
export async function withWorkflowDeadline<T>(
  client: Client,
  fn: () => Promise<T>,
  opts: { action?: boolean; ms?: number } = {},
): Promise<T> {
  const ms = opts.ms ?? workflowTimeoutMs();
  try {
    return await client.withDeadline(Date.now() + ms, fn);
  } catch (err) {
    const cause = unavailableCause(err);
    if (cause) throw serviceUnavailable(cause, ms, opts.action ?? false);
    throw err;
  }
}
