/**
 * `npm run stack:cluster` as a person runs it, on a private data folder and free ports: a
 * Temporal server on PostgreSQL with SQL visibility, two workers, the admin API and the mail
 * sink. The pilot lifecycle through the CLI and real HTTP — pilots started, a weekly report,
 * missed weeks mailed, a change request approved along its chain, pilots listed by college
 * (answered from PostgreSQL's visibility tables) — then Ctrl-C stops every process in order,
 * and a second start on the same folder finds everything again.
 */
import { Client, Connection } from '@temporalio/client';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { pilotWorkflowId } from '../../domain/pilot';
import type { StoredMessageSummary } from '../../scripts/mail-sink';
import { loadTemporalSettings, postgresRunning, psql, serverPorts, SERVER_PORT_COUNT } from '../../scripts/temporal-cluster';
import { pilotStartOptions } from '../../workflows/pilot-start';
import { pilotWorkflow } from '../../workflows/pilot';
import type { PilotState } from '../../workflows/pilot-state';
import { testUsers, type TestUsers } from '../helpers/auth';
import { freePortBlock, portFree } from '../helpers/cluster';
import { pastPilot } from '../helpers/due';
import { freePorts } from '../../scripts/support/ports';
import { groupAlive, runCli, startNpmStack, type CliTarget, type RunningStack } from '../helpers/stack';
import { eventually } from '../helpers/wait';

const suffix = Date.now().toString(36);
const dir = mkdtempSync(join(tmpdir(), 'onex-cluster-stack-'));
chmodSync(dir, 0o755); // PostgreSQL (its own user) keeps its cluster inside
const dataDir = join(dir, 'data');
const READY = 'the onex cluster stack is up';
const AA = 'jwb:academicAffairs';
const LEAD = 'zhang:pilotLead:forestry';
const DEAN = 'dean:collegeLeader:forestry';
const [p1, p2] = [`cl-a-${suffix}`, `cl-b-${suffix}`];
const leadEmail = `lead-${suffix}@college.test`;

let env: Record<string, string>;
let pg: { dir: string; port: number };
let users: TestUsers;
let stack: RunningStack | undefined;
let target: CliTarget;

beforeAll(async () => {
  const [api, mailHttp, smtp, pgPort] = (await freePorts(4)) as [number, number, number, number];
  const base = await freePortBlock(SERVER_PORT_COUNT);
  users = await testUsers(dir, ['jwb:academicAffairs', 'zhang:pilotLead:forestry', 'dean:collegeLeader:forestry']);
  pg = { dir: join(dataDir, 'temporal', 'pg'), port: pgPort };
  env = {
    ONEX_DATA_DIR: dataDir,
    ONEX_CLUSTER_PG_PORT: String(pgPort),
    ONEX_CLUSTER_TEMPORAL_PORT: String(base),
    ONEX_SMTP_PORT: String(smtp),
    ONEX_MAILSINK_HTTP_PORT: String(mailHttp),
    ONEX_API_PORT: String(api),
    ONEX_USERS_FILE: users.file,
    ONEX_SESSION_SECRET: users.auth.sessionSecret,
    ONEX_LINK_SECRET: users.auth.linkSecret,
  };
  const t0 = Date.now();
  stack = await startNpmStack('stack:cluster', env, READY, 240_000);
  console.log(`[cluster stack] up in ${Date.now() - t0} ms`);
  target = { apiUrl: stack.apiUrl, mailUrl: stack.mailUrl, tokens: users.tokens };
});

afterAll(async () => {
  if (stack && groupAlive(stack.process.pid!)) await stack.interrupt().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], actor: string) {
  const r = await runCli(target, args, { ONEX_ACTOR: actor });
  return { ...r, json: () => JSON.parse(r.stdout) as unknown };
}

async function mails(to: string): Promise<StoredMessageSummary[]> {
  return (await (await fetch(`${target.mailUrl}/api/messages?to=${encodeURIComponent(to)}`)).json()) as StoredMessageSummary[];
}

async function listed(college: string): Promise<string[]> {
  const r = await cli(['--json', 'pilot', 'list', '--college', college], AA);
  expect(r.stderr).toBe('');
  return (r.json() as { pilotId: string }[]).map((p) => p.pilotId).sort();
}

