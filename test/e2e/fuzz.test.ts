/**
 * Fuzzing (issue 7): random and malformed payloads to every Update (through the Temporal
 * client, against the shared dev server and a real worker) and to every admin API endpoint
 * (over real HTTP on 127.0.0.1). Every one must be refused with a clear error — a 4xx, a
 * RuleResult naming the broken field in Chinese and English — with no workflow-task failure
 * and no change of state (the query and the history are the same before and after).
 *
 * Bounded: each property runs at most NUM_RUNS cases and stops after TIME_LIMIT_MS.
 * Reproduce a failure with the seed fast-check prints (`fc.assert(..., { seed, path })`).
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApi } from '../../client/api';
import { PilotService } from '../../client/service';
import { addDays, shanghaiDate } from '../../domain/calendar';
import type { RuleResult } from '../../domain/errors';
import { pilotRecordSchema, pilotWorkflowId, type PilotRecord } from '../../domain/pilot';
import * as messages from '../../workflows/messages';
import { REFUSAL_FAILURE_TYPE, pilotStateQuery, submitWeeklyReport } from '../../workflows/messages';
import type { pilotWorkflow } from '../../workflows/pilot';
import type { PilotState } from '../../workflows/pilot-state';
import { malformedPilots, malformedReports, notAnObject, refusedReports, type Broken, type ReportContext } from '../helpers/fuzz';
import { count, eventKinds } from '../helpers/history';
import { samplePilot } from '../helpers/pilots';
import { connectDevServer, createTestWorker, recordingActivities } from '../helpers/temporal';

const NUM_RUNS = 100;
const TIME_LIMIT_MS = 20_000;
const runOptions = { numRuns: NUM_RUNS, plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS)] };

const suffix = Date.now().toString(36);
const taskQueue = `fuzz-${suffix}`;
const lead = { id: 'zhang', role: 'pilotLead' as const };
const aa = { id: 'jwb', role: 'academicAffairs' as const };

let env: Awaited<ReturnType<typeof connectDevServer>>;
let worker: Worker;
let running: Promise<void>;
let app: FastifyInstance;
let apiUrl: string;
let pilot: PilotRecord;
let handle: WorkflowHandle<typeof pilotWorkflow>;
let ctx: ReportContext;

beforeAll(async () => {
  env = await connectDevServer(inject('temporalAddress'));
  worker = await createTestWorker(env.nativeConnection, taskQueue, recordingActivities());
  running = worker.run();
  app = buildApi({ client: env.client, taskQueue });
  apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const today = shanghaiDate(Date.now());
  pilot = pilotRecordSchema.parse(samplePilot({ id: `fuzz-${suffix}`, startDate: today, endDate: addDays(today, 200) }));
  await new PilotService(env.client, taskQueue).startPilot({ pilot, actor: aa });
  handle = env.client.workflow.getHandle(pilotWorkflowId(pilot.id));
  const openPeriod = (await handle.query(pilotStateQuery)).periods[0]!.id;
  ctx = { openPeriod, valid: { periodId: openPeriod, content: '本周工作周报', actor: lead }, leadId: lead.id, leadEmail: pilot.lead.email, college: pilot.college.id };
});

afterAll(async () => {
  await handle?.terminate('fuzz done').catch(() => undefined);
  await app?.close();
  worker?.shutdown();
  await running;
  await env?.close();
});

/** The pilot's state and history, to compare before and after a property. */
async function snapshot(): Promise<{ state: Omit<PilotState, 'historyLength'>; events: string[] }> {
  const { historyLength: _h, ...state } = await handle.query(pilotStateQuery);
  return { state, events: await eventKinds(handle) };
}

const CJK = /[\u3400-\u9fff]/;

/** A clear refusal: a rule id, the field, a Chinese and an English message. */
function expectClear(results: RuleResult[], b: Broken): void {
  expect(results.length, b.what).toBeGreaterThan(0);
  for (const r of results) {
    expect(r.ruleId, b.what).toMatch(/\S/);
    expect(r.field, b.what).toMatch(/\S/);
    expect(r.message.zh, `${b.what}: ${r.message.zh}`).toMatch(CJK);
    expect(r.message.en, `${b.what}: ${r.message.en}`).toMatch(/[A-Za-z]{2}/);
  }
  const named = results.some((r) => r.field === b.field || r.field.startsWith(`${b.field}.`));
  expect(named, `${b.what}: expected a refusal naming ${b.field}, got ${results.map((r) => r.field).join(', ')}`).toBe(true);
}

