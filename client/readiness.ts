/**
 * The admin API's readiness (/readyz): Temporal reachable, and a worker polling the task
 * queue recently (the API's answers need a worker: queries and Updates are run by one).
 * The answer names what is missing, in Chinese and English.
 *
 * "Recently": a worker holds a long poll open for up to about a minute and the server
 * records the poll's last access when it arrives, so a healthy idle worker may show a
 * last access some 60–70 s old; ONEX_WORKER_POLL_STALE_MS (default 90 s) is the bound.
 */
import type { Connection } from '@temporalio/client';
import { z } from 'zod';
import { workflowTimeoutMs } from './workflow-deadline';

export const DEFAULT_WORKER_POLL_STALE_MS = 90_000;
export const workerPollStaleSchema = z.coerce.number().int().min(1_000).max(3_600_000).default(DEFAULT_WORKER_POLL_STALE_MS);

export interface Readiness {
  ok: boolean;
  temporal: 'reachable' | 'unreachable';
  /** Workers (pollers of the workflow task queue) seen within the stale bound. */
  workers?: number;
  lastPollAt?: string;
  taskQueue: string;
  reason?: { zh: string; en: string };
}

const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

export async function temporalReadiness(
  connection: Connection,
  namespace: string,
  taskQueue: string,
  staleMs: number,
  now = Date.now,
): Promise<Readiness> {
  const deadline = () => Date.now() + workflowTimeoutMs();
  try {
    await connection.withDeadline(deadline(), () => connection.workflowService.getSystemInfo({}));
  } catch (err) {
    return {
      ok: false,
      temporal: 'unreachable',
      taskQueue,
      reason: {
        zh: `无法连接 Temporal 服务器：${(err as Error).message}`,
        en: `the Temporal server cannot be reached: ${(err as Error).message}`,
      },
    };
  }
  const d = await connection.withDeadline(deadline(), () =>
    connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
    }),
  );
  const times = (d.pollers ?? [])
    .map((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000 + Math.floor((p.lastAccessTime?.nanos ?? 0) / 1e6))
    .filter((t) => t > 0);
  const last = times.length ? Math.max(...times) : undefined;
  const recent = times.filter((t) => now() - t <= staleMs).length;
  const s = Math.round(staleMs / 1000);
  return {
    ok: recent > 0,
    temporal: 'reachable',
    workers: recent,
    taskQueue,
    ...(last ? { lastPollAt: new Date(last).toISOString() } : {}),
    ...(recent > 0
      ? {}
      : {
          reason: {
            zh: `最近 ${s} 秒内没有 worker 在处理任务队列 ${taskQueue}${last ? `（最后一次：${new Date(last).toISOString()}）` : ''}`,
            en: `no worker has polled task queue ${taskQueue} in the last ${s} s${last ? ` (last: ${new Date(last).toISOString()})` : ''}`,
          },
        }),
  };
}
