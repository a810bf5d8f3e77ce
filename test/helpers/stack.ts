/**
 * Drives the README's run command (`npm start`) and the CLI as a person would: real child
 * processes, real ports on 127.0.0.1, a private data folder.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/binaries';
import { freePorts } from '../../scripts/support/ports';

export interface StackPorts {
  temporal: number;
  ui: number;
  http: number;
  metrics: number;
  smtp: number;
  mailHttp: number;
  api: number;
}

export async function allocateStackPorts(): Promise<StackPorts> {
  const [temporal, ui, http, metrics, smtp, mailHttp, api] = (await freePorts(7)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return { temporal, ui, http, metrics, smtp, mailHttp, api };
}

export interface RunningStack {
  process: ChildProcess;
  output: () => string;
  apiUrl: string;
  mailUrl: string;
  /** Ctrl-C: SIGINT to the whole process group, as a terminal sends it. Resolves with how npm exited. */
  interrupt(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startStack(
  ports: StackPorts,
  dataDir: string,
  timeoutMs = 150_000,
  extraEnv: Record<string, string> = {},
): Promise<RunningStack> {
  return startNpmStack(
    'start',
    {
      ONEX_DATA_DIR: dataDir,
      ONEX_TEMPORAL_PORT: String(ports.temporal),
      ONEX_TEMPORAL_UI_PORT: String(ports.ui),
      ONEX_TEMPORAL_HTTP_PORT: String(ports.http),
      ONEX_TEMPORAL_METRICS_PORT: String(ports.metrics),
      ONEX_SMTP_PORT: String(ports.smtp),
      ONEX_MAILSINK_HTTP_PORT: String(ports.mailHttp),
      ONEX_API_PORT: String(ports.api),
      ...extraEnv,
    },
    'the onex local stack is up',
    timeoutMs,
  );
}

/**
 * Runs `npm run <script>` (or `npm start`) in its own process group, as a person runs a
 * stack from a terminal, and resolves once its output contains `readyText`. `env` must give
 * ONEX_API_PORT and ONEX_MAILSINK_HTTP_PORT (the URLs returned).
 */
export async function startNpmStack(
  script: string,
  env: Record<string, string>,
  readyText: string,
  timeoutMs = 150_000,
): Promise<RunningStack> {
  const child = spawn('npm', script === 'start' ? ['start'] : ['run', script], {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // Every process of the stack writes to these pipes: they close when the last one exits.
  const outputClosed = Promise.all([child.stdout!, child.stderr!].map((s) => new Promise<void>((r) => s.once('close', () => r()))));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack not up after ${timeoutMs} ms:\n${out.slice(-4000)}`)), timeoutMs);
    const check = () => {
      if (out.includes(readyText)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`stack exited (${signal ?? code}) during start-up:\n${out.slice(-4000)}`));
    });
  });
  return {
    process: child,
    output: () => out,
    apiUrl: `http://127.0.0.1:${env.ONEX_API_PORT}`,
    mailUrl: `http://127.0.0.1:${env.ONEX_MAILSINK_HTTP_PORT}`,
    async interrupt(timeout = 60_000) {
      process.kill(-child.pid!, 'SIGINT');
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), timeout);
      const result = await exited;
      await outputClosed;
      clearTimeout(timer);
      return result;
    },
  };
}

/** True while any process of the group is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Where the CLI is pointed, and the API tokens it signs in with: `tokens` by user id; the
 * actor's token is used (from `--actor` or ONEX_ACTOR), else `defaultToken`.
 */
export interface CliTarget {
  apiUrl: string;
  mailUrl: string;
  tokens?: Record<string, string>;
  defaultToken?: string;
}

function tokenFor(stack: CliTarget, args: string[], env: Record<string, string>): string | undefined {
  const i = args.indexOf('--actor');
  const spec = i >= 0 ? args[i + 1] : env.ONEX_ACTOR;
  const id = spec?.split(':')[0];
  return (id ? stack.tokens?.[id] : undefined) ?? stack.defaultToken;
}

export function runCli(stack: CliTarget, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const token = env.ONEX_TOKEN ?? tokenFor(stack, args, env);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'client/cli.ts'), '--api', stack.apiUrl, '--mail', stack.mailUrl, ...args],
      { cwd: projectRoot, env: { ...process.env, ...env, ...(token ? { ONEX_TOKEN: token } : {}) }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}
