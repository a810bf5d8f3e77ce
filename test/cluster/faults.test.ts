/**
 * Faults on the production topology: a real Temporal server on PostgreSQL
 * (scripts/temporal-cluster.ts), TWO worker processes sharing each task queue, the admin API,
 * a real SMTP sink that counts deliveries by Message-ID. Mirrors test/e2e/faults.test.ts,
 * where one worker runs on the dev server:
 *  - the Temporal server stopped and started again: every pilot is still listed (SQL
 *    visibility) with the same state, a pending report is still taken, and a reminder timer
 *    armed before the restart fires once afterwards (checked last: it fires a minute later);
 *  - one of the two workers SIGKILLed in the middle of an escalation: the other one, never
 *    restarted, finishes it, and every e-mail arrives exactly once;
 *  - PostgreSQL stopped and started again under the running server, workers and API: all of
 *    them recover without anyone touching them.
 * afterAll kills whatever is left, even after a failure.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationMessageId } from '../../activities/email';
import { PilotService } from '../../client/service';
import { pilotWorkflowId, type PilotRecord } from '../../domain/pilot';
import { startMailSink, type MailSink, type StoredMessageSummary } from '../../scripts/mail-sink';
import { postgresRunning, psql } from '../../scripts/temporal-cluster';
import { pilotStateQuery } from '../../workflows/messages';
import { pilotWorkflow } from '../../workflows/pilot';
import { pilotStartOptions } from '../../workflows/pilot-start';
import type { PilotState } from '../../workflows/pilot-state';
import { testUsers } from '../helpers/auth';
import { startTestCluster, type TestCluster } from '../helpers/cluster';
import { minuteBoundaryAfter, pastPilot, pilotRemindedAt, pilotRemindedNow, pilotWithPolicy } from '../helpers/due';
import { attributesOf, count, eventKinds, historyEvents } from '../helpers/history';
import { freePort } from '../../scripts/support/ports';
import { killAllOnexProcesses, startApiProcess, startWorkerProcess, type ApiProcess, type WorkerProcess } from '../helpers/processes';
import { eventually } from '../helpers/wait';
import { startTcpGate, type TcpGate } from '../helpers/tcp-gate';
import { byMessageId, logsWith, pendingRetry, withoutHistoryLength } from '../helpers/faults';

const suffix = Date.now().toString(36);
const taskQueue = `cluster-faults-${suffix}`;
const dir = mkdtempSync(join(tmpdir(), 'onex-cluster-faults-'));
const academicAffairs = { id: 'jwb', role: 'academicAffairs' as const };
const lead = { id: 'zhang', role: 'pilotLead' as const };

let cluster: TestCluster;
let sink: MailSink;
let gate: TcpGate;
let connection: Connection;
let client: Client;
let service: PilotService;
let workers: WorkerProcess[];
let workerEnv: Record<string, string>;
let api: ApiProcess;
let bearer: (id: string) => Record<string, string>;

beforeAll(async () => {
  cluster = await startTestCluster('cluster-faults');
  sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir: join(dir, 'mail'), warn: () => undefined });
  gate = await startTcpGate(Number(new URL(sink.smtpUrl).port));
  gate.close();
  connection = await Connection.connect({ address: cluster.address });
  client = new Client({ connection, namespace: 'default' });
  service = new PilotService(client, taskQueue);
  workerEnv = {
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_NAMESPACE: 'default',
    ONEX_TASK_QUEUE: taskQueue,
    ONEX_SMTP_URL: sink.smtpUrl,
    ONEX_ADMIN_URL: 'http://127.0.0.1:8080',
  };
  workers = [await startWorkerProcess(workerEnv), await startWorkerProcess(workerEnv)];
  const users = await testUsers(dir, ['jwb:academicAffairs', 'zhang:pilotLead:forestry']);
  bearer = (id) => ({ authorization: `Bearer ${users.tokens[id]}` });
  api = await startApiProcess(await freePort(), {
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_NAMESPACE: 'default',
    ONEX_TASK_QUEUE: taskQueue,
    ONEX_USERS_FILE: users.file,
    ONEX_SESSION_SECRET: users.auth.sessionSecret,
    ONEX_LINK_SECRET: users.auth.linkSecret,
  });
});

afterAll(async () => {
  const steps: (() => Promise<unknown>)[] = [
    killAllOnexProcesses,
    async () => gate.shutdown(),
    async () => sink.close(),
    async () => connection.close(),
    async () => cluster.remove(),
  ];
  for (const step of steps) await step().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const mailsTo = (address: string): Promise<StoredMessageSummary[]> => sink.list({ to: address });

async function allReady(ps: WorkerProcess[], timeoutMs: number): Promise<void> {
  for (const w of ps)
    await eventually(async () => ((await fetch(`${w.healthUrl}/readyz`)).ok ? true : undefined), `${w.healthUrl} ready`, timeoutMs);
}

describe('faults on Temporal + PostgreSQL with two workers', () => {
  // Set up by the server-restart test, checked at the end of the file (the timer fires a minute or so later).
  let timed: { pilot: PilotRecord; periodId: string; remindAt: number; leadEmail: string } | undefined;

  it('the Temporal server stopped and started: every pilot is listed with the same state, and a pending report is still taken', async () => {
    const now = Date.now();
    const leadEmail = `lead-timer-${suffix}@college.test`;
    const remindAt = minuteBoundaryAfter(now, 40_000);
    const found = pilotRemindedAt(`timer-${suffix}`, leadEmail, remindAt, now);
    if (found) {
      await service.startPilot({ pilot: found.pilot, actor: academicAffairs });
      timed = { pilot: found.pilot, periodId: found.period.id, remindAt, leadEmail };
    } else {
      console.warn(
        '[cluster faults] no report policy reminds a minute from now (a holiday of more than a week): the timer check is skipped',
      );
    }
    const waiting = pilotWithPolicy(
      `pending-${suffix}`,
      `lead-pending-${suffix}@college.test`,
      { weekday: 5, time: '17:00', reminderLeadHours: 0 },
      now,
    );
    await service.startPilot({ pilot: waiting, actor: academicAffairs });
    const ended = pastPilot(`ended-${suffix}`, `lead-ended-${suffix}@college.test`, 2);
    const endedHandle = await client.workflow.start(pilotWorkflow, {
      ...pilotStartOptions(ended.pilot),
      taskQueue,
      args: [{ pilot: ended.pilot, carried: ended.carried }],
    });
    expect(await endedHandle.result()).toMatchObject({ periods: 2, missed: 2 });

    const ids = [ended.pilot.id, waiting.id, ...(timed ? [timed.pilot.id] : [])];
    const listed = async () => {
      const items = await service.listPilots({ college: 'forestry', limit: '1000' });
      return Object.fromEntries(items.filter((p) => ids.includes(p.pilotId)).map((p) => [p.pilotId, p.status]));
    };
    const expectedStatuses = Object.fromEntries(ids.map((id) => [id, id === ended.pilot.id ? 'COMPLETED' : 'RUNNING']));
    const sorted = (o: Record<string, string>) => JSON.stringify(Object.entries(o).sort());
    await eventually(async () => (sorted(await listed()) === sorted(expectedStatuses) ? true : undefined), 'all pilots listed', 30_000);
    expect(await listed()).toEqual(expectedStatuses);
    const before = new Map<string, Omit<PilotState, 'historyLength'>>();
    for (const id of ids) before.set(id, withoutHistoryLength(await service.pilotState(id)));
    if (timed) expect(before.get(timed.pilot.id)!.periods).toMatchObject([{ id: timed.periodId, outcome: 'pending', reminded: false }]);

    const oldPid = cluster.server.process.pid;
    await cluster.stopServer();
    expect(cluster.server.process.exitCode !== null || cluster.server.process.signalCode !== null).toBe(true);
    await eventually(
      async () => ((await fetch(`${workers[0]!.healthUrl}/readyz`)).status === 503 ? true : undefined),
      'worker not ready while the server is down',
      30_000,
    );
    await cluster.startServer();
    expect(cluster.server.process.pid).not.toBe(oldPid);
    if (timed) expect(Date.now()).toBeLessThan(timed.remindAt); // the timer is still to fire

    // The same two worker processes rode out the outage.
    await allReady(workers, 90_000);
    expect(workers.map((w) => w.alive())).toEqual([true, true]);
    await eventually(
      async () => (sorted(await listed()) === sorted(expectedStatuses) ? true : undefined),
      'all pilots listed after the restart',
      60_000,
    );
    expect(await listed()).toEqual(expectedStatuses);
    for (const id of ids) expect(withoutHistoryLength(await service.pilotState(id))).toEqual(before.get(id));

    const periodId = before.get(waiting.id)!.periods[0]!.id;
    const result = await service.submitWeeklyReport(waiting.id, { periodId, content: '服务器重启后提交的周报', actor: lead });
    expect(result).toMatchObject({ periodId, outcome: 'onTime', consecutiveMisses: 0 });
    const endedWeekly = (await mailsTo(`lead-ended-${suffix}@college.test`)).filter((m) => m.subject.includes('周报'));
    expect(endedWeekly.map((m) => m.deliveries)).toEqual([1, 1]);
  });

  it('one of two workers SIGKILLed in the middle of an escalation: the other finishes it and every e-mail arrives once', async () => {
    // Its own task queue and two workers whose SMTP goes through the gate.
    const killQueue = `${taskQueue}-kill`;
    const killEnv = { ...workerEnv, ONEX_TASK_QUEUE: killQueue, ONEX_SMTP_URL: `smtp://127.0.0.1:${gate.port}` };
    const pair = [await startWorkerProcess(killEnv), await startWorkerProcess(killEnv)];
    const leadEmail = `lead-kill-${suffix}@college.test`;
    // Four weekly periods, all past due: each a miss — level 1 (lead), 2 (+ college leader),
    // 3 (+ Academic Affairs, escalated), 3 again.
    const { pilot, periods, carried } = pastPilot(`kill-${suffix}`, leadEmail, 4);
    const workflowId = pilotWorkflowId(pilot.id);
    const keys = periods.map((p) => `weekly:${p.id}:missed`);

    gate.allow(2); // the first two misses reach the sink; the escalation mail is refused
    const handle = await client.workflow.start(pilotWorkflow, {
      ...pilotStartOptions(pilot),
      taskQueue: killQueue,
      args: [{ pilot, carried }],
    });
    await eventually(async () => ((await mailsTo(leadEmail)).length === 2 ? true : undefined), 'two misses mailed', 60_000);
    const retry = await pendingRetry(handle, 2);
    expect(retry.lastFailure).toContain(`(weeklyMissed ${keys[2]})`);
    // Kill the worker that ran the failed escalation attempt (identity `<pid>@<host>`).
    const victim = pair.find((w) => retry.lastWorker.startsWith(`${w.child.pid}@`));
    expect(victim, `last worker ${retry.lastWorker}`).toBeDefined();
    const survivor = pair.find((w) => w !== victim)!;
    await victim!.kill();
    expect(await victim!.exited).toEqual({ code: null, signal: 'SIGKILL' });
    gate.open();

    const outcome = await handle.result();
    expect(outcome).toMatchObject({ periods: 4, onTime: 0, late: 0, missed: 4, escalated: true, runs: 1 });
    expect(survivor.alive()).toBe(true);

    const team = ['dean@college.test', 'jwb@college.test'];
    const expected = keys.map(
      (key, i) => [notificationMessageId(workflowId, key), 1, [leadEmail, ...team.slice(0, Math.min(i, 2))]] as const,
    );
    const weekly = (await mailsTo(leadEmail)).filter((m) => m.subject.includes('周报') || m.subject.includes('升级督办'));
    expect(byMessageId(weekly)).toEqual([...expected].sort((a, b) => a[0].localeCompare(b[0])));
    expect((await sink.list({ messageId: expected[2]![0] }))[0]!.subject).toContain('升级督办');

    const state = await handle.query(pilotStateQuery);
    expect(state).toMatchObject({ escalated: true, escalationLevel: 3, consecutiveMisses: 4, status: 'completed' });
    expect(state.emails.filter((e) => e.kind !== 'pilotNotice').map((e) => e.messageId)).toEqual(expected.map((e) => e[0]));

    const kinds = await eventKinds(handle);
    expect(count(kinds, 'workflowTaskFailed')).toBe(0);
    expect(count(kinds, 'activityTaskScheduled')).toBe(5); // four weekly mails and the completion notice
    expect(count(kinds, 'activityTaskCompleted')).toBe(5);
    const attempts = attributesOf<{ attempt?: number }>(await historyEvents(handle), 'activityTaskStarted').map((a) => a.attempt);
    expect(attempts[2]).toBeGreaterThanOrEqual(2);

    // The escalation and the next mail were sent by the survivor, once each. (Deliveries are
    // counted above by Message-ID; the killed process's last log lines may die unflushed
    // with it, so its log is not counted on for the first two.)
    await eventually(
      async () => (logsWith(survivor, 'notification sent', keys[3]!) > 0 ? true : undefined),
      'the log line reached us',
      10_000,
    );
    expect(logsWith(victim!, 'notification sent', keys[2]!)).toBe(0);
    expect(logsWith(survivor, 'notification sent', keys[2]!)).toBe(1);
    expect(logsWith(survivor, 'notification sent', keys[3]!)).toBe(1);
    await survivor.stop();
  });

  it('PostgreSQL stopped and started under the running server, workers and API: all recover without a hand on them', async () => {
    const serverPid = cluster.server.process.pid;
    const apiList = () => fetch(`${api.url}/api/pilots?college=forestry&limit=1000`, { headers: bearer('jwb') });
    expect((await apiList()).status).toBe(200);

    await cluster.stopPostgres();
    // PostgreSQL is really gone for a while; the server process stays up meanwhile.
    expect(await postgresRunning(cluster.postgres)).toBe(false);
    await expect(psql(cluster.postgres, 'select 1')).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 5_000));
    expect(cluster.server.process.exitCode).toBeNull();
    await cluster.startPostgres();

    // Nobody restarts anything: the same server process, the same workers and API.
    expect(cluster.server.process.pid).toBe(serverPid);
    expect(cluster.server.process.exitCode).toBeNull();
    await allReady(workers, 90_000);
    expect(workers.map((w) => w.alive())).toEqual([true, true]);
    expect(api.alive()).toBe(true);
    await eventually(async () => ((await fetch(`${api.url}/readyz`)).ok ? true : undefined), 'API ready', 60_000);

    // New work goes through end to end: a pilot started through the API, its reminder mailed once.
    const leadEmail = `lead-pg-${suffix}@college.test`;
    const { pilot, period } = pilotRemindedNow(`pg-${suffix}`, leadEmail);
    const created = await eventually(
      async () => {
        const r = await fetch(`${api.url}/api/pilots`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer('jwb') },
          body: JSON.stringify({ pilot, actor: academicAffairs }),
        });
        return r.status === 201 ? r.status : undefined;
      },
      'a pilot started through the API after the restart',
      60_000,
    );
    expect(created).toBe(201);
    const expectedId = notificationMessageId(pilotWorkflowId(pilot.id), `weekly:${period.id}:reminder`);
    await eventually(async () => ((await mailsTo(leadEmail)).length > 0 ? true : undefined), 'the reminder', 60_000);
    const handle = client.workflow.getHandle(pilotWorkflowId(pilot.id));
    await eventually(
      async () => ((await handle.query(pilotStateQuery)).periods[0]?.reminded ? true : undefined),
      'reminder recorded',
      30_000,
    );
    expect(byMessageId(await mailsTo(leadEmail))).toEqual([[expectedId, 1, [leadEmail]]]);
    // Old and new pilots are listed through the API (SQL visibility again answering).
    const ids = await eventually(
      async () => {
        const body = (await (await apiList()).json()) as { pilots: { pilotId: string }[] };
        const got = body.pilots.map((p) => p.pilotId);
        return got.includes(pilot.id) ? got : undefined;
      },
      'the new pilot listed',
      30_000,
    );
    expect(ids).toEqual(expect.arrayContaining([`pending-${suffix}`, `ended-${suffix}`, pilot.id]));
  });

  it('the reminder timer armed before the server restart fires, once', async (ctx) => {
    if (!timed) return ctx.skip();
    const t = timed;
    const expectedId = notificationMessageId(pilotWorkflowId(t.pilot.id), `weekly:${t.periodId}:reminder`);
    await eventually(
      async () => ((await mailsTo(t.leadEmail)).length > 0 ? true : undefined),
      'the reminder',
      Math.max(0, t.remindAt - Date.now()) + 60_000,
    );
    const handle = client.workflow.getHandle(pilotWorkflowId(t.pilot.id));
    await eventually(
      async () => ((await handle.query(pilotStateQuery)).periods[0]?.reminded ? true : undefined),
      'reminder recorded',
      30_000,
    );
    const mails = await mailsTo(t.leadEmail);
    expect(byMessageId(mails)).toEqual([[expectedId, 1, [t.leadEmail]]]);
    expect(Date.parse(mails[0]!.receivedAt)).toBeGreaterThanOrEqual(t.remindAt);
  });
});
