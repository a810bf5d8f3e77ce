/**
 * Integrity at the API edge (issue 10, observations 7, 8, 9 and 12), black-box over HTTP on
 * the shared dev server, plus the raw Updates the validators must refuse on their own:
 *
 * 7. ledger entries keyed by id: a repeat with the same content is a replay (200, booked
 *    once), with other content a 409 naming the id; a raw Update with a used id is refused;
 * 8. `onBehalfOf` only from Academic Affairs or a delegate with a live delegation (403);
 * 9. dates inside the programme's window, a pilot at most 6 years, a pilot's records inside
 *    its period (± 90 days);
 * 12. worker stopped → 503 within the deadline, naming the cause; /readyz says so.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addDays, shanghaiDate } from '../../domain/calendar';
import type { RuleResult } from '../../domain/errors';
import { pilotRecordSchema, pilotWorkflowId } from '../../domain/pilot';
import { approvalWorkflowId, ccApproval, recordIncome, submitForApproval } from '../../workflows/messages';
import { startTestApi, type TestApi } from '../helpers/api';
import { testUsers } from '../helpers/auth';
import { budgetPlan } from '../helpers/children';
import { samplePilot } from '../../scripts/support/pilots';
import { freePort } from '../../scripts/support/ports';
import { killAllOnexProcesses, startApiProcess, startWorkerProcess } from '../helpers/processes';
import { runCli } from '../helpers/stack';
import { eventually } from '../helpers/wait';

const suffix = Date.now().toString(36);
const today = shanghaiDate(Date.now());
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi(inject('temporalAddress'), [
    'jwb:academicAffairs',
    'zhang:pilotLead:forestry',
    'li:collegeStaff:forestry',
    'dean:collegeLeader:forestry',
    'deputy:collegeLeader:forestry',
    'vp:schoolLeader',
  ]);
});
afterAll(async () => {
  await api?.close();
  await killAllOnexProcesses();
});

type ErrorBody = { error: { message: string; results: RuleResult[] } };
const json = async <T = Record<string, unknown>>(r: Response) => (await r.json()) as T;

/** The RuleResults of a raw Update the workflow's validator refused. */
async function refusedRaw(p: Promise<unknown>): Promise<RuleResult[]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
  return cause.details?.[0] as RuleResult[];
}

