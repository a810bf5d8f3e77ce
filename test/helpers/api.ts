/**
 * A real admin API for e2e tests: a worker on its own task queue of the shared dev server
 * (e-mails recorded by the activity test double), the API on 127.0.0.1 with a users file of
 * real hashes and tokens, and pilots started through Temporal.
 */
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApi } from '../../client/api';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { pilotRecordSchema, type PilotRecordInput } from '../../domain/pilot';
import { pilotWorkflow } from '../../workflows/pilot';
import { pilotStartOptions } from '../../workflows/pilot-start';
import { OnexEscalated } from '../../workflows/search-attributes';
import { testUsers, type TestUsers } from './auth';
import { samplePilot } from '../../scripts/support/pilots';
import { DocumentStore } from '../../client/documents/store';
import { connectDevServer, createTestWorker, recordingActivities } from './temporal';

export interface TestApi {
  url: string;
  client: Client;
  users: TestUsers;
  taskQueue: string;
  dir: string;
  sent: ReturnType<typeof recordingActivities>['sent'];
  /** Starts a pilot of a college, led by `lead` (a user id), from today, through the API as Academic Affairs (the first academicAffairs user). */
  startPilot(id: string, college: string, lead: string, collegeName?: string, extra?: Partial<PilotRecordInput>): Promise<void>;
  /**
   * Starts a pilot directly on Temporal with its OnexEscalated search attribute set, as the
   * workflow sets it after the third consecutive miss (test setup for the supervisors'
   * filter; the ladder itself is tested on the time-skipping server).
   */
  startEscalatedPilot(id: string, college: string, lead: string): Promise<void>;
  /** fetch with a user's bearer token. */
  as(userId: string, path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  /** Collects the API's JSON log lines (default: no request log). */
  logLines?: string[];
  /** Called on the app before it listens (e.g. to add a route for a test). */
  beforeListen?: (app: FastifyInstance) => void;
  /** Overrides of the auth settings (throttle policy, sign-ins per minute). */
  auth?: Partial<TestUsers['auth']>;
  /** Reverse proxies whose X-Forwarded-For the API believes. */
  trustedProxies?: string[];
  /** The largest upload the document store accepts (default 2 MiB). */
  documentMaxBytes?: number;
}

export async function startTestApi(temporalAddress: string, userSpecs: string[], options: TestApiOptions = {}): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'onex-api-'));
  const env = await connectDevServer(temporalAddress);
  const taskQueue = `api-e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const activities = recordingActivities();
  const worker: Worker = await createTestWorker(env.nativeConnection, taskQueue, activities);
  const running = worker.run();
  const users = await testUsers(dir, userSpecs);
  const lines = options.logLines;
  const documents = new DocumentStore({ dir: join(dir, 'documents'), maxBytes: options.documentMaxBytes ?? 2 * 1024 * 1024 });
  const app: FastifyInstance = buildApi({
    client: env.client,
    documents,
    taskQueue,
    auth: { ...users.auth, ...options.auth },
    logger: lines ? { stream: { write: (l: string) => void lines.push(l) } } : false,
    trustedProxies: options.trustedProxies,
  });
  options.beforeListen?.(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const started: string[] = [];
  const as: TestApi['as'] = (userId, path, init = {}) => {
    const { json, ...rest } = init;
    return fetch(`${url}${path}`, {
      ...rest,
      headers: {
        authorization: `Bearer ${users.tokens[userId]}`,
        ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(rest.headers as Record<string, string> | undefined),
      },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
  };
  return {
    url,
    client: env.client,
    users,
    taskQueue,
    dir,
    sent: activities.sent,
    async startPilot(id, college, lead, collegeName = `${college} 学院`, extra = {}) {
      const today = shanghaiDate(Date.now());
      const pilot = pilotRecordSchema.parse(
        samplePilot({
          id,
          startDate: today,
          endDate: addDays(today, 400),
          college: { id: college, name: collegeName },
          lead: { name: `负责人 ${lead}`, email: `${lead}@college.test`, userId: lead },
          ...extra,
        }),
      );
      const aa = userSpecs.find((s) => s.split(':')[1] === 'academicAffairs')!.split(':')[0]!;
      const res = await as(aa, '/api/pilots', { method: 'POST', json: { pilot, actor: { id: aa, role: 'academicAffairs' } } });
      if (res.status !== 201) throw new Error(`starting ${id}: ${res.status} ${await res.text()}`);
      started.push(id);
    },
    async startEscalatedPilot(id, college, lead) {
      const today = shanghaiDate(Date.now());
      const pilot = pilotRecordSchema.parse(
        samplePilot({
          id,
          startDate: today,
          endDate: addDays(today, 400),
          college: { id: college, name: `${college} 学院` },
          lead: { name: `负责人 ${lead}`, email: `${lead}@college.test`, userId: lead },
        }),
      );
      const options = pilotStartOptions(pilot);
      const typedSearchAttributes = options.typedSearchAttributes.map((a) =>
        a.key.name === OnexEscalated.name ? { key: OnexEscalated, value: true } : a,
      );
      await env.client.workflow.start(pilotWorkflow, { taskQueue, ...options, typedSearchAttributes });
      started.push(id);
    },
    as,
    async close() {
      await app.close();
      documents.close();
      for (const id of started)
        await env.client.workflow
          .getHandle(`pilot:${id}`)
          .terminate('test done')
          .catch(() => undefined);
      worker.shutdown();
      await running;
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
