/** The admin API's configuration: one zod schema over the environment. */
import { z } from 'zod';
import { loadTemporalSettings, type TemporalSettings } from '../worker/temporal';
import { workerPollStaleSchema } from './readiness';
import { workflowTimeoutSchema } from './workflow-deadline';

export const apiEnvSchema = z.object({
  ONEX_API_HOST: z.string().min(1).default('127.0.0.1'),
  ONEX_API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** The mail sink's HTTP endpoint (local stack only), for the mail commands. */
  ONEX_MAILSINK_URL: z.url().default('http://127.0.0.1:8025'),
  /** The users file the deployment owns (JSON; `npm run user:add` writes it). */
  ONEX_USERS_FILE: z.string().min(1),
  /** Signs session cookies and CSRF tokens: at least 32 random characters. */
  ONEX_SESSION_SECRET: z.string().min(32, 'at least 32 characters / 至少 32 个字符'),
  /** Signs one-click links in e-mails (the worker signs with the same secret). */
  ONEX_LINK_SECRET: z.string().min(32, 'at least 32 characters / 至少 32 个字符'),
  ONEX_SESSION_HOURS: z.coerce
    .number()
    .min(0.1)
    .max(24 * 30)
    .default(8),
  /** `1` behind HTTPS: cookies get the Secure attribute. */
  ONEX_SECURE_COOKIES: z.enum(['0', '1']).default('0'),
  /** How long one call to the workflow service may take before the API answers 503 (ms). */
  ONEX_WORKFLOW_TIMEOUT_MS: workflowTimeoutSchema,
  /** /readyz: a worker must have polled the task queue within this many ms. */
  ONEX_WORKER_POLL_STALE_MS: workerPollStaleSchema,
  /** The API's own state (sessions, sign-in attempts, idempotency keys): a SQLite file shared by the API processes of one host. Default: beside the users file. */
  ONEX_API_STATE_FILE: z.string().min(1).optional(),
  /** The document store's directory (file index and content-addressed files); default: `documents/` beside the users file. */
  ONEX_DOCUMENT_DIR: z.string().min(1).optional(),
  /** The largest file one upload may carry, in MB; default 20. */
  ONEX_DOCUMENT_MAX_MB: z.coerce.number().min(0.01).max(1024).default(20),
  /** Comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed; default none. */
  ONEX_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  /** Sign-in requests per minute from one address before 429; default 60. */
  ONEX_SIGNINS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(60),
  /** Request log level (JSON lines on stdout): fatal, error, warn, info, debug; default info. */
  ONEX_API_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
});

export type ApiConfig = z.output<typeof apiEnvSchema> & { temporal: TemporalSettings };

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = apiEnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`admin API configuration is invalid / 管理接口配置无效:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, temporal: loadTemporalSettings(env) };
}
