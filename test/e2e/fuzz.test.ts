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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApi } from '../../client/api';
import { PilotService } from '../../client/service';
import { addDays, createChinaCalendar, shanghaiDate } from '../../domain/calendar';
import type { RuleResult } from '../../domain/errors';
import { pilotRecordSchema, pilotWorkflowId, type PilotRecord } from '../../domain/pilot';
import { applicationWorkflowId, roundRecordSchema } from '../../domain/round';
import * as messages from '../../workflows/messages';
import {
  REFUSAL_FAILURE_TYPE,
  abandonApplication,
  applicationStateQuery,
  approvalStateQuery,
  approvalWorkflowId,
  cancelPilot,
  extendDeadline,
  refreshCalendar,
  remindNow,
  recordAssessment,
  recordAssessmentResult,
  recordExpense,
  recordIncome,
  recordInspection,
  recordProvincialRequest,
  recordViolation,
  submitForApproval,
  submitProvincialMaterial,
  ccApproval,
  decideApproval,
  delegateApproval,
  rectificationStateQuery,
  rectificationWorkflowId,
  recordApprovalFiling,
  recordReinspection,
  resubmitApproval,
  withdrawApproval,
  confirmSubmission,
  createApplication,
  editApplication,
  grantRoundWaiver,
  pilotStateQuery,
  recordObjection,
  recordPassRecord,
  recordProvincialResult,
  recordPublicNotice,
  registryStateQuery,
  reviewApplication,
  roundStateQuery,
  signOffApplication,
  submitApplication,
  submitWeeklyReport,
  waiveApplicationRule,
  withdrawSubmission,
} from '../../workflows/messages';
import type { pilotWorkflow } from '../../workflows/pilot';
import type { PilotState } from '../../workflows/pilot-state';
import { approvalWorkflow } from '../../workflows/approval';
import { rectificationWorkflow } from '../../workflows/rectification';
import { programmeRegistryWorkflow, registryStartOptions } from '../../workflows/registry';
import { roundStartOptions, roundWorkflow } from '../../workflows/round';
import { testUsers, type TestUsers } from '../helpers/auth';
import {
  ANY_FIELD,
  anyUpdatePayload,
  malformedPilots,
  malformedReports,
  notAnObject,
  refusedReports,
  type Broken,
  type ReportContext,
} from '../helpers/fuzz';
import { count, eventKinds } from '../helpers/history';
import { samplePilot } from '../../scripts/support/pilots';
import { aaActor, sampleApplication, sampleRound, staff } from '../../scripts/support/rounds';
import { approvalInput, budgetPlan, childPilot, childRecipients, inspection } from '../helpers/children';
import { inspectionSchema, rectificationFor } from '../../domain/inspection';
import { currentRulesVersion, ruleTable } from '../../domain/tables';
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
let roundHandle: WorkflowHandle;
let applicationHandle: WorkflowHandle;
let registryHandle: WorkflowHandle;
let approvalHandle: WorkflowHandle;
let rectificationHandle: WorkflowHandle;
let users: TestUsers;
const dir = mkdtempSync(join(tmpdir(), 'onex-fuzz-'));