function startPilotArgs(id: string, college: string, collegeName: string): string[] {
  const today = shanghaiDate(Date.now());
  return [
    'pilot',
    'start',
    '--id',
    id,
    '--college-id',
    college,
    '--college-name',
    collegeName,
    '--major',
    '园林技术',
    '--certificate',
    '花卉园艺',
    '--org',
    '某评价组织',
    '--level',
    'intermediate',
    '--lead-name',
    '张老师',
    '--lead-email',
    leadEmail,
    '--lead-user',
    'zhang',
    '--college-leader-email',
    'dean@college.test',
    '--academic-affairs-email',
    'jwb@college.test',
    '--school-leader-email',
    'vp@college.test',
    '--start',
    today,
    '--end',
    addDays(today, 400),
  ];
}

describe('npm run stack:cluster', () => {
  let missed: ReturnType<typeof pastPilot>;

  it('prints every URL and runs Temporal on PostgreSQL with two workers', async () => {
    const out = stack!.output();
    const address = `127.0.0.1:${env.ONEX_CLUSTER_TEMPORAL_PORT}`;
    for (const url of [
      stack!.apiUrl,
      `${stack!.apiUrl}/openapi.json`,
      stack!.mailUrl,
      `smtp://127.0.0.1:${env.ONEX_SMTP_PORT}`,
      address,
      `http://127.0.0.1:${serverPorts(Number(env.ONEX_CLUSTER_TEMPORAL_PORT)).http}`,
    ]) {
      expect(out).toContain(url);
    }
    expect(out).toContain('worker-1, worker-2');
    expect(out).toContain(`server ${loadTemporalSettings().serverVersion}`);
    expect(await postgresRunning(pg)).toBe(true);
    // The server's own answer: its version, and a visibility store on SQL.
    const connection = await Connection.connect({ address });
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBe(loadTemporalSettings().serverVersion);
      const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(ns.namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
    // Both workers poll the task queue.
    const client = new Client({ connection: await Connection.connect({ address }) });
    try {
      const pollers = await eventually(
        async () => {
          const r = await client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: 'onex' }, taskQueueType: 1 });
          const ids = new Set((r.pollers ?? []).map((p) => p.identity));
          return ids.size >= 2 ? [...ids] : undefined;
        },
        'two workflow pollers',
        60_000,
      );
      expect(pollers).toHaveLength(2);
    } finally {
      await client.connection.close();
    }
  });

  it('runs the lifecycle: pilots started, a report, missed weeks mailed, an approval, a list by college from SQL visibility', async () => {
    expect((await cli(startPilotArgs(p1, 'forestry', '林业学院'), AA)).code).toBe(0);
    expect(await cli(startPilotArgs(p2, 'engineering', '信息工程学院'), AA)).toMatchObject({ code: 0 });

    // A weekly report, on time.
    const state = (await cli(['--json', 'pilot', 'show', p1], AA)).json() as PilotState;
    const periodId = state.periods[0]!.id;
    const submitted = await cli(['--json', 'report', 'submit', p1, '--period', periodId, '--content', '本周完成实训室建设。'], LEAD);
    expect(submitted.stderr).toBe('');
    expect(submitted.json()).toMatchObject({ periodId, outcome: 'onTime', consecutiveMisses: 0 });

    // Missed weeks: a pilot whose weeks are all past catches up at once on the cluster's workers.
    missed = pastPilot(`cl-miss-${suffix}`, `lead-miss-${suffix}@college.test`, 2);
    const connection = await Connection.connect({ address: `127.0.0.1:${env.ONEX_CLUSTER_TEMPORAL_PORT}` });
    try {
      const handle = await new Client({ connection }).workflow.start(pilotWorkflow, {
        ...pilotStartOptions(missed.pilot),
        taskQueue: 'onex',
        args: [{ pilot: missed.pilot, carried: missed.carried }],
      });
      expect(await handle.result()).toMatchObject({ periods: 2, missed: 2 });
    } finally {
      await connection.close();
    }
    const missMails = await eventually(
      async () => {
        const m = (await mails(`lead-miss-${suffix}@college.test`)).filter((x) => x.subject.includes('周报'));
        return m.length >= 2 ? m : undefined;
      },
      'two missed-report mails',
      30_000,
    );
    expect(missMails.map((m) => m.deliveries)).toEqual([1, 1]);
    expect(missMails.map((m) => m.subject).join('\n')).toContain(missed.periods[0]!.id);

    // An approval: a lead change, college then Academic Affairs, then filed.
    const today = shanghaiDate(Date.now());
    const changeFile = join(dir, 'change.json');
    writeFileSync(
      changeFile,
      JSON.stringify({
        id: 'CR-1',
        changes: { lead: { name: '王老师', email: 'wang@college.test', userId: 'wang' } },
        reason: '张老师调任',
      }),
    );
    expect((await cli(['approval', 'submit', p1, '--kind', 'changeRequest', '--file', changeFile], LEAD)).code).toBe(0);
    const show = () =>
      eventually(
        async () => {
          const r = await cli(['--json', 'approval', 'show', p1, 'changeRequest-1'], AA);
          return r.code === 0 ? (r.json() as { status: string; currentStep?: { id: string } }) : undefined;
        },
        'the approval',
        30_000,
      );
    expect((await show()).currentStep?.id).toBe('college');
    expect((await cli(['approval', 'decide', p1, 'changeRequest-1', '--step', 'college', '--outcome', 'approve'], DEAN)).code).toBe(0);
    expect((await cli(['approval', 'decide', p1, 'changeRequest-1', '--step', 'academicAffairs', '--outcome', 'approve'], AA)).code).toBe(
      0,
    );
    expect((await show()).status).toBe('awaitingFiling');
    expect(
      (await cli(['approval', 'filing', p1, 'changeRequest-1', '--filed-on', today, '--reference', '粤教职函〔2026〕99号'], AA)).code,
    ).toBe(0);
    expect(await show()).toMatchObject({ status: 'approved' });
    const lead = await eventually(
      async () => {
        const s = (await cli(['--json', 'pilot', 'show', p1], AA)).json() as PilotState;
        return s.current.lead.email === 'wang@college.test' ? s.current.lead : undefined;
      },
      'the lead changed',
      30_000,
    );
    expect(lead).toEqual({ name: '王老师', email: 'wang@college.test', userId: 'wang' });
    const audit = ((await cli(['--json', 'audit', p1], AA)).json() as { action: string }[]).map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['approval.submit', 'change.applied']));

    // Lists by college, through the server's SQL visibility store.
    await eventually(async () => ((await listed('forestry')).length === 2 ? true : undefined), 'forestry pilots listed', 30_000);
    expect(await listed('forestry')).toEqual([p1, missed.pilot.id].sort());
    expect(await listed('engineering')).toEqual([p2]);
    // …and the rows are PostgreSQL's: the visibility table holds them with their college.
    const rows = await psql(
      pg,
      `select workflow_id, search_attributes::text like '%"forestry"%' from executions_visibility where workflow_id in ('${pilotWorkflowId(p1)}', '${pilotWorkflowId(p2)}', '${pilotWorkflowId(missed.pilot.id)}') order by workflow_id`,
      loadTemporalSettings().persistence.visibilityDatabase,
    );
    expect(rows.split('\n').sort()).toEqual(
      [`${pilotWorkflowId(p1)}|t`, `${pilotWorkflowId(p2)}|f`, `${pilotWorkflowId(missed.pilot.id)}|t`].sort(),
    );
  });

  it('Ctrl-C stops the API, both workers, the sink, the server and PostgreSQL, in that order; a second start finds everything', async () => {
    const first = stack!;
    const exit = await first.interrupt();
    // npm itself dies of the SIGINT (as in a terminal); the stack below it stops in order.
    expect(exit.code === 0 || exit.signal === 'SIGINT').toBe(true);
    await eventually(async () => (groupAlive(first.process.pid!) ? undefined : true), 'every stack process gone', 15_000);
    const out = first.output();
    const order = [
      'api stopped',
      'worker-2 stopped',
      'worker-1 stopped',
      'temporal-server stopped',
      'PostgreSQL stopped',
      '[stack] stopped / 已停止',
    ].map((s) => out.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The server runs in a process group of its own (so it outlives the workers): it is gone too.
    expect(await portFree(Number(env.ONEX_CLUSTER_TEMPORAL_PORT))).toBe(true);
    expect(await postgresRunning(pg)).toBe(false);
    // Both workers drained and stopped on their own, neither was killed after the grace period.
    expect(out).not.toMatch(/did not stop within/);
    expect(out).not.toContain('worker failed');

    // Same folder again: the set-up steps are no-ops and the pilots are where they were.
    stack = await startNpmStack('stack:cluster', env, READY, 240_000);
    target = { ...target, apiUrl: stack.apiUrl };
    expect(await listed('forestry')).toEqual([p1, missed.pilot.id].sort());
    const s1 = (await cli(['--json', 'pilot', 'show', p1], AA)).json() as PilotState;
    expect(s1.periods[0]).toMatchObject({ outcome: 'onTime' });
    const second = await stack.interrupt();
    expect(second.code === 0 || second.signal === 'SIGINT').toBe(true);
    expect(stack.output()).toContain('PostgreSQL stopped');
    expect(await postgresRunning(pg)).toBe(false);
  });
});
