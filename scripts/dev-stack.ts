/**
 * The local stack, one command (`npm start`): the Temporal dev server on a SQLite file
 * under the data folder (state survives a restart) with the Web UI and onex's search
 * attributes, the SMTP sink on 127.0.0.1, the worker and the admin API. Prints every URL.
 * Ctrl-C (SIGINT) or SIGTERM stops everything in order and leaves no process behind.
 * The pieces it shares with `npm run stack:cluster` live in scripts/stack-runner.ts.
 *
 * Configuration (environment, all optional):
 *   ONEX_DATA_DIR (./data)  ONEX_TEMPORAL_PORT (7233)  ONEX_TEMPORAL_UI_PORT (8233)
 *   ONEX_TEMPORAL_HTTP_PORT (7243)  ONEX_TEMPORAL_METRICS_PORT (7253)  ONEX_SMTP_PORT (2525)
 *   ONEX_MAILSINK_HTTP_PORT (8025)  ONEX_API_PORT (8080)  ONEX_TEMPORAL_HEADLESS (0)
 *   ONEX_USERS_FILE (a demo file in the data folder)  ONEX_SESSION_SECRET, ONEX_LINK_SECRET (kept in the data folder)
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { projectRoot } from './binaries';
import { startTemporalDevServer } from './temporal-dev-server';
import { HOST, portVar as port, runStack } from './stack-runner';

export const stackEnvSchema = z.object({
  ONEX_DATA_DIR: z.string().min(1).default('data'),
  ONEX_TEMPORAL_PORT: port(7233),
  ONEX_TEMPORAL_UI_PORT: port(8233),
  ONEX_TEMPORAL_HTTP_PORT: port(7243),
  ONEX_TEMPORAL_METRICS_PORT: port(7253),
  ONEX_SMTP_PORT: port(2525),
  ONEX_MAILSINK_HTTP_PORT: port(8025),
  ONEX_API_PORT: port(8080),
  ONEX_TEMPORAL_HEADLESS: z.enum(['0', '1', 'true', 'false']).default('0'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
});

const env = stackEnvSchema.parse(process.env);
const dataDir = resolve(projectRoot, env.ONEX_DATA_DIR);
const headless = env.ONEX_TEMPORAL_HEADLESS === '1' || env.ONEX_TEMPORAL_HEADLESS === 'true';

await runStack({
  dataDir,
  smtpPort: env.ONEX_SMTP_PORT,
  mailHttpPort: env.ONEX_MAILSINK_HTTP_PORT,
  apiPort: env.ONEX_API_PORT,
  workers: 1,
  title: 'onex 本地环境已启动 / the onex local stack is up',
  // The Temporal dev server (SQLite file, Web UI, search attributes).
  async startTemporal() {
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    const temporal = await startTemporalDevServer({
      host: HOST,
      port: env.ONEX_TEMPORAL_PORT,
      httpPort: env.ONEX_TEMPORAL_HTTP_PORT,
      metricsPort: env.ONEX_TEMPORAL_METRICS_PORT,
      uiPort: headless ? undefined : env.ONEX_TEMPORAL_UI_PORT,
      dbFile: join(dataDir, 'temporal.sqlite'),
      namespace: env.TEMPORAL_NAMESPACE,
      log: createWriteStream(join(dataDir, 'logs', 'temporal.log'), { flags: 'a' }),
    });
    return {
      address: temporal.address,
      namespace: env.TEMPORAL_NAMESPACE,
      processes: [{ name: 'temporal', child: temporal.process, grace: 10_000 }],
      lines: [
        `  Temporal 服务 / server (gRPC):     ${temporal.address}   namespace ${env.TEMPORAL_NAMESPACE}`,
        headless
          ? '  Temporal 网页 / Web UI:            (headless)'
          : `  Temporal 网页 / Web UI:            http://${HOST}:${env.ONEX_TEMPORAL_UI_PORT}`,
      ],
    };
  },
});
