/**
 * The admin API process: `npm run api`. Connects to Temporal (SDK envconfig), serves the
 * JSON API, and shuts down gracefully on SIGINT/SIGTERM.
 */
import { Client, Connection } from '@temporalio/client';
import { buildApi } from './api';
import { dirname, join } from 'node:path';
import { ApiStateStore } from './auth/store';
import { DocumentStore } from './documents/store';
import { UserStore } from './auth/users';
import { loadApiConfig } from './config';
import { temporalReadiness } from './readiness';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const connection = await Connection.connect(config.temporal.connectionOptions);
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const state = new ApiStateStore(config.ONEX_API_STATE_FILE ?? join(dirname(config.ONEX_USERS_FILE), 'api-state.sqlite'));
  const documents = new DocumentStore({
    dir: config.ONEX_DOCUMENT_DIR ?? join(dirname(config.ONEX_USERS_FILE), 'documents'),
    maxBytes: Math.round(config.ONEX_DOCUMENT_MAX_MB * 1024 * 1024),
  });
  const app = buildApi({
    client,
    documents,
    taskQueue: config.temporal.taskQueue,
    logger: { level: config.ONEX_API_LOG_LEVEL },
    trustedProxies: config.ONEX_TRUSTED_PROXIES,
    auth: {
      state,
      signInsPerMinute: config.ONEX_SIGNINS_PER_MINUTE,
      users: new UserStore(config.ONEX_USERS_FILE),
      sessionSecret: config.ONEX_SESSION_SECRET,
      linkSecret: config.ONEX_LINK_SECRET,
      sessionTtlSeconds: Math.round(config.ONEX_SESSION_HOURS * 3600),
      secureCookies: config.ONEX_SECURE_COOKIES === '1',
    },
    ready: () => temporalReadiness(connection, config.temporal.namespace, config.temporal.taskQueue, config.ONEX_WORKER_POLL_STALE_MS),
  });
  await app.listen({ host: config.ONEX_API_HOST, port: config.ONEX_API_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.ONEX_API_PORT;
  console.log(
    `[api] admin API on http://${config.ONEX_API_HOST}:${port} (Temporal ${config.temporal.address}, namespace ${config.temporal.namespace})`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[api] ${signal}: closing`);
    await app.close();
    state.close();
    documents.close();
    await connection.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('[api] failed:', err);
  process.exit(1);
});
