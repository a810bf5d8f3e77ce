/**
 * What both local stacks share (`npm start`: scripts/dev-stack.ts on the dev server;
 * `npm run stack:cluster`: scripts/cluster-stack.ts on a Temporal server on PostgreSQL):
 * the SMTP sink, sign-in (users file and secrets), N worker processes and the admin API as
 * child processes, the printed URLs, and an orderly stop on Ctrl-C (SIGINT) or SIGTERM —
 * the API first, then the workers (they drain), the mail sink, and the Temporal part last
 * (its own processes, then whatever it stops after them, e.g. PostgreSQL). If any watched
 * process exits on its own, everything stops and the stack exits 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { projectRoot } from './binaries';
import { stopProcess, waitFor } from './temporal-dev-server';
import { startMailSink, type MailSink } from './mail-sink';
import { prepareStackAuth } from './stack-auth';

export const portVar = (fallback: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(65_535).default(fallback));

export const HOST = '127.0.0.1';
const log = (msg: string) => console.log(`[stack] ${msg}`);

export interface Watched {
  name: string;
  child: ChildProcess;
  /** ms between SIGTERM and SIGKILL. */
  grace: number;
}

/** The Temporal side of a stack, started by the stack's own script. */
export interface TemporalPart {
  address: string;
  namespace: string;
  /** Lines for the banner (server address, Web UI, …). */
  lines: string[];
  /** Its processes: watched while up, stopped (in reverse order) after onex's own. */
  processes: Watched[];
  /** Runs after its processes have stopped (e.g. PostgreSQL). */
  afterStop?: () => Promise<void>;
}

export interface StackOptions {
  dataDir: string;
  smtpPort: number;
  mailHttpPort: number;
  apiPort: number;
  /** Worker processes sharing the task queue. */
  workers: number;
  /** The banner's first line, Chinese / English. */
  title: string;
  startTemporal(stopping: () => boolean): Promise<TemporalPart>;
}

function prefixed(child: ChildProcess, name: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => console.log(`[${name}] ${line}`));
  }
}

export async function runStack(o: StackOptions): Promise<void> {
  mkdirSync(join(o.dataDir, 'logs'), { recursive: true });
  const apiUrl = `http://${HOST}:${o.apiPort}`;
  const onex: Watched[] = [];
  let temporal: TemporalPart | undefined;
  let sink: MailSink | undefined;
  let stopping = false;

  const shutdown = async (reason: string, code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      log(`${reason}: stopping / 正在停止`);
      const stop = async ({ name, child, grace }: Watched) => {
        await stopProcess(child, grace, () => log(`${name} did not stop within ${grace / 1000} s; killing it`));
        log(`${name} stopped / 已停止`);
      };
      for (const w of [...onex].reverse()) await stop(w);
      await sink?.close().catch(() => undefined);
      for (const w of [...(temporal?.processes ?? [])].reverse()) await stop(w);
      await temporal?.afterStop?.().catch((err: unknown) => log(`stopping failed: ${(err as Error).message}`));
      log('stopped / 已停止');
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  const watch = (w: Watched) => {
    w.child.once('exit', (code, signal) => {
      if (!stopping) void shutdown(`${w.name} exited unexpectedly (${signal ?? code})`, 1);
    });
  };

  try {
    // 1. Temporal (its processes are watched from here on).
    temporal = await o.startTemporal(() => stopping);
    temporal.processes.forEach(watch);

    // 2. SMTP sink (in this process).
    sink = await startMailSink({ smtpPort: o.smtpPort, httpPort: o.mailHttpPort, host: HOST, dir: join(o.dataDir, 'mail') });

    // 3. Workers and admin API (child processes running TypeScript through tsx), with the
    //    users file and the secrets for sessions and signed links.
    const auth = await prepareStackAuth(o.dataDir, process.env);
    const childEnv = {
      ...process.env,
      ...auth.env,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      ONEX_SMTP_URL: sink.smtpUrl,
      ONEX_ADMIN_URL: apiUrl,
      ONEX_API_HOST: HOST,
      ONEX_API_PORT: String(o.apiPort),
      ONEX_MAILSINK_URL: sink.httpUrl,
    };
    const names = o.workers === 1 ? ['worker'] : Array.from({ length: o.workers }, (_, i) => `worker-${i + 1}`);
    for (const [name, entry] of [...names.map((n) => [n, 'worker/main.ts'] as const), ['api', 'client/server.ts'] as const]) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, entry)], {
        cwd: projectRoot,
        env: childEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      prefixed(child, name);
      const w = { name, child, grace: 30_000 };
      onex.push(w);
      watch(w);
    }
    const api = onex.find((c) => c.name === 'api')!.child;
    await waitFor(
      'admin API',
      async () => (await fetch(`${apiUrl}/readyz`)).ok,
      60_000,
      () => api.exitCode === null,
    );

    const lines = [
      '',
      o.title,
      ...temporal.lines,
      `  工作进程 / worker processes:       ${names.length} (${names.join(', ')})`,
      `  管理网页 / admin web page:         ${apiUrl}/`,
      `  管理接口 / admin API:              ${apiUrl}   (OpenAPI: ${apiUrl}/openapi.json)`,
      `  用户文件 / users file:             ${auth.env.ONEX_USERS_FILE}`,
      `  邮件收件箱 / mail sink (web+API):  ${sink.httpUrl}`,
      `  邮件 SMTP / SMTP:                  ${sink.smtpUrl}`,
      `  数据目录 / data folder:            ${o.dataDir}`,
      `  命令行 / CLI:                      npm run cli -- --api ${apiUrl} --help`,
      ...auth.lines,
      '按 Ctrl-C 停止 / press Ctrl-C to stop',
      '',
    ];
    console.log(lines.join('\n'));
  } catch (err) {
    await shutdown(`failed to start / 启动失败: ${(err as Error).message}`, 1);
  }
}