describe('7. ledger entries keyed by id', () => {
  it('a repeated id with the same content is a replay booked once; other content is a 409 naming the id', async () => {
    const pilotId = `ledger-${suffix}`;
    await api.startPilot(pilotId, 'forestry', 'zhang');
    const income = {
      id: 'IN-X',
      date: today,
      source: 'examServiceFee' as const,
      payer: '某培训评价组织',
      amountFen: 300_000,
      actor: { id: 'zhang', role: 'pilotLead' as const },
    };
    const post = (path: string, body: unknown) => api.as('zhang', `/api/pilots/${pilotId}/${path}`, { method: 'POST', json: body });

    const first = await post('incomes', income);
    expect(first.status).toBe(200);
    expect(await json(first)).toMatchObject({
      replayed: false,
      entry: { kind: 'income', id: 'IN-X', amountFen: 300_000 },
      audit: { action: 'ledger.income' },
    });
    const again = await post('incomes', income);
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual({
      replayed: true,
      entry: {
        kind: 'income',
        id: 'IN-X',
        date: today,
        source: 'examServiceFee',
        account: 'pilotSpecialFund',
        payer: '某培训评价组织',
        amountFen: 300_000,
      },
    });

    const other = await post('incomes', { ...income, amountFen: 300_001 });
    expect(other.status).toBe(409);
    const otherBody = await json<ErrorBody>(other);
    expect(otherBody.error.results).toMatchObject([{ ruleId: 'art5.ledger.uniqueEntry', article: { article: 5, item: 3 }, field: 'id' }]);
    expect(otherBody.error.results[0]!.message.zh).toContain('IN-X');
    expect(otherBody.error.results[0]!.message.en).toContain('amountFen: 300000 ≠ 300001');
    // The same id as an expense is another entry under a used id.
    const asExpense = await post('expenses', {
      id: 'IN-X',
      date: today,
      category: 'teacherTraining',
      amountFen: 100,
      description: '培训',
      actor: { id: 'zhang', role: 'pilotLead' },
    });
    expect(asExpense.status).toBe(409);

    const state = await json<{ ledger: { balanceFen: number; entries: number } }>(await api.as('zhang', `/api/pilots/${pilotId}`));
    expect(state.ledger).toMatchObject({ balanceFen: 300_000, entries: 1 });

    // A raw Update (past the API) is refused by the workflow's validator, naming the field and the id.
    const raw = await refusedRaw(
      api.client.workflow
        .getHandle(pilotWorkflowId(pilotId))
        .executeUpdate(recordIncome, { args: [{ ...income, pilotId, amountFen: 5, actor: { id: 'jwb', role: 'academicAffairs' } }] }),
    );
    expect(raw).toMatchObject([{ ruleId: 'art5.ledger.uniqueEntry', field: 'id' }]);
    expect(raw[0]!.message.zh).toContain('IN-X');

    // The CLI says a replay is a replay.
    const cli = await runCli(
      { apiUrl: api.url, mailUrl: 'http://127.0.0.1:9', tokens: api.users.tokens },
      [
        'ledger',
        'income',
        pilotId,
        '--id',
        'IN-X',
        '--source',
        'examServiceFee',
        '--payer',
        '某培训评价组织',
        '--amount',
        '3000.00',
        '--date',
        today,
      ],
      { ONEX_ACTOR: 'zhang:pilotLead' },
    );
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toContain('已记账，未重复记账 / already booked, not booked again: IN-X');
    expect((await json<{ ledger: { balanceFen: number } }>(await api.as('zhang', `/api/pilots/${pilotId}`))).ledger.balanceFen).toBe(
      300_000,
    );
  });
});

