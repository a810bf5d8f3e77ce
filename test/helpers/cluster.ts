/**
 * The cluster layer's Temporal: a private PostgreSQL and a real Temporal server
 * (scripts/temporal-cluster.ts, the same code `npm run stack:cluster` runs) on free ports,
 * in a temporary folder removed afterwards.
 */
import { chmodSync, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_PORT_COUNT, startCluster, type Cluster } from '../../scripts/temporal-cluster';
import { freePort } from '../../scripts/support/ports';

/** True when nothing listens on 127.0.0.1:<port>. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** The first of `n` consecutive free ports on 127.0.0.1 (below the kernel's ephemeral range). */
export async function freePortBlock(n: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    let ok = true;
    for (let p = base; p < base + n && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new Error(`no ${n} consecutive free ports found`);
}

export interface TestCluster extends Cluster {
  dir: string;
  /** The server's log so far (for failure messages). */
  serverLog(): string;
  /** Stops everything and removes the folder. */
  remove(): Promise<void>;
}

export async function startTestCluster(name: string): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), `onex-${name}-`));
  chmodSync(dir, 0o755); // PostgreSQL runs as its own user and needs to reach pg/ inside
  const basePort = await freePortBlock(SERVER_PORT_COUNT);
  let pgPort = await freePort();
  while (pgPort >= basePort && pgPort < basePort + SERVER_PORT_COUNT) pgPort = await freePort();
  const logFile = join(dir, 'temporal-server.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const cluster = await startCluster({ dir, pgPort, basePort, log, onStep: (m) => console.log(`[${name}] ${m}`) });
  return Object.assign(cluster, {
    dir,
    serverLog: () => readFileSync(logFile, 'utf8'),
    async remove() {
      await cluster.stop().catch(() => undefined);
      log.end();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
