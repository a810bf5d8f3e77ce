/**
 * Faults, with real processes on loopback (issue 7): the Temporal dev server stopped and
 * restarted on its SQLite file, a worker SIGKILLed in the middle of an escalation, the SMTP
 * sink down for a while, the admin API killed in the middle of a request, and the worker's
 * graceful stop on SIGTERM. E-mails are counted by Message-ID in the real sink.
 *
 * This file runs its own dev server (on a temporary SQLite file, so a restart keeps state),
 * its own mail sink, worker and API child processes. The tests run in order and share them
 * (the timer armed before the server restart is checked near the end, so the minute it
 * takes to fire is spent on the other tests); afterAll kills whatever is left, even after
 * a failure. The SIGKILL test has its own task queue, workers and a TCP gate in front of the
 * sink (test/helpers/tcp-gate.ts) that lets exactly two SMTP connections through.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationMessageId } from '../../activities/email';
import { boundIdempotencyKey, idempotencyScope } from '../../client/auth/plugin';
import { PilotService } from '../../client/service';
import { pilotWorkflowId, type PilotRecord } from '../../domain/pilot';
import { startMailSink, type MailSink, type StoredMessageSummary } from '../../scripts/mail-sink';
import { startTemporalDevServer, type DevServer } from '../../scripts/temporal-dev-server';
import { pilotStateQuery } from '../../workflows/messages';
import { pilotWorkflow } from '../../workflows/pilot';
import type { PilotState } from '../../workflows/pilot-state';
import { OnexCollege, OnexEscalated, OnexKind, OnexStage } from '../../workflows/search-attributes';
import { minuteBoundaryAfter, pastPilot, pilotRemindedAt, pilotRemindedNow, pilotWithPolicy } from '../helpers/due';
import { attributesOf, count, eventKinds, historyEvents } from '../helpers/history';
import { killAllOnexProcesses, startApiProcess, startWorkerProcess, type ApiProcess, type WorkerProcess } from '../helpers/processes';
import { freePort, freePorts } from '../../scripts/support/ports';
import { eventually } from '../helpers/wait';
import { testUsers } from '../helpers/auth';
import { startTcpGate, type TcpGate } from '../helpers/tcp-gate';
import { byMessageId, logsWith, pendingRetry, withoutHistoryLength } from '../helpers/faults';

const suffix = Date.now().toString(36);
const taskQueue = `faults-${suffix}`;
const dir = mkdtempSync(join(tmpdir(), 'onex-faults-'));
const dbFile = join(dir, 'temporal.sqlite');
const mailDir = join(dir, 'mail');
const academicAffairs = { id: 'jwb', role: 'academicAffairs' as const };
const lead = { id: 'zhang', role: 'pilotLead' as const };

let ports: { temporal: number; http: number; metrics: number };
let server: DevServer;
let sink: MailSink;
let smtpPort: number;
let gate: TcpGate;
let connection: Connection;
let client: Client;
let service: PilotService;
let worker: WorkerProcess;
let workerEnv: Record<string, string>;

function startServer(): Promise<DevServer> {
  return startTemporalDevServer({ port: ports.temporal, httpPort: ports.http, metricsPort: ports.metrics, dbFile, startTimeoutMs: 90_000 });
}

beforeAll(async () => {
  const [temporal, http, metrics] = (await freePorts(3)) as [number, number, number];
  ports = { temporal, http, metrics };
  server = await startServer();
  sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir: mailDir, warn: () => undefined });
  smtpPort = Number(new URL(sink.smtpUrl).port);
  gate = await startTcpGate(smtpPort);
  gate.close();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: 'default' });
  service = new PilotService(client, taskQueue);
  workerEnv = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: 'default',
    ONEX_TASK_QUEUE: taskQueue,
    ONEX_SMTP_URL: sink.smtpUrl,
    ONEX_ADMIN_URL: 'http://127.0.0.1:8080',
  };
  worker = await startWorkerProcess(workerEnv);
});

afterAll(async () => {
  const steps: (() => Promise<unknown>)[] = [
    killAllOnexProcesses,
    () => gate.shutdown(),
    () => sink.close(),
    () => connection.close(),
    () => server.stop(),
  ];
  for (const step of steps) await step().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** The same search attributes the admin API sets on a pilot it starts. */
function searchAttributes(pilot: PilotRecord) {
  return [
    { key: OnexKind, value: 'pilot' },
    { key: OnexCollege, value: pilot.college.id },
    { key: OnexStage, value: 'implementation' },
    { key: OnexEscalated, value: false },
  ];
}

