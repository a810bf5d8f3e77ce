/**
 * The worker's health endpoint (ONEX_WORKER_HEALTH_PORT), for orchestrators and load
 * balancers. Loopback by default (ONEX_WORKER_HEALTH_HOST).
 *
 *   GET /healthz  liveness: 200 while the process serves and the worker has not failed
 *   GET /readyz   readiness: 200 only while the worker is RUNNING (polling) and Temporal
 *                 answers; 503 while it starts (bundling), drains on SIGTERM, or has lost
 *                 the server
 *
 * Both answer `{ ok, state, temporal? }` where state is the SDK's worker state
 * (INITIALIZED, RUNNING, STOPPING, DRAINING, DRAINED, STOPPED, FAILED) or STARTING before
 * the worker exists.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type HealthState = 'STARTING' | 'INITIALIZED' | 'RUNNING' | 'STOPPING' | 'DRAINING' | 'DRAINED' | 'STOPPED' | 'FAILED';

export interface HealthDeps {
  host: string;
  port: number;
  state: () => HealthState;
  /** True when the Temporal frontend answers (bounded by its own deadline). */
  temporalReachable: () => Promise<boolean>;
}

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

export async function startHealthServer(deps: HealthDeps): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { ok: false, error: 'method not allowed' });
    const state = deps.state();
    if (path === '/healthz') return send(state === 'FAILED' ? 503 : 200, { ok: state !== 'FAILED', state });
    if (path === '/readyz') {
      if (state !== 'RUNNING') return send(503, { ok: false, state });
      void deps
        .temporalReachable()
        .catch(() => false)
        .then((temporal) => send(temporal ? 200 : 503, { ok: temporal, state, temporal }));
      return;
    }
    send(404, { ok: false, error: 'not found: /healthz, /readyz' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = deps.host.includes(':') ? `[${deps.host}]` : deps.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
