/**
 * A TCP gate on 127.0.0.1 in front of a real server (the SMTP sink), for fault tests: it
 * forwards connections while open, and refuses them (accepts, then resets at once) while
 * closed. `allow(n)` lets exactly the next n connections through and closes afterwards —
 * nodemailer opens one connection per message, so n connections are n e-mails. Not a mock:
 * bytes go to the real server unchanged; only the network misbehaves.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpGate {
  port: number;
  /** Connections forwarded / refused so far. */
  readonly forwarded: number;
  readonly refused: number;
  open(): void;
  close(): void;
  /** Forward the next `n` connections, then refuse. */
  allow(n: number): void;
  shutdown(): Promise<void>;
}

export async function startTcpGate(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpGate> {
  let budget = Infinity;
  let forwarded = 0;
  let refused = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (budget <= 0) {
      refused += 1;
      client.resetAndDestroy();
      return;
    }
    budget -= 1;
    forwarded += 1;
    const upstream = connect(targetPort, targetHost);
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.resetAndDestroy());
    client.on('error', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get forwarded() {
      return forwarded;
    },
    get refused() {
      return refused;
    },
    open: () => void (budget = Infinity),
    close: () => void (budget = 0),
    allow: (n) => void (budget = n),
    shutdown: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