describe('8. onBehalfOf only with a live delegation', () => {
  it('refuses onBehalfOf without a delegation on every approval route, and in the validators; a delegate may name the delegator', async () => {
    const pilotId = `obo-${suffix}`;
    await api.startPilot(pilotId, 'forestry', 'zhang', '林业学院', { schoolLeaderEmail: 'vp@college.test' });
    const lead = { id: 'zhang', role: 'pilotLead' as const };
    const base = `/api/pilots/${pilotId}/approvals`;

    const forged = await api.as('zhang', base, {
      method: 'POST',
      json: { kind: 'budget', subject: budgetPlan(pilotId), actor: { ...lead, onBehalfOf: 'dean' } },
    });
    expect(forged.status).toBe(403);
    expect((await json<ErrorBody>(forged)).error.results).toMatchObject([
      { ruleId: 'approval.onBehalfOf', field: 'actor.onBehalfOf', article: { article: 13 } },
    ]);
    // The raw submit Update is refused by the pilot's validator.
    const rawSubmit = await refusedRaw(
      api.client.workflow.getHandle(pilotWorkflowId(pilotId)).executeUpdate(submitForApproval, {
        args: [{ kind: 'budget', subject: budgetPlan(pilotId), actor: { ...lead, onBehalfOf: 'dean' } }],
      }),
    );
    expect(rawSubmit).toMatchObject([{ ruleId: 'approval.onBehalfOf', field: 'actor.onBehalfOf' }]);

    expect(
      (await api.as('zhang', base, { method: 'POST', json: { kind: 'budget', subject: budgetPlan(pilotId), actor: lead } })).status,
    ).toBe(201);
    const approval = await eventually(
      async () => {
        const r = await api.as('jwb', `${base}/budget-1`);
        return r.ok ? json<{ currentStep?: { id: string } }>(r) : undefined;
      },
      'approval started',
      30_000,
    );
    const stepId = approval.currentStep!.id;

    for (const [path, body] of [
      ['cc', { people: [{ email: 'x@college.test' }], actor: { ...lead, onBehalfOf: 'dean' } }],
      ['withdraw', { actor: { ...lead, onBehalfOf: 'dean' } }],
      ['decide', { stepId, outcome: 'approve', actor: { id: 'deputy', role: 'collegeLeader', college: 'forestry', onBehalfOf: 'dean' } }],
    ] as const) {
      const user = path === 'decide' ? 'deputy' : 'zhang';
      const r = await api.as(user, `${base}/budget-1/${path}`, { method: 'POST', json: body });
      expect(r.status, path).toBe(403);
      expect((await json<ErrorBody>(r)).error.results, path).toMatchObject([
        { ruleId: 'approval.onBehalfOf', field: 'actor.onBehalfOf', article: { article: 13 } },
      ]);
    }
    const child = api.client.workflow.getHandle(approvalWorkflowId(pilotWorkflowId(pilotId), 'budget', 1));
    const rawCc = await refusedRaw(
      child.executeUpdate(ccApproval, { args: [{ people: [{ email: 'x@college.test' }], actor: { ...lead, onBehalfOf: 'dean' } }] }),
    );
    expect(rawCc).toMatchObject([{ field: 'actor.onBehalfOf' }]);

    // With a delegation from dean, deputy decides on dean's behalf; the trail names both.
    // A delegation covers an absence: at most 90 days.
    const tooLong = await api.as('dean', `${base}/budget-1/delegate`, {
      method: 'POST',
      json: {
        stepId,
        delegate: { userId: 'deputy', email: 'deputy@college.test' },
        validUntil: '2099-12-31T00:00:00Z',
        actor: { id: 'dean', role: 'collegeLeader', college: 'forestry' },
      },
    });
    expect(tooLong.status).toBe(422);
    expect((await json<ErrorBody>(tooLong)).error.results).toMatchObject([{ field: 'validUntil' }]);
    const validUntil = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const delegated = await api.as('dean', `${base}/budget-1/delegate`, {
      method: 'POST',
      json: {
        stepId,
        delegate: { userId: 'deputy', email: 'deputy@college.test' },
        validUntil,
        actor: { id: 'dean', role: 'collegeLeader', college: 'forestry' },
      },
    });
    expect(delegated.status).toBe(200);
    const decided = await api.as('deputy', `${base}/budget-1/decide`, {
      method: 'POST',
      json: { stepId, outcome: 'approve', actor: { id: 'deputy', role: 'collegeLeader', college: 'forestry', onBehalfOf: 'dean' } },
    });
    expect(decided.status).toBe(200);
    const after = await json<{ decisions: { actor: { id: string; onBehalfOf?: string } }[] }>(await api.as('jwb', `${base}/budget-1`));
    expect(after.decisions.map((d) => [d.actor.id, d.actor.onBehalfOf])).toEqual([['deputy', 'dean']]);
    // Nothing in the pilot's audit trail names an onBehalfOf that no delegation backs.
    const audit = await json<{ audit: { actor?: { onBehalfOf?: string } }[] }>(await api.as('jwb', `/api/pilots/${pilotId}/audit`));
    expect(audit.audit.filter((a) => a.actor?.onBehalfOf)).toEqual([]);
  });
});

