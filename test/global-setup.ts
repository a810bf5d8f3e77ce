/**
 * One real Temporal dev server (in memory, headless, onex's search attributes) for the
 * whole e2e layer; tests read its address with inject('temporalAddress').
 */
import type { TestProject } from 'vitest/node';
import { startTemporalDevServer, type DevServer } from '../scripts/temporal-dev-server';
import { freePorts } from '../scripts/support/ports';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

let server: DevServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const [port, httpPort, metricsPort] = (await freePorts(3)) as [number, number, number];
  server = await startTemporalDevServer({ port, httpPort, metricsPort, startTimeoutMs: 90_000 });
  project.provide('temporalAddress', server.address);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
