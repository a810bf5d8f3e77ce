/**
 * onex's own processes as real children (`node --import tsx worker/main.ts`,
 * `client/server.ts`), for the fault tests: start, wait until ready over HTTP, signal,
 * SIGKILL, and clean up every one of them in afterAll even when a test failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/binaries';
import { stopProcess, waitFor } from '../../scripts/temporal-dev-server';
import { freePort } from '../../scripts/support/ports';

export interface OnexProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Parsed JSON log lines (lines that are not JSON are skipped). */
  logs(): Record<string, unknown>[];
  /** Resolves with how it exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after the grace period. */
  stop(graceMs?: number): Promise<void>;
}

const all = new Set<OnexProcess>();

function spawnOnex(name: string, entry: string, env: Record<string, string>): OnexProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, entry)], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  const p: OnexProcess = {
    name,
    child,
    output: () => out,
    logs: () =>
      out.split('\n').flatMap((line) => {
        if (!line.startsWith('{')) return [];
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    exited,
    alive,
    async kill() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    stop: (graceMs = 20_000) => stopProcess(child, graceMs),
  };
  all.add(p);
  void exited.then(() => all.delete(p));
  return p;
}

async function waitHttpOk(p: OnexProcess, url: string, timeoutMs: number): Promise<void> {
  try {
    await waitFor(p.name, async () => (await fetch(url)).ok, timeoutMs, p.alive);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${p.output().slice(-3000)}`, { cause: err });
  }
}

export interface WorkerProcess extends OnexProcess {
  healthUrl: string;
}

/** A worker process (JSON logs, health endpoint on a free port), resolved once /readyz answers 200. */
export async function startWorkerProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<WorkerProcess> {
  const healthPort = await freePort();
  const p = spawnOnex('worker', 'worker/main.ts', { ONEX_LOG_FORMAT: 'json', ...env, ONEX_WORKER_HEALTH_PORT: String(healthPort) });
  const healthUrl = `http://127.0.0.1:${healthPort}`;
  await waitHttpOk(p, `${healthUrl}/readyz`, timeoutMs);
  return Object.assign(p, { healthUrl });
}

export interface ApiProcess extends OnexProcess {
  url: string;
}

/** The admin API process on `port`, resolved once /readyz answers 200. */
export async function startApiProcess(port: number, env: Record<string, string>, timeoutMs = 60_000): Promise<ApiProcess> {
  const p = spawnOnex('api', 'client/server.ts', { ...env, ONEX_API_HOST: '127.0.0.1', ONEX_API_PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitHttpOk(p, `${url}/readyz`, timeoutMs);
  return Object.assign(p, { url });
}

/** SIGKILLs every process started here that is still running (for afterAll). */
export async function killAllOnexProcesses(): Promise<void> {
  await Promise.all([...all].map((p) => p.kill()));
}