beforeAll(async () => {
  env = await connectDevServer(inject('temporalAddress'));
  worker = await createTestWorker(env.nativeConnection, taskQueue, recordingActivities());
  running = worker.run();
  // Signed-in callers (issue 6): Academic Affairs and the pilot's lead, by bearer token.
  users = await testUsers(dir, ['jwb:academicAffairs', 'zhang:pilotLead:forestry']);
  app = buildApi({ client: env.client, taskQueue, auth: users.auth, logger: false });
  apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const today = shanghaiDate(Date.now());
  pilot = pilotRecordSchema.parse(samplePilot({ id: `fuzz-${suffix}`, startDate: today, endDate: addDays(today, 200) }));
  await new PilotService(env.client, taskQueue).startPilot({ pilot, actor: aa });
  handle = env.client.workflow.getHandle(pilotWorkflowId(pilot.id));
  const openPeriod = (await handle.query(pilotStateQuery)).periods[0]!.id;
  ctx = {
    openPeriod,
    valid: { periodId: openPeriod, content: '本周工作周报', actor: lead },
    leadId: lead.id,
    leadEmail: pilot.lead.email,
    college: pilot.college.id,
  };

  // One instance of every other workflow kind: the programme registry, a round and one of its applications.
  registryHandle = await env.client.workflow.start(programmeRegistryWorkflow, {
    ...registryStartOptions(),
    workflowId: `registry-fuzz-${suffix}`,
    taskQueue,
  });
  const calendar = createChinaCalendar();
  const internalDeadline = calendar.addWorkingDays(today, 5);
  const round = roundRecordSchema.parse(
    sampleRound({ id: `fuzz-${suffix}`, internalDeadline, provincialDeadline: calendar.addWorkingDays(internalDeadline, 5) }),
  );
  roundHandle = await env.client.workflow.start(roundWorkflow, { ...roundStartOptions(round, aaActor), taskQueue });
  await roundHandle.executeUpdate(createApplication, {
    args: [{ application: sampleApplication({ id: 'F1' }), actor: staff('forestry') }],
  });
  applicationHandle = env.client.workflow.getHandle(applicationWorkflowId(round.id, 'F1'));

  // The pilot's child workflows, started on their own (no fuzzed action concludes them, so they never signal a parent).
  const parentId = pilotWorkflowId(`fuzz-parent-${suffix}`);
  approvalHandle = await env.client.workflow.start(approvalWorkflow, {
    taskQueue,
    workflowId: approvalWorkflowId(parentId, 'budget', 1),
    args: [
      approvalInput('budget', `fuzz-parent-${suffix}`, parentId, budgetPlan(`fuzz-parent-${suffix}`) as never, new Date().toISOString()),
    ],
  });
  const failed = inspectionSchema.parse(inspection(`fuzz-parent-${suffix}`, { inspectedOn: today }));
  rectificationHandle = await env.client.workflow.start(rectificationWorkflow, {
    taskQueue,
    workflowId: rectificationWorkflowId(parentId, 'I-1'),
    args: [
      {
        rectificationId: 'R-1',
        parentWorkflowId: parentId,
        pilot: childPilot(`fuzz-parent-${suffix}`),
        recipients: childRecipients,
        inspection: failed,
        deadline: rectificationFor(failed, ruleTable(currentRulesVersion), calendar)!,
        rulesVersion: currentRulesVersion,
      },
    ],
  });
});

