/** The admin API's configuration: one zod schema over the environment. */
import { z } from 'zod';
import { loadTemporalSettings, type TemporalSettings } from '../worker/temporal';

export const apiEnvSchema = z.object({
  ONEX_API_HOST: z.string().min(1).default('127.0.0.1'),
  ONEX_API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** The mail sink's HTTP endpoint (local stack only), for the mail commands. */
  ONEX_MAILSINK_URL: z.url().default('http://127.0.0.1:8025'),
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