/**
 * Every Update and the arbitraries that fuzz it. A new Update fails the coverage test below
 * until it has an entry here: its workflow, a handle to one running instance, payloads.
 */
const fuzzedUpdates: Record<string, () => { handle: WorkflowHandle; update: UpdateDefinition<unknown, [never]>; cases: fc.Arbitrary<Broken> }> = {
  submitWeeklyReport: () => ({
    handle,
    update: submitWeeklyReport as unknown as UpdateDefinition<unknown, [never]>,
    cases: fc.oneof(malformedReports(ctx), refusedReports(ctx)),
  }),
};

describe('fuzzing the Updates (Temporal client → dev server)', () => {
  it('covers every Update defined in workflows/messages.ts', () => {
    const defined = (Object.values(messages) as unknown[])
      .filter((m): m is { type: 'update'; name: string } => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'update')
      .map((m) => m.name)
      .sort();
    expect(defined.length).toBeGreaterThan(0);
    expect(defined.filter((name) => !(name in fuzzedUpdates)), 'Updates without a fuzz entry in test/e2e/fuzz.test.ts').toEqual([]);
  });

  for (const name of Object.keys(fuzzedUpdates)) {
    it(`${name}: every malformed or refused payload is rejected by the validator, leaving no trace`, async () => {
      const { handle: h, update, cases } = fuzzedUpdates[name]!();
      const before = await snapshot();
      await fc.assert(
        fc.asyncProperty(cases, async (b) => {
          const err = await h.executeUpdate(update, { args: [b.payload as never] }).then(() => undefined, (e: unknown) => e);
          expect(err, `${b.what}: accepted ${JSON.stringify(b.payload)}`).toBeInstanceOf(WorkflowUpdateFailedError);
          const cause = (err as WorkflowUpdateFailedError).cause;
          expect(cause, b.what).toBeInstanceOf(ApplicationFailure);
          expect((cause as ApplicationFailure).type, b.what).toBe(REFUSAL_FAILURE_TYPE);
          expectClear((cause as ApplicationFailure).details?.[0] as RuleResult[], b);
        }),
        runOptions,
      );
      const after = await snapshot();
      expect(after).toEqual(before);
      expect(count(after.events, 'workflowTaskFailed')).toBe(0);
    });
  }
});

interface ApiAnswer {
  status: number;
  body: { error?: { message?: string; results?: RuleResult[] } } & Record<string, unknown>;
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: ApiAnswer['body'];
  try {
    parsed = JSON.parse(text) as ApiAnswer['body'];
  } catch {
    parsed = { unparsed: text };
  }
  return { status: res.status, body: parsed };
}

function expectRefused(answer: ApiAnswer, status: number, b: Broken): void {
  expect(answer.status, `${b.what}: ${JSON.stringify(answer.body).slice(0, 400)}`).toBe(status);
  expect(answer.body.error?.message, b.what).toMatch(/\S/);
  expectClear(answer.body.error?.results ?? [], b);
}

/** Strings a person or a script might put in a path segment (encoded on the way). */
const pathSegment = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });

