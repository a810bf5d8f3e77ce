/**
 * Starts the Temporal dev server (`temporal server start-dev`) from the project's own
 * binary, with onex's search attributes, and waits until its namespace answers. Used by
 * the local stack and by the end-to-end test setup. We spawn the real binary ourselves
 * (not TestWorkflowEnvironment.createLocal, whose 5 s start-up wait is too short on a cold
 * 2-core machine) and stop it with SIGTERM, then SIGKILL after a grace period.
 */
import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { searchAttributeFlags } from '../workflows/search-attributes';
import { temporalCliPath } from './binaries';

export interface DevServerOptions {
  host?: string;
  port: number;
  httpPort: number;
  metricsPort: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file for persistence; omit for an in-memory server. */
  dbFile?: string;
  namespace?: string;
  /** Where the server's own (noisy) output goes; discarded when omitted. */
  log?: Writable;
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(graceMs?: number): Promise<void>;
}

export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  alive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) throw new Error(`${what} exited during start-up`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export function stopProcess(child: ChildProcess, graceMs: number, onKill?: () => void): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const kill = setTimeout(() => {
      onKill?.();
      child.kill('SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts the dev server; when it exits during start-up (not a time-out) it is started again,
 * up to three times. The dev server picks free ports of its own for its internal services
 * (history, matching, worker, membership); on a busy 2-core machine running tests in parallel
 * another process can take one of them between its probe and its bind, and the server exits.
 * A clean-clone CI run once lost the stack test to that. The error carries the server's last
 * output lines, so a real failure still says why.
 */
export async function startTemporalDevServer(o: DevServerOptions): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(o);
    } catch (err) {
      if (!(err instanceof EarlyExit) || attempt >= 3) throw err;
      o.log?.write(`[onex] Temporal dev server exited during start-up (attempt ${attempt}); starting it again\n`);
    }
  }
}

class EarlyExit extends Error {}

async function startOnce(o: DevServerOptions): Promise<DevServer> {
  const host = o.host ?? '127.0.0.1';
  const namespace = o.namespace ?? 'default';
  const args = [
    'server',
    'start-dev',
    '--ip',
    host,
    '--port',
    String(o.port),
    '--http-port',
    String(o.httpPort),
    '--metrics-port',
    String(o.metricsPort),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    ...(o.dbFile ? ['--db-filename', o.dbFile] : []),
    ...(o.uiPort ? ['--ui-port', String(o.uiPort), '--ui-ip', host, '--ui-disable-news-fetch'] : ['--headless']),
    ...searchAttributeFlags().flatMap((sa) => ['--search-attribute', sa]),
  ];
  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-2_000)));
    if (o.log) stream?.pipe(o.log, { end: false });
    else stream?.resume();
  }
  const address = `${host}:${o.port}`;
  let connection: Connection | undefined;
  try {
    await waitFor(
      'Temporal dev server',
      async () => {
        connection ??= await Connection.connect({ address, connectTimeout: 1_000 });
        await new Client({ connection, namespace }).workflowService.describeNamespace({ namespace });
        return true;
      },
      o.startTimeoutMs ?? 60_000,
      () => child.exitCode === null && child.signalCode === null,
    );
  } catch (err) {
    const exited = child.exitCode !== null || child.signalCode !== null;
    child.kill('SIGKILL');
    if (exited) throw new EarlyExit(`${(err as Error).message}: ${tail.trim().split('\n').slice(-5).join(' | ')}`);
    throw err;
  } finally {
    await connection?.close();
  }
  return {
    address,
    namespace,
    uiUrl: o.uiPort ? `http://${host}:${o.uiPort}` : undefined,
    process: child,
    stop: (graceMs = 10_000) => stopProcess(child, graceMs),
  };
}