describe('9. dates inside the programme', () => {
  const start = (pilot: Record<string, unknown>) =>
    api.as('jwb', '/api/pilots', { method: 'POST', json: { pilot, actor: { id: 'jwb', role: 'academicAffairs' } } });

  it('refuses a pilot in 1900 and one longer than 6 years, naming the field and the reason', async () => {
    const old = await start(
      samplePilot({ id: `y1900-${suffix}`, startDate: '1900-01-01', endDate: '1900-12-31' }) as Record<string, unknown>,
    );
    expect(old.status).toBe(400);
    const oldBody = await json<ErrorBody>(old);
    expect(oldBody.error.results.map((r) => [r.field, r.ruleId])).toEqual([
      ['pilot.startDate', 'date.window'],
      ['pilot.endDate', 'date.window'],
    ]);
    expect(oldBody.error.results[0]!.message.zh).toContain('2019');
    const long = await start(
      samplePilot({ id: `long-${suffix}`, startDate: today, endDate: addDays(today, 7 * 366) }) as Record<string, unknown>,
    );
    expect(long.status).toBe(400);
    expect((await json<ErrorBody>(long)).error.results).toMatchObject([
      { field: 'pilot.endDate', ruleId: 'date.pilotLength', article: { article: 9, item: 4 } },
    ]);
  });

  it("refuses incomes dated 0000-01-01 or 9999-12-31, and entries outside the pilot's period (± 90 days)", async () => {
    const pilotId = `dates-${suffix}`;
    await api.startPilot(pilotId, 'forestry', 'zhang');
    const income = (id: string, date: string) => ({
      id,
      date,
      source: 'specialFundAllocation',
      payer: '省教育厅',
      amountFen: 100,
      actor: { id: 'jwb', role: 'academicAffairs' },
    });
    const post = (body: unknown) => api.as('jwb', `/api/pilots/${pilotId}/incomes`, { method: 'POST', json: body });
    for (const date of ['0000-01-01', '9999-12-31', '1900-12-31']) {
      const r = await post(income(`in-${date}`, date));
      expect(r.status, date).toBe(400);
      expect((await json<ErrorBody>(r)).error.results, date).toMatchObject([{ field: 'date', ruleId: 'date.window' }]);
    }
    const early = await post(income('in-early', addDays(today, -91)));
    expect(early.status).toBe(422);
    const earlyBody = await json<ErrorBody>(early);
    expect(earlyBody.error.results).toMatchObject([{ field: 'date', ruleId: 'date.outsidePilot', article: { article: 5 } }]);
    expect(earlyBody.error.results[0]!.message.en).toContain('90 days');
    expect((await post(income('in-margin', addDays(today, -90)))).status).toBe(200);
    const inspection = await api.as('jwb', `/api/pilots/${pilotId}/inspections`, {
      method: 'POST',
      json: {
        id: 'insp-far',
        inspectedOn: addDays(today, 400 + 91),
        inspector: { id: 'jwb', role: 'academicAffairs' },
        progress: { result: 'satisfactory', notes: '正常' },
        funds: { result: 'satisfactory', notes: '到位' },
        problems: { result: 'satisfactory', notes: '无', measures: '继续' },
      },
    });
    expect(inspection.status).toBe(422);
    expect((await json<ErrorBody>(inspection)).error.results).toMatchObject([
      { field: 'inspectedOn', ruleId: 'date.outsidePilot', article: { article: 18 } },
    ]);
  });
});