afterAll(async () => {
  for (const h of [handle, roundHandle, applicationHandle, registryHandle, approvalHandle, rectificationHandle])
    await h?.terminate('fuzz done').catch(() => undefined);
  await app?.close();
  worker?.shutdown();
  await running;
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The pilot's state and history, to compare before and after a property. */
async function snapshot(): Promise<{ state: Omit<PilotState, 'historyLength'>; events: string[] }> {
  const { historyLength: _h, ...state } = await handle.query(pilotStateQuery);
  return { state, events: await eventKinds(handle) };
}

/** Any workflow's state (through its query) and history. */
async function snapshotOf(h: WorkflowHandle, query: { type: 'query'; name: string }): Promise<{ state: unknown; events: string[] }> {
  const { historyLength: _h, ...state } = (await h.query(query as never)) as Record<string, unknown>;
  return { state, events: await eventKinds(h) };
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
  const named =
    b.field === ANY_FIELD ||
    results.some((r) => r.field === b.field || r.field.startsWith(`${b.field}.`) || r.field.startsWith(`${b.field}[`));
  expect(named, `${b.what}: expected a refusal naming ${b.field}, got ${results.map((r) => r.field).join(', ')}`).toBe(true);
}

interface FuzzTarget {
  /** Fewer runs for the generic payloads (the same few shapes per Update). */
  numRuns?: number;
  handle: WorkflowHandle;
  update: UpdateDefinition<unknown, [never]>;
  /** The workflow's state query, compared before and after. */
  query: { type: 'query'; name: string };
  cases: fc.Arbitrary<Broken>;
}

const asUpdate = (u: unknown) => u as UpdateDefinition<unknown, [never]>;
const generic = (h: () => WorkflowHandle, query: { type: 'query'; name: string }, update: unknown, fields: string[]) => (): FuzzTarget => ({
  numRuns: 50,
  handle: h(),
  update: asUpdate(update),
  query,
  cases: anyUpdatePayload(fields),
});
const round = () => roundHandle;
const application = () => applicationHandle;
const registry = () => registryHandle;
const thePilot = () => handle as WorkflowHandle;
const approval = () => approvalHandle;
const rectification = () => rectificationHandle;

/**
 * Every Update and the arbitraries that fuzz it. A new Update fails the coverage test below
 * until it has an entry here: a handle to one running instance, its state query, payloads.
 * The weekly report has field-by-field breakages; the others get junk and payloads whose
 * actor (required by every human action) is missing or malformed.
 */
const fuzzedUpdates: Record<string, () => FuzzTarget> = {
  submitWeeklyReport: () => ({
    handle,
    update: asUpdate(submitWeeklyReport),
    query: pilotStateQuery,
    cases: fc.oneof(malformedReports(ctx), refusedReports(ctx)),
  }),
  createApplication: generic(round, roundStateQuery, createApplication, ['application']),
  grantRoundWaiver: generic(round, roundStateQuery, grantRoundWaiver, ['ruleId', 'collegeId', 'major']),
  confirmSubmission: generic(round, roundStateQuery, confirmSubmission, ['applicationIds']),
  recordProvincialResult: generic(round, roundStateQuery, recordProvincialResult, ['applicationId', 'result']),
  recordPublicNotice: generic(round, roundStateQuery, recordPublicNotice, ['startDate', 'url']),
  recordObjection: generic(round, roundStateQuery, recordObjection, ['applicationId', 'summary']),
  editApplication: generic(application, applicationStateQuery, editApplication, ['changes']),
  submitApplication: generic(application, applicationStateQuery, submitApplication, []),
  withdrawSubmission: generic(application, applicationStateQuery, withdrawSubmission, []),
  abandonApplication: generic(application, applicationStateQuery, abandonApplication, []),
  signOffApplication: generic(application, applicationStateQuery, signOffApplication, ['declareAuthentic']),
  reviewApplication: generic(application, applicationStateQuery, reviewApplication, ['returnTo']),
  waiveApplicationRule: generic(application, applicationStateQuery, waiveApplicationRule, ['ruleId']),
  recordPassRecord: generic(registry, registryStateQuery, recordPassRecord, ['record', 'note']),
  decideApproval: generic(approval, approvalStateQuery, decideApproval, ['stepId', 'outcome', 'returnTo']),
  resubmitApproval: generic(approval, approvalStateQuery, resubmitApproval, ['subject', 'note']),
  withdrawApproval: generic(approval, approvalStateQuery, withdrawApproval, []),
  delegateApproval: generic(approval, approvalStateQuery, delegateApproval, ['stepId', 'delegate', 'validUntil']),
  ccApproval: generic(approval, approvalStateQuery, ccApproval, ['people']),
  recordApprovalFiling: generic(approval, approvalStateQuery, recordApprovalFiling, ['filedOn', 'reference']),
  recordReinspection: generic(rectification, rectificationStateQuery, recordReinspection, ['inspectedOn', 'reinspectionOf', 'funds']),
  recordProvincialRequest: generic(thePilot, pilotStateQuery, recordProvincialRequest, ['id', 'pilotId', 'title', 'dueDate', 'recordedBy']),
  submitProvincialMaterial: generic(thePilot, pilotStateQuery, submitProvincialMaterial, ['requestId', 'note']),
  recordExpense: generic(thePilot, pilotStateQuery, recordExpense, ['id', 'pilotId', 'category', 'amountFen']),
  recordIncome: generic(thePilot, pilotStateQuery, recordIncome, ['id', 'pilotId', 'source', 'amountFen', 'payer']),
  recordAssessment: generic(thePilot, pilotStateQuery, recordAssessment, ['session', 'feeCapWaiverReason']),
  recordAssessmentResult: generic(thePilot, pilotStateQuery, recordAssessmentResult, ['sessionId', 'passed']),
  recordInspection: generic(thePilot, pilotStateQuery, recordInspection, ['id', 'pilotId', 'inspectedOn', 'inspector', 'progress']),
  recordViolation: generic(thePilot, pilotStateQuery, recordViolation, ['id', 'pilotId', 'ground', 'recordedBy']),
  cancelPilot: generic(thePilot, pilotStateQuery, cancelPilot, ['reason']),
  remindNow: generic(thePilot, pilotStateQuery, remindNow, ['note']),
  refreshCalendar: generic(thePilot, pilotStateQuery, refreshCalendar, ['calendar']),
  extendDeadline: generic(thePilot, pilotStateQuery, extendDeadline, ['target', 'newDueDate', 'reason']),
  submitForApproval: generic(thePilot, pilotStateQuery, submitForApproval, ['kind', 'subject']),
};

describe('fuzzing the Updates (Temporal client → dev server)', () => {
  it('covers every Update defined in workflows/messages.ts', () => {
    const defined = (Object.values(messages) as unknown[])
      .filter(
        (m): m is { type: 'update'; name: string } => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'update',
      )
      .map((m) => m.name)
      .sort();
    expect(defined.length).toBeGreaterThan(0);
    expect(
      defined.filter((name) => !(name in fuzzedUpdates)),
      'Updates without a fuzz entry in test/e2e/fuzz.test.ts',
    ).toEqual([]);
  });

  for (const name of Object.keys(fuzzedUpdates)) {
    it(`${name}: every malformed or refused payload is rejected by the validator, leaving no trace`, async () => {
      const { handle: h, update, cases, query, numRuns } = fuzzedUpdates[name]!();
      const before = await snapshotOf(h, query);
      await fc.assert(
        fc.asyncProperty(cases, async (b) => {
          const err = await h.executeUpdate(update, { args: [b.payload as never] }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err, `${b.what}: accepted ${JSON.stringify(b.payload)}`).toBeInstanceOf(WorkflowUpdateFailedError);
          const cause = (err as WorkflowUpdateFailedError).cause;
          expect(cause, b.what).toBeInstanceOf(ApplicationFailure);
          expect((cause as ApplicationFailure).type, b.what).toBe(REFUSAL_FAILURE_TYPE);
          expectClear((cause as ApplicationFailure).details?.[0] as RuleResult[], b);
        }),
        { ...runOptions, numRuns: numRuns ?? NUM_RUNS },
      );
      const after = await snapshotOf(h, query);
      expect(after).toEqual(before);
      expect(count(after.events, 'workflowTaskFailed')).toBe(0);
    });
  }
});

interface ApiAnswer {
  status: number;
  body: { error?: { message?: string; results?: RuleResult[] } } & Record<string, unknown>;
}

/** An HTTP call as `as` (a user id: its bearer token; null: no credentials). */
/** A body sent as these exact bytes (not JSON-encoded). */
interface Raw {
  raw: string;
}
const isRaw = (b: unknown): b is Raw =>
  typeof b === 'object' && b !== null && typeof (b as Raw).raw === 'string' && Object.keys(b).length === 1;

async function call(
  as: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const auth: Record<string, string> = as === null ? {} : { authorization: `Bearer ${users.tokens[as]}` };
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: body === undefined ? { ...auth, ...headers } : { 'content-type': 'application/json', ...auth, ...headers },
    body: body === undefined ? undefined : isRaw(body) ? body.raw : JSON.stringify(body),
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

function expectRefused(answer: ApiAnswer, status: number | number[], b: Broken): void {
  expect([status].flat(), `${b.what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 400)}`).toContain(answer.status);
  expect(answer.body.error?.message, b.what).toMatch(/\S/);
  expectClear(answer.body.error?.results ?? [], b);
}

/** Strings a person or a script might put in a path segment (encoded on the way). */
const pathSegment = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });

describe('fuzzing the admin API (real HTTP on 127.0.0.1)', () => {
  it('POST /api/pilots: malformed, unauthorised or duplicate pilots are refused (400/403/409) and nothing starts', async () => {
    const newId = `fuzz-new-${suffix}`;
    const valid = { ...pilot, id: newId } as PilotRecord & Record<string, unknown>;
    const cases = fc.oneof(
      malformedPilots(valid).map((b) => ({ ...b, status: 400, as: 'jwb' })),
      // Art. 4: only Academic Affairs starts a pilot; the pilot's own lead may not.
      fc.constant({
        payload: { pilot: valid, actor: { id: 'zhang', role: 'pilotLead', college: 'forestry' } },
        field: 'actor.role',
        what: 'a pilot lead starts a pilot',
        status: 403,
        as: 'zhang',
      }),
      // The actor in the body must be the signed-in user.
      fc
        .string({ minLength: 1, maxLength: 10 })
        .filter((s) => s.trim() !== 'jwb' && s.trim() !== '')
        .map((id) => ({
          payload: { pilot: valid, actor: { ...aa, id } },
          field: 'actor',
          what: 'an actor who is not the user',
          status: 403,
          as: 'jwb',
        })),
      fc.constant({
        payload: { pilot: { ...valid, id: pilot.id }, actor: aa },
        field: 'pilot.id',
        what: 'the pilot exists',
        status: 409,
        as: 'jwb',
      }),
      fc
        .string({ minLength: 1, maxLength: 30 })
        .filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        })
        .map((s) => ({ payload: { raw: s }, field: '(body)', what: 'not JSON', status: 400, as: 'jwb' })),
    );
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(cases, async (b) => expectRefused(await call(b.as, 'POST', '/api/pilots', b.payload), b.status, b)),
      runOptions,
    );
    await expect(env.client.workflow.getHandle(pilotWorkflowId(newId)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(await snapshot()).toEqual(before);
  });

  it('POST /api/pilots/:id/weekly-reports: malformed (400), refused (422) or unknown-pilot (404) reports change nothing', async () => {
    const path = `/api/pilots/${pilot.id}/weekly-reports`;
    // Keys in the documented form (1–128 of A–Z a–z 0–9 . _ : -); a refused request does not keep its key, so reuse is fine here.
    const key = fc.option(fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/), { nil: undefined });
    // A malformed actor object is refused as not the signed-in user (403) before the schema (400) sees it.
    const cases = fc.oneof(
      malformedReports(ctx).map((b) => ({ ...b, status: b.field === 'actor' ? [400, 403] : [400], path })),
      refusedReports(ctx).map((b) => ({ ...b, status: b.field === 'actor' ? [403] : [422], path })),
      fc.constant({
        payload: ctx.valid,
        field: 'pilotId',
        what: 'an unknown pilot',
        status: 404,
        path: `/api/pilots/fuzz-unknown-${suffix}/weekly-reports`,
      }),
      fc
        .constantFrom('{', '{"periodId":', '[1,', 'periodId=2026-W49', '\u0000')
        .map((s) => ({ payload: { raw: s }, field: '(body)', what: 'not JSON', status: [400], path })),
    );
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(cases, key, async (b, k) =>
        expectRefused(await call('zhang', 'POST', b.path, b.payload, k ? { 'idempotency-key': k } : {}), b.status, b),
      ),
      runOptions,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('GET /api/pilots: any filter is either answered (200, the filter holds) or refused naming the parameter (400)', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 20, unit: 'grapheme' }),
      fc.constantFrom(
        'true',
        'false',
        'implementation',
        'completed',
        '1',
        '1000',
        '1001',
        '0',
        '-1',
        'forestry',
        'x" OR OnexKind = "pilot',
        "forestry' OR '1'='1",
        'a\\"b',
      ),
    );
    const params = fc.dictionary(fc.constantFrom('college', 'escalated', 'stage', 'limit'), value, { minKeys: 1, maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(params, async (q) => {
        const answer = await call('jwb', 'GET', `/api/pilots?${new URLSearchParams(q).toString()}`);
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
      fc.asyncProperty(
        pathSegment.filter((s) => s !== pilot.id && s !== '.' && s !== '..'),
        async (id) => {
          const b = { payload: id, field: 'pilotId', what: `GET /api/pilots/${JSON.stringify(id)}` };
          const answer = await call('jwb', 'GET', `/api/pilots/${encodeURIComponent(id)}`);
          if (answer.status === 400) expectRefused(answer, 400, { ...b, field: answer.body.error?.results?.[0]?.field ?? 'pilotId' });
          else expectRefused(answer, 404, b);
        },
      ),
      runOptions,
    );
  });

  it('unknown paths and methods: 404 with the bilingual error body', async () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH');
    // Under a prefix no route uses, so routes added later never collide with a generated path.
    const path = fc
      .tuple(fc.constantFrom('/api/zz-', '/zz-'), fc.array(pathSegment, { minLength: 1, maxLength: 4 }))
      .map(([prefix, segs]) => `${prefix}${segs.map(encodeURIComponent).join('/')}`);
    const body = fc.option(notAnObject, { nil: undefined });
    await fc.assert(
      fc.asyncProperty(method, path, body, async (m, p, b) => {
        const answer = await call('jwb', m, p, m === 'GET' ? undefined : b);
        expectRefused(answer, 404, { payload: p, field: '(path)', what: `${m} ${p}` });
      }),
      runOptions,
    );
  });

  it('no credentials or a forged bearer token: 401 on every /api/ endpoint, naming the credential', async () => {
    const endpoint = fc.constantFrom(
      ['GET', '/api/pilots'],
      ['POST', '/api/pilots'],
      ['GET', `/api/pilots/${pilot.id}`],
      ['POST', `/api/pilots/${pilot.id}/weekly-reports`],
      ['GET', '/api/session'],
      ['GET', '/api/zz-unknown'],
    );
    const forged = fc
      .oneof(
        fc.constant(undefined),
        fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme-ascii' }).map((t) => `Bearer ${t.trim() || 'x'}`),
        fc.constant(`Bearer ${users.tokens.jwb}x`),
        fc.constantFrom('Basic amdiOnBhc3N3b3Jk', 'Bearer', 'bearer  ', `Token ${users.tokens.jwb}`),
      )
      .filter((h) => h === undefined || !Object.values(users.tokens).some((t) => h.endsWith(` ${t}`)));
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(endpoint, forged, async ([m, p], authorization) => {
        const answer = await call(
          null,
          m!,
          p!,
          m === 'POST' ? { ...ctx.valid, pilot } : undefined,
          authorization === undefined ? {} : { authorization },
        );
        expectRefused(answer, 401, {
          payload: authorization,
          field: authorization === undefined ? '(session)' : '(authorization)',
          what: `${m} ${p} with ${String(authorization)}`,
        });
      }),
      runOptions,
    );
    expect(await snapshot()).toEqual(before);
  });
});
