/**
 * The local stack, one command (`npm start`): the Temporal dev server on a SQLite file
 * under the data folder (state survives a restart) with the Web UI and onex's search
 * attributes, the SMTP sink on 127.0.0.1, the worker and the admin API. Prints every URL.
 * Ctrl-C (SIGINT) or SIGTERM stops everything in order and leaves no process behind.
 *
 * Configuration (environment, all optional):
 *   ONEX_DATA_DIR (./data)  ONEX_TEMPORAL_PORT (7233)  ONEX_TEMPORAL_UI_PORT (8233)
 *   ONEX_TEMPORAL_HTTP_PORT (7243)  ONEX_TEMPORAL_METRICS_PORT (7253)  ONEX_SMTP_PORT (2525)
 *   ONEX_MAILSINK_HTTP_PORT (8025)  ONEX_API_PORT (8080)  ONEX_TEMPORAL_HEADLESS (0)
 *   ONEX_USERS_FILE (a demo file in the data folder)  ONEX_SESSION_SECRET, ONEX_LINK_SECRET (kept in the data folder)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { projectRoot } from './binaries';
import { startTemporalDevServer, stopProcess, waitFor } from './temporal-dev-server';
import { startMailSink, type MailSink } from './mail-sink';
import { prepareStackAuth } from './stack-auth';

const port = (fallback: number) => z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(65_535).default(fallback));

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

const HOST = '127.0.0.1';
const log = (msg: string) => console.log(`[stack] ${msg}`);

function prefixed(child: ChildProcess, name: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => console.log(`[${name}] ${line}`));
  }
}

let fail: (reason: string) => Promise<never> = async (reason) => {
  console.error(`[stack] ${reason}`);
  process.exit(1);
};

async function main(): Promise<void> {
  const env = stackEnvSchema.parse(process.env);
  const dataDir = resolve(projectRoot, env.ONEX_DATA_DIR);
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const apiUrl = `http://${HOST}:${env.ONEX_API_PORT}`;
  const children: { name: string; child: ChildProcess; grace: number }[] = [];
  let stopping = false;
  const started: { sink?: MailSink } = {};

  const shutdown = async (reason: string, code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      log(`${reason}: stopping / 正在停止`);
      // API and worker first (they drain), then the mail sink, the Temporal server last.
      for (const { name, child, grace } of [...children].reverse()) {
        await stopProcess(child, grace, () => log(`${name} did not stop within ${grace / 1000} s; killing it`));
      }
      await started.sink?.close().catch(() => undefined);
      log('stopped / 已停止');
    }
    process.exit(code);
  };
  fail = (reason) => shutdown(reason, 1);
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));

  const watch = (name: string, child: ChildProcess, grace: number) => {
    children.push({ name, child, grace });
    child.once('exit', (code, signal) => {
      if (!stopping) void shutdown(`${name} exited unexpectedly (${signal ?? code})`, 1);
    });
  };

  // 1. Temporal dev server (SQLite file, Web UI, search attributes).
  const headless = env.ONEX_TEMPORAL_HEADLESS === '1' || env.ONEX_TEMPORAL_HEADLESS === 'true';
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
  watch('temporal', temporal.process, 10_000);
  const temporalAddress = temporal.address;

  // 2. SMTP sink (in this process).
  const sink = await startMailSink({ smtpPort: env.ONEX_SMTP_PORT, httpPort: env.ONEX_MAILSINK_HTTP_PORT, host: HOST, dir: join(dataDir, 'mail') });
  started.sink = sink;

  // 3. Worker and admin API (child processes running TypeScript through tsx), with the
  //    users file and the secrets for sessions and signed links.
  const auth = await prepareStackAuth(dataDir, process.env);
  const childEnv = {
    ...process.env,
    ...auth.env,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE,
    ONEX_SMTP_URL: sink.smtpUrl,
    ONEX_ADMIN_URL: apiUrl,
    ONEX_API_HOST: HOST,
    ONEX_API_PORT: String(env.ONEX_API_PORT),
    ONEX_MAILSINK_URL: sink.httpUrl,
  };
  for (const [name, entry] of [['worker', 'worker/main.ts'], ['api', 'client/server.ts']] as const) {
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, entry)], { cwd: projectRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    prefixed(child, name);
    watch(name, child, 30_000);
  }
  const api = children.find((c) => c.name === 'api')!.child;
  await waitFor('admin API', async () => (await fetch(`${apiUrl}/readyz`)).ok, 60_000, () => api.exitCode === null);

  const lines = [
    '',
    'onex 本地环境已启动 / the onex local stack is up',
    `  Temporal 服务 / server (gRPC):     ${temporalAddress}   namespace ${env.TEMPORAL_NAMESPACE}`,
    headless ? '  Temporal 网页 / Web UI:            (headless)' : `  Temporal 网页 / Web UI:            http://${HOST}:${env.ONEX_TEMPORAL_UI_PORT}`,
    `  管理网页 / admin web page:         ${apiUrl}/`,
    `  管理接口 / admin API:              ${apiUrl}   (OpenAPI: ${apiUrl}/openapi.json)`,
    `  用户文件 / users file:             ${auth.env.ONEX_USERS_FILE}`,
    `  邮件收件箱 / mail sink (web+API):  ${sink.httpUrl}`,
    `  邮件 SMTP / SMTP:                  ${sink.smtpUrl}`,
    `  数据目录 / data folder:            ${dataDir}`,
    `  命令行 / CLI:                      npm run cli -- --help`,
    ...auth.lines,
    '按 Ctrl-C 停止 / press Ctrl-C to stop',
    '',
  ];
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => fail(`failed to start / 启动失败: ${(err as Error).message}`));
