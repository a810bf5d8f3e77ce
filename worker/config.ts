/** The worker's configuration: one zod schema over the environment, with defaults for the local stack. */
import { z } from 'zod';
import { logFormats, logLevels } from './logging';
import { loadTemporalSettings, type TemporalSettings } from './temporal';

/** The workflow cache size docs/deploy.md advises per worker (issue 14's 10,000-pilot runs). */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1000;

export const workerEnvSchema = z.object({
  /** SMTP server for notifications (the local sink by default). */
  ONEX_SMTP_URL: z.url().default('smtp://127.0.0.1:2525'),
  /** From: header of every notification. */
  ONEX_MAIL_FROM: z.string().min(3).default('onex 1+X 试点管理 <onex@localhost>'),
  /** Base URL of the admin client, for links in e-mails. */
  ONEX_ADMIN_URL: z.url().default('http://127.0.0.1:8080'),
  /** Maximum concurrent activity executions. */
  /** The admin API's link secret: e-mails then carry signed one-click links (≥ 32 characters). */
  ONEX_LINK_SECRET: z.string().min(32).optional(),
  ONEX_MAX_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(50),
  /** Port of the health endpoint (/healthz, /readyz); unset: no endpoint; 0: any free port (logged). */
  ONEX_WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Interface the health endpoint binds (loopback; 0.0.0.0 in a container). */
  ONEX_WORKER_HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
  /** Log lines: `json` (one object per line, the default) or the SDK's `text`. */
  ONEX_LOG_FORMAT: z.enum(logFormats).default('json'),
  ONEX_LOG_LEVEL: z.enum(logLevels).default('INFO'),
  /**
   * Workflows kept in the worker's cache. A cached pilot costs ~0.4 MiB of RSS; evicted
   * workflows are replayed from history when they next have work. 1,000 held 10,000 live
   * pilots in 913–1,071 MiB (peaks about 1,320) with Update p50 as fast as any larger cache
   * (docs/benchmarks.md, docs/deploy.md "Worker count and sizing"); the SDK's own default,
   * derived from the heap limit, holds about 2,300 on a 4 GiB heap. 0: no cache.
   */
  ONEX_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_MAX_CACHED_WORKFLOWS),
  /**
   * A workflow bundle made by `npm run bundle:workflows` (the image sets it): the worker loads
   * it instead of bundling the workflow code with webpack at start. Unset: bundles at start.
   */
  ONEX_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /** On SIGTERM/SIGINT: seconds in-flight activities get to finish before they are cancelled. */
  ONEX_SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(10),
});

export type WorkerConfig = z.output<typeof workerEnvSchema> & { temporal: TemporalSettings };

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = workerEnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`worker configuration is invalid / 工作进程配置无效:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, temporal: loadTemporalSettings(env) };
}