describe('12. worker stopped → a fast, honest 503', () => {
  it('answers 503 within 12 s naming the cause on the inbox, a pilot page and an action; /readyz says no worker polls', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onex-edge-'));
    try {
      const taskQueue = `edge-503-${suffix}`;
      const address = inject('temporalAddress');
      // A college of its own: on the layer's shared dev server, other files' pilots of another
      // college have no worker left, and the inbox (rightly) answers 503 when one cannot answer.
      const college = `down-${suffix}`;
      const users = await testUsers(dir, ['jwb:academicAffairs', `zhang:pilotLead:${college}`]);
      const worker = await startWorkerProcess({
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: 'default',
        ONEX_TASK_QUEUE: taskQueue,
        ONEX_SMTP_URL: 'smtp://127.0.0.1:9',
        ONEX_ADMIN_URL: 'http://127.0.0.1:8080',
      });
      const port = await freePort();
      const server = await startApiProcess(port, {
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: 'default',
        ONEX_TASK_QUEUE: taskQueue,
        ONEX_USERS_FILE: users.file,
        ONEX_SESSION_SECRET: users.auth.sessionSecret,
        ONEX_LINK_SECRET: users.auth.linkSecret,
        ONEX_WORKER_POLL_STALE_MS: '5000',
      });
      const as = (id: string, path: string, init: RequestInit & { json?: unknown } = {}) =>
        fetch(`${server.url}${path}`, {
          ...init,
          headers: {
            authorization: `Bearer ${users.tokens[id]}`,
            ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
        });
      const pilot = pilotRecordSchema.parse(
        samplePilot({
          id: `down-${suffix}`,
          college: { id: college, name: '停机测试学院' },
          startDate: today,
          endDate: addDays(today, 400),
          lead: { name: '张老师', email: 'zhang@college.test', userId: 'zhang' },
        }),
      );
      expect(
        (await as('jwb', '/api/pilots', { method: 'POST', json: { pilot, actor: { id: 'jwb', role: 'academicAffairs' } } })).status,
      ).toBe(201);
      await eventually(
        async () => {
          const r = await as('zhang', '/api/inbox');
          const b = await json<{ items: { pilotId: string }[] }>(r);
          return b.items.some((i) => i.pilotId === pilot.id) ? true : undefined;
        },
        "the pilot in the lead's inbox",
        60_000,
      );
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      // A closed pilot: Temporal answers a query of a closed workflow through a worker too (it
      // replays the history), so its page needs the worker as much as a running one's.
      const closed = pilotRecordSchema.parse(
        samplePilot({
          id: `closed-${suffix}`,
          college: { id: college, name: '停机测试学院' },
          startDate: today,
          endDate: addDays(today, 400),
          lead: { name: '张老师', email: 'zhang@college.test', userId: 'zhang' },
        }),
      );
      expect(
        (await as('jwb', '/api/pilots', { method: 'POST', json: { pilot: closed, actor: { id: 'jwb', role: 'academicAffairs' } } })).status,
      ).toBe(201);
      await eventually(
        async () => ((await as('zhang', `/api/pilots/${closed.id}`)).ok ? true : undefined),
        'the closed pilot answered once',
        30_000,
      );
      await api.client.workflow.getHandle(pilotWorkflowId(closed.id)).terminate('closed for the test');

      await worker.stop();
      const timed = async (path: string, init?: RequestInit & { json?: unknown }) => {
        const t0 = Date.now();
        const r = await as('zhang', path, init);
        return { status: r.status, ms: Date.now() - t0, body: await json<ErrorBody>(r) };
      };
      for (const [path, init] of [
        ['/api/inbox', undefined],
        [`/api/pilots/${pilot.id}`, undefined],
        [`/api/pilots/${closed.id}`, undefined],
        [
          `/api/pilots/${pilot.id}/incomes`,
          {
            method: 'POST',
            json: {
              id: 'in-down',
              date: today,
              source: 'examServiceFee',
              payer: '某培训评价组织',
              amountFen: 100,
              actor: { id: 'zhang', role: 'pilotLead' },
            },
          },
        ],
      ] as const) {
        const r = await timed(path, init);
        expect(r.status, path).toBe(503);
        expect(r.ms, path).toBeLessThanOrEqual(12_000);
        expect(r.body.error.results[0]!.message.zh, path).toContain('工作流服务暂时不可用');
        expect(r.body.error.results[0]!.message.en, path).toContain('the workflow service is unavailable');
        expect(r.body.error.results[0]!.ruleId, path).toMatch(/^service\.unavailable\.(timeout|noWorker)$/);
      }
      const ready = await eventually(
        async () => {
          const r = await fetch(`${server.url}/readyz`);
          return r.status === 503
            ? json<{ ok: boolean; temporal: string; workers: number; reason: { zh: string; en: string } }>(r)
            : undefined;
        },
        '/readyz 503 once no worker polls',
        30_000,
      );
      expect(ready).toMatchObject({ ok: false, temporal: 'reachable', workers: 0 });
      expect(ready.reason.en).toContain(`no worker has polled task queue ${taskQueue}`);
      await server.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