describe('fuzzing the admin API (real HTTP on 127.0.0.1)', () => {
  it('POST /api/pilots: malformed, unauthorised or duplicate pilots are refused (400/403/409) and nothing starts', async () => {
    const newId = `fuzz-new-${suffix}`;
    const valid = { ...pilot, id: newId } as PilotRecord & Record<string, unknown>;
    const forbiddenRole = fc.constantFrom('collegeStaff', 'collegeLeader', 'pilotLead', 'schoolLeader');
    const cases = fc.oneof(
      malformedPilots(valid).map((b) => ({ ...b, status: 400 })),
      fc.tuple(forbiddenRole, fc.string({ minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== ''))
        .map(([role, id]) => ({ payload: { pilot: valid, actor: { id, role, college: 'forestry' } }, field: 'actor.role', what: `${role} starts a pilot`, status: 403 })),
      fc.constant({ payload: { pilot: { ...valid, id: pilot.id }, actor: aa }, field: 'pilot.id', what: 'the pilot exists', status: 409 }),
      fc.string({ minLength: 1, maxLength: 30 }).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } })
        .map((s) => ({ payload: s, field: '(body)', what: 'not JSON', status: 400 })),
    );
    const before = await snapshot();
    await fc.assert(fc.asyncProperty(cases, async (b) => expectRefused(await call('POST', '/api/pilots', b.payload), b.status, b)), runOptions);
    await expect(env.client.workflow.getHandle(pilotWorkflowId(newId)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(await snapshot()).toEqual(before);
  });

  it('POST /api/pilots/:id/weekly-reports: malformed (400), refused (422) or unknown-pilot (404) reports change nothing', async () => {
    const path = `/api/pilots/${pilot.id}/weekly-reports`;
    const key = fc.option(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme-ascii' }).filter((s) => s.trim() === s && s !== ''), { nil: undefined });
    const cases = fc.oneof(
      malformedReports(ctx).map((b) => ({ ...b, status: 400, path })),
      refusedReports(ctx).map((b) => ({ ...b, status: 422, path })),
      fc.constant({ payload: ctx.valid, field: 'pilotId', what: 'an unknown pilot', status: 404, path: `/api/pilots/fuzz-unknown-${suffix}/weekly-reports` }),
      fc.constantFrom('{', '{"periodId":', '[1,', 'periodId=2026-W49', '\u0000')
        .map((s) => ({ payload: s, field: '(body)', what: 'not JSON', status: 400, path })),
    );
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(cases, key, async (b, k) => expectRefused(await call('POST', b.path, b.payload, k ? { 'idempotency-key': k } : {}), b.status, b)),
      runOptions,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('GET /api/pilots: any filter is either answered (200, the filter holds) or refused naming the parameter (400)', async () => {
    const value = fc.oneof(fc.string({ maxLength: 20, unit: 'grapheme' }), fc.constantFrom('true', 'false', 'implementation', 'completed', '1', '1000', '1001', '0', '-1', 'forestry', 'x" OR OnexKind = "pilot', "forestry' OR '1'='1", 'a\\"b'));
    const params = fc.dictionary(fc.constantFrom('college', 'escalated', 'stage', 'limit'), value, { minKeys: 1, maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(params, async (q) => {
        const answer = await call('GET', `/api/pilots?${new URLSearchParams(q).toString()}`);
        const what = `GET /api/pilots?${JSON.stringify(q)}`;
        if (answer.status === 200) {
          const pilots = answer.body.pilots as { college?: string; stage?: string; escalated?: boolean }[];
          expect(Array.isArray(pilots), what).toBe(true);
          for (const p of pilots) {
            if (q.college !== undefined) expect(p.college, what).toBe(q.college.trim());
            if (q.stage !== undefined) expect(p.stage, what).toBe(q.stage);
            if (q.escalated !== undefined) expect(String(p.escalated), what).toBe(q.escalated);
          }
          if (q.limit !== undefined) expect(pilots.length, what).toBeLessThanOrEqual(Number(q.limit));
        } else {
          expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(400);
          const fields = (answer.body.error?.results ?? []).map((r) => r.field);
          expect(fields.length, what).toBeGreaterThan(0);
          for (const f of fields) expect(Object.keys(q), `${what}: names ${f}`).toContain(f);
          expectClear(answer.body.error!.results!, { payload: q, field: fields[0]!, what });
        }
      }),
      runOptions,
    );
  });

  it('GET /api/pilots/:id of a pilot that does not exist: 404 naming pilotId', async () => {
    await fc.assert(
      fc.asyncProperty(pathSegment.filter((s) => s !== pilot.id && s !== '.' && s !== '..'), async (id) => {
        const b = { payload: id, field: 'pilotId', what: `GET /api/pilots/${JSON.stringify(id)}` };
        const answer = await call('GET', `/api/pilots/${encodeURIComponent(id)}`);
        if (answer.status === 400) expectRefused(answer, 400, { ...b, field: answer.body.error?.results?.[0]?.field ?? 'pilotId' });
        else expectRefused(answer, 404, b);
      }),
      runOptions,
    );
  });

  it('unknown paths and methods: 404 with the bilingual error body', async () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH');
    const path = fc.array(pathSegment, { minLength: 1, maxLength: 4 }).map((segs) => `/${segs.map(encodeURIComponent).join('/')}`);
    const body = fc.option(notAnObject, { nil: undefined });
    await fc.assert(
      fc.asyncProperty(method, path, body, async (m, p, b) => {
        const known = /^\/(api\/pilots(\/[^/]+(\/weekly-reports)?)?|healthz|readyz)$/.test(p);
        fc.pre(!known);
        const answer = await call(m, p, m === 'GET' || b === undefined ? undefined : JSON.stringify(b));
        expectRefused(answer, 404, { payload: p, field: '(path)', what: `${m} ${p}` });
      }),
      runOptions,
    );
  });
});
