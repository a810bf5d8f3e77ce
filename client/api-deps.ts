/**
 * What the API is built from (buildApi in api.ts): its own module so that the route
 * modules, which buildApi registers, can name it without importing api.ts back.
 */
import type { Client } from '@temporalio/client';
import type { AuthDeps } from './auth/plugin';
import type { DocumentStore } from './documents/store';

export interface ApiDeps {
  client: Client;
  taskQueue: string;
  /** Answers whether Temporal is reachable and a worker polls (with what is missing), for /readyz. */
  ready?: () => Promise<boolean | { ok: boolean }>;
  /**
   * The request log: JSON lines through fastify's logger (pino), one per request with its
   * id, and every 5xx with its error. `false` turns it off; default: level `info` on stdout.
   */
  logger?: boolean | { level?: string; stream?: { write(line: string): void } };
  /** Addresses of reverse proxies whose X-Forwarded-For is believed (fastify's trustProxy); default none. */
  trustedProxies?: string[];
  /** Users, secrets and the security log (client/auth). */
  auth: AuthDeps;
  /** The document store (uploads and downloads); without one the document routes are absent. */
  documents?: DocumentStore;
}