async function mailsTo(address: string): Promise<StoredMessageSummary[]> {
  return sink.list({ to: address });
}

describe('faults (real processes on loopback)', () => {
  // Set up by the server-restart test, checked at the end of the file (the timer fires a minute or so later).
  let timed: { pilot: PilotRecord; periodId: string; remindAt: number; leadEmail: string } | undefined;

  it('stop and restart of the dev server on its SQLite file: every pilot, timer and pending report survives', async () => {
    const now = Date.now();
    const leadEmail = `lead-timer-${suffix}@college.test`;
    // A pilot whose first reminder timer fires 25–85 s from now: after the restart.
    const remindAt = minuteBoundaryAfter(now, 25_000);
    const found = pilotRemindedAt(`timer-${suffix}`, leadEmail, remindAt, now);
    if (found) {
      await service.startPilot({ pilot: found.pilot, actor: academicAffairs });
      timed = { pilot: found.pilot, periodId: found.period.id, remindAt, leadEmail };
    } else {
      console.warn('[faults] no report policy reminds a minute from now (a holiday of more than a week): the timer check is skipped');
    }
    // A pilot waiting for its first report (the pending approval).
    const waiting = pilotWithPolicy(
      `pending-${suffix}`,
      `lead-pending-${suffix}@college.test`,
      { weekday: 5, time: '17:00', reminderLeadHours: 0 },
      now,
    );
    await service.startPilot({ pilot: waiting, actor: academicAffairs });
    // A pilot that has ended (two past periods, both missed and mailed).
    const ended = pastPilot(`ended-${suffix}`, `lead-ended-${suffix}@college.test`, 2);
    const endedHandle = await client.workflow.start(pilotWorkflow, {
      taskQueue,
      workflowId: pilotWorkflowId(ended.pilot.id),
      args: [{ pilot: ended.pilot, carried: ended.carried }],
      typedSearchAttributes: searchAttributes(ended.pilot),
    });
    expect(await endedHandle.result()).toMatchObject({ periods: 2, missed: 2 });

    const ids = [ended.pilot.id, waiting.id, ...(timed ? [timed.pilot.id] : [])];
    const listed = async () => {
      const items = await service.listPilots({ limit: '1000' });
      return Object.fromEntries(items.filter((p) => ids.includes(p.pilotId)).map((p) => [p.pilotId, p.status]));
    };
    const expectedStatuses = Object.fromEntries(ids.map((id) => [id, id === ended.pilot.id ? 'COMPLETED' : 'RUNNING']));
    await eventually(async () => (Object.keys(await listed()).length === ids.length ? true : undefined), 'all pilots listed', 30_000);
    expect(await listed()).toEqual(expectedStatuses);
    const before = new Map<string, Omit<PilotState, 'historyLength'>>();
    for (const id of ids) before.set(id, withoutHistoryLength(await service.pilotState(id)));
    if (timed) expect(before.get(timed.pilot.id)!.periods).toMatchObject([{ id: timed.periodId, outcome: 'pending', reminded: false }]);

    await server.stop();
    await eventually(
      async () => ((await fetch(`${worker.healthUrl}/readyz`)).status === 503 ? true : undefined),
      'worker not ready while the server is down',
      30_000,
    );
    server = await startServer();
    if (timed) expect(Date.now()).toBeLessThan(timed.remindAt); // the timer is still to fire

    // The same worker process rode out the outage and is ready again.
    await eventually(async () => ((await fetch(`${worker.healthUrl}/readyz`)).ok ? true : undefined), 'worker ready again', 60_000);
    expect(worker.alive()).toBe(true);
    await eventually(
      async () => (Object.keys(await listed()).length === ids.length ? true : undefined),
      'all pilots listed after the restart',
      30_000,
    );
    expect(await listed()).toEqual(expectedStatuses);
    for (const id of ids) expect(withoutHistoryLength(await service.pilotState(id))).toEqual(before.get(id));

    // The pending report period still takes its report.
    const periodId = before.get(waiting.id)!.periods[0]!.id;
    const result = await service.submitWeeklyReport(waiting.id, { periodId, content: '服务器重启后提交的周报', actor: lead });
    expect(result).toMatchObject({ periodId, outcome: 'onTime', consecutiveMisses: 0 });
    expect((await service.pilotState(waiting.id)).periods[0]).toMatchObject({ id: periodId, outcome: 'onTime', by: lead });
    // The ended pilot's two misses were mailed once each, before the restart and never again.
    const endedWeekly = (await mailsTo(`lead-ended-${suffix}@college.test`)).filter((m) => m.subject.includes('周报'));
    expect(endedWeekly.map((m) => m.deliveries)).toEqual([1, 1]);
  });

  it('SIGKILL of the worker in the middle of an escalation: after a restart it completes and every e-mail arrives once', async () => {
    // Its own task queue, so only these workers run it; their SMTP goes through the gate.
    const killQueue = `${taskQueue}-kill`;
    const killEnv = { ...workerEnv, ONEX_TASK_QUEUE: killQueue, ONEX_SMTP_URL: `smtp://127.0.0.1:${gate.port}` };
    const w1 = await startWorkerProcess(killEnv);
    const leadEmail = `lead-kill-${suffix}@college.test`;
    // Four weekly periods, all past due: the workflow catches up at once, each a miss —
    // level 1 (lead), 2 (+ college leader), 3 (+ Academic Affairs, escalated), 3 again.
    const { pilot, periods, carried } = pastPilot(`kill-${suffix}`, leadEmail, 4);
    const workflowId = pilotWorkflowId(pilot.id);
    const keys = periods.map((p) => `weekly:${p.id}:missed`);

    gate.allow(2); // the first two misses reach the sink; the escalation mail is refused
    const handle = await client.workflow.start(pilotWorkflow, {
      taskQueue: killQueue,
      workflowId,
      args: [{ pilot, carried }],
      typedSearchAttributes: searchAttributes(pilot),
    });
    await eventually(async () => ((await mailsTo(leadEmail)).length === 2 ? true : undefined), 'two misses mailed', 30_000);
    const retry = await pendingRetry(handle, 2);
    expect(retry.lastFailure).toContain(`(weeklyMissed ${keys[2]})`);
    expect(retry.nextAttemptAt).toBeGreaterThan(Date.now() + 1_000); // no attempt in flight: it waits for its retry

    await w1.kill();
    expect(await w1.exited).toEqual({ code: null, signal: 'SIGKILL' });
    gate.open();
    const w2 = await startWorkerProcess(killEnv);

    const outcome = await handle.result();
    expect(outcome).toMatchObject({ periods: 4, onTime: 0, late: 0, missed: 4, escalated: true, runs: 1 });

    const team = ['dean@college.test', 'jwb@college.test'];
    const expected = keys.map(
      (key, i) => [notificationMessageId(workflowId, key), 1, [leadEmail, ...team.slice(0, Math.min(i, 2))]] as const,
    );
    // The weekly mails (the pilot also sends its completion notice at the end).
    const weekly = (await mailsTo(leadEmail)).filter((m) => m.subject.includes('周报') || m.subject.includes('升级督办'));
    expect(byMessageId(weekly)).toEqual([...expected].sort((a, b) => a[0].localeCompare(b[0])));
    const escalation = (await sink.list({ messageId: expected[2]![0] }))[0]!;
    expect(escalation.subject).toContain('升级督办');

    const state = await handle.query(pilotStateQuery);
    expect(state).toMatchObject({ escalated: true, escalationLevel: 3, consecutiveMisses: 4, status: 'completed' });
    expect(state.emails.filter((e) => e.kind !== 'pilotNotice').map((e) => e.messageId)).toEqual(expected.map((e) => e[0]));
    expect(state.emails.filter((e) => e.kind === 'pilotNotice').map((e) => e.topic)).toEqual(['pilotCompleted']);

    const events = await historyEvents(handle);
    const kinds = await eventKinds(handle);
    expect(count(kinds, 'workflowTaskFailed')).toBe(0);
    expect(count(kinds, 'activityTaskScheduled')).toBe(5); // four weekly mails and the completion notice
    expect(count(kinds, 'activityTaskCompleted')).toBe(5);
    expect(count(kinds, 'activityTaskFailed') + count(kinds, 'activityTaskTimedOut')).toBe(0);
    const attempts = attributesOf<{ attempt?: number }>(events, 'activityTaskStarted').map((a) => a.attempt);
    expect(attempts[0]).toBe(1);
    expect(attempts[1]).toBe(1);
    expect(attempts[2]).toBeGreaterThanOrEqual(2);

    // The killed worker's attempt failed (retry.lastFailure above); the new one sent it and the next.
    expect(logsWith(w1, 'notification sent', keys[2]!)).toBe(0);
    await eventually(async () => (logsWith(w2, 'notification sent', keys[3]!) > 0 ? true : undefined), 'the log line reached us', 10_000);
    expect(logsWith(w2, 'notification sent', keys[2]!)).toBe(1);
    expect(logsWith(w2, 'notification sent', keys[3]!)).toBe(1);
    expect(logsWith(w2, 'notification sent', keys[0]!)).toBe(0);
    await w2.stop();
  });

  it('SMTP sink down for a while: reminders are retried and each arrives once when it returns; no workflow fails', async () => {
    expect(worker.alive()).toBe(true);
    const leadEmail = `lead-smtp-${suffix}@college.test`;
    await sink.close(); // the SMTP server goes away: the worker's connections are refused
    const started = [] as { pilot: PilotRecord; periodId: string; handle: WorkflowHandle<typeof pilotWorkflow> }[];
    for (let i = 0; i < 3; i++) {
      // A 168-hour reminder lead: each pilot's lead is reminded at once when it starts.
      const { pilot, period } = pilotRemindedNow(`smtp-${i}-${suffix}`, leadEmail);
      await service.startPilot({ pilot, actor: academicAffairs });
      started.push({ pilot, periodId: period.id, handle: client.workflow.getHandle(pilotWorkflowId(pilot.id)) });
    }
    // Keep the sink down until every reminder has failed twice and waits for its third attempt.
    for (const s of started) {
      const retry = await pendingRetry(s.handle, 3);
      expect(retry.lastFailure).toContain(`(weeklyReminder weekly:${s.periodId}:reminder)`);
    }
    sink = await startMailSink({ smtpPort, httpPort: 0, dir: mailDir, warn: () => undefined });

    const expected = started.map(
      (s) => [notificationMessageId(pilotWorkflowId(s.pilot.id), `weekly:${s.periodId}:reminder`), 1, [leadEmail]] as const,
    );
    await eventually(async () => ((await mailsTo(leadEmail)).length === 3 ? true : undefined), 'three reminders delivered', 60_000);
    for (const s of started) {
      await eventually(
        async () => ((await s.handle.query(pilotStateQuery)).periods[0]?.reminded ? true : undefined),
        'reminder recorded',
        30_000,
      );
    }
    expect(byMessageId(await mailsTo(leadEmail))).toEqual([...expected].sort((a, b) => a[0].localeCompare(b[0])));

    for (const s of started) {
      expect((await s.handle.describe()).status.name).toBe('RUNNING');
      const state = await s.handle.query(pilotStateQuery);
      expect(state.emails.map((e) => [e.kind, e.periodId])).toEqual([['weeklyReminder', s.periodId]]);
      expect(state.periods.map((p) => [p.id, p.outcome, p.reminded])).toEqual([[s.periodId, 'pending', true]]);
      const events = await historyEvents(s.handle);
      const kinds = await eventKinds(s.handle);
      expect(count(kinds, 'workflowTaskFailed')).toBe(0);
      expect(count(kinds, 'activityTaskFailed') + count(kinds, 'activityTaskTimedOut')).toBe(0);
      expect(count(kinds, 'activityTaskCompleted')).toBe(1);
      expect(attributesOf<{ attempt?: number }>(events, 'activityTaskStarted').map((a) => a.attempt! >= 3)).toEqual([true]);
    }
  });

  it('admin API killed in the middle of a request: the retried POST with the same Idempotency-Key applies the report once', async () => {
    const apiPort = await freePort();
    // The API signs callers in (issue 6): a users file with API tokens for both actors.
    const users = await testUsers(dir, ['jwb:academicAffairs', 'zhang:pilotLead:forestry']);
    const apiEnv = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      ONEX_TASK_QUEUE: taskQueue,
      ONEX_USERS_FILE: users.file,
      ONEX_SESSION_SECRET: users.auth.sessionSecret,
      ONEX_LINK_SECRET: users.auth.linkSecret,
    };
    const bearer = (id: string) => ({ authorization: `Bearer ${users.tokens[id]}` });
    let api: ApiProcess = await startApiProcess(apiPort, apiEnv);
    const pilot = pilotWithPolicy(`api-${suffix}`, `lead-api-${suffix}@college.test`, { weekday: 5, time: '17:00', reminderLeadHours: 0 });
    const created = await fetch(`${api.url}/api/pilots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer('jwb') },
      body: JSON.stringify({ pilot, actor: academicAffairs }),
    });
    expect(created.status).toBe(201);
    const handle = client.workflow.getHandle(pilotWorkflowId(pilot.id));
    const periodId = (await handle.query(pilotStateQuery)).periods[0]!.id;
    const key = `report-${suffix}`;
    // The API binds the key to the user, route and path (client/auth/plugin.ts) and sends that as the Update id.
    const updateId = boundIdempotencyKey('zhang', idempotencyScope('POST', '/api/pilots/:id/weekly-reports', { id: pilot.id }), key);
    const post = () =>
      fetch(`${api.url}/api/pilots/${pilot.id}/weekly-reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key, ...bearer('zhang') },
        body: JSON.stringify({ periodId, content: '本周完成实训室建设。', actor: lead }),
      });

    // Freeze the worker so the update cannot finish; the API waits on it.
    worker.child.kill('SIGSTOP');
    try {
      const inFlight = post().then(
        (r) => ({ status: r.status }),
        (e: unknown) => ({ error: String(e) }),
      );
      // The server has the update (admitted, waiting for the worker) before the API dies.
      await eventually(
        async () => {
          const r = await client.workflowService.pollWorkflowExecutionUpdate({
            namespace: 'default',
            updateRef: { workflowExecution: { workflowId: handle.workflowId }, updateId },
            identity: 'faults-test',
            waitPolicy: { lifecycleStage: 1 }, // UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED
          });
          return r.stage ? true : undefined;
        },
        'update admitted',
        20_000,
      );
      await api.kill();
      expect(await inFlight).toMatchObject({ error: expect.stringContaining('fetch failed') });
      api = await startApiProcess(apiPort, apiEnv);
    } finally {
      worker.child.kill('SIGCONT');
    }

    const retried = await post();
    expect(retried.status).toBe(200);
    const body = (await retried.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ periodId, outcome: 'onTime', consecutiveMisses: 0 });
    const again = await post();
    expect(await again.json()).toEqual(body); // the same key, the same result
    // Another key is another action: refused as a duplicate report, citing Art. 5.
    const other = await fetch(`${api.url}/api/pilots/${pilot.id}/weekly-reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `${key}-other`, ...bearer('zhang') },
      body: JSON.stringify({ periodId, content: '重复提交', actor: lead }),
    });
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ error: { results: [{ ruleId: 'art5.weeklyReport.duplicate', field: 'periodId' }] } });

    const state = await handle.query(pilotStateQuery);
    // The report is recorded once; the workflow has moved on to the next week's period.
    expect(state.periods).toMatchObject([
      { id: periodId, outcome: 'onTime', submittedAt: body.submittedAt, excerpt: '本周完成实训室建设。' },
      { outcome: 'pending' },
    ]);
    const accepted = attributesOf<{ acceptedRequest?: { meta?: { updateId?: string } } }>(
      await historyEvents(handle),
      'workflowExecutionUpdateAccepted',
    );
    expect(accepted.map((a) => a.acceptedRequest?.meta?.updateId)).toEqual([updateId]);
    expect(count(await eventKinds(handle), 'workflowTaskFailed')).toBe(0);
    await api.stop();
    expect(await api.exited).toEqual({ code: 0, signal: null });
  });

  it('the reminder timer set before the server restart fires, once', async (ctx) => {
    if (!timed) return ctx.skip();
    const t = timed;
    const expectedId = notificationMessageId(pilotWorkflowId(t.pilot.id), `weekly:${t.periodId}:reminder`);
    await eventually(
      async () => ((await mailsTo(t.leadEmail)).length > 0 ? true : undefined),
      'the reminder',
      Math.max(0, t.remindAt - Date.now()) + 45_000,
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
    const state = await handle.query(pilotStateQuery);
    expect(state.emails.map((e) => [e.kind, e.messageId, e.at >= new Date(t.remindAt).toISOString()])).toEqual([
      ['weeklyReminder', expectedId, true],
    ]);
  });

  it('SIGTERM stops the worker gracefully: it drains, exits 0, and every log line is JSON', async () => {
    const w = worker;
    w.child.kill('SIGTERM');
    const exit = await Promise.race([w.exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(exit).toEqual({ code: 0, signal: null });
    const lines = w
      .output()
      .split('\n')
      .filter((l) => l.trim() !== '');
    const parsed = lines.map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return { unparsed: l };
      }
    });
    expect(parsed.filter((l) => 'unparsed' in l)).toEqual([]);
    for (const l of parsed) expect(Object.keys(l).slice(0, 3)).toEqual(['time', 'level', 'msg']);
    const states = parsed.filter((l) => l.msg === 'Worker state changed').map((l) => l.state);
    expect(states.slice(-4)).toEqual(['STOPPING', 'DRAINING', 'DRAINED', 'STOPPED']);
    expect(parsed.at(-1)).toMatchObject({ level: 'INFO', msg: 'worker stopped', component: 'onex-worker' });
    await expect(fetch(`${w.healthUrl}/healthz`)).rejects.toThrow();
  });
});
