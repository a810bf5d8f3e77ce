/**
 * End to end, as a newcomer would: the README's run command (`npm start`) brings the whole
 * stack up on a real dev server (SQLite file), the CLI starts pilots, submits a report and
 * shows the state, lists by college through search attributes, a reminder reaches the
 * SMTP sink over real SMTP, Ctrl-C leaves no process behind, and after a restart of the
 * stack the pilot is still there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../domain/calendar';
import type { StoredMessageSummary } from '../../scripts/mail-sink';
import type { PilotState } from '../../workflows/pilot-state';
import type { PilotListItem } from '../../client/service';
import { testUsers, type TestUsers } from '../helpers/auth';
import { allocateStackPorts, groupAlive, runCli as runCliAs, startStack, type RunningStack } from '../helpers/stack';
import { eventually } from '../helpers/wait';

const dataDir = mkdtempSync(join(tmpdir(), 'onex-stack-'));
const suffix = Date.now().toString(36);
const pilotA = `stack-a-${suffix}`;
const pilotB = `stack-b-${suffix}`;
const collegeA = `forestry-${suffix}`;
const leadA = `lead-a-${suffix}@college.test`;
let stack: RunningStack | undefined;
// The deployment's users file (ONEX_USERS_FILE): the CLI signs in with each actor's API token.
let users: TestUsers;
const usersReady = testUsers(dataDir, ['jwb:academicAffairs', `zhang:pilotLead:${collegeA}`]).then((u) => (users = u));
const runCli = (s: RunningStack, args: string[], env: Record<string, string> = {}) =>
  runCliAs({ ...s, tokens: users.tokens, defaultToken: users.tokens.jwb }, args, env);
const start = async (ports: Awaited<ReturnType<typeof allocateStackPorts>>) =>
  startStack(ports, dataDir, undefined, { ONEX_USERS_FILE: (await usersReady).file });

afterAll(async () => {
  if (stack && groupAlive(stack.process.pid!)) await stack.interrupt();
  rmSync(dataDir, { recursive: true, force: true });
});

const aa = { ONEX_ACTOR: 'jwb:academicAffairs' };

function startArgs(id: string, college: string, lead: string): string[] {
  return [
    'pilot',
    'start',
    '--id',
    id,
    '--college-id',
    college,
    '--college-name',
    '林业学院',
    '--major',
    '园林技术',
    '--certificate',
    '花卉园艺',
    '--org',
    '某培训评价组织',
    '--level',
    'intermediate',
    '--lead-name',
    '张老师',
    '--lead-email',
    lead,
    '--lead-user',
    'zhang',
    '--college-leader-email',
    'dean@college.test',
    '--academic-affairs-email',
    'jwb@college.test',
    '--start',
    shanghaiDate(Date.now()),
    '--end',
    '2028-07-31',
    // The first report is due within a week: with a 168-hour lead the lead is reminded at once.
    '--reminder-hours',
    '168',
  ];
}

describe('the local stack, end to end', () => {
  const portsPromise = allocateStackPorts();

  it('comes up with one command, and the CLI drives a pilot through the API', async () => {
    const ports = await portsPromise;
    stack = await start(ports);
    expect(stack.output()).toContain(`http://127.0.0.1:${ports.ui}`);
    expect(stack.output()).toContain(stack.apiUrl);
    expect(stack.output()).toContain(stack.mailUrl);

    const started = await runCli(stack, ['--json', ...startArgs(pilotA, collegeA, leadA)], aa);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ workflowId: `pilot:${pilotA}` });
    expect((await runCli(stack, startArgs(pilotB, `engineering-${suffix}`, `lead-b-${suffix}@college.test`), aa)).code).toBe(0);

    // A starter who is not Academic Affairs is refused (Art. 4), in both languages.
    const denied = await runCli(stack, startArgs(`x-${suffix}`, collegeA, leadA), { ONEX_ACTOR: 'zhang:pilotLead' });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain('第四条');
    expect(denied.stderr).toContain('Art. 4');

    // The reminder reaches the sink over real SMTP, at once.
    const mails = await eventually(
      async () => {
        const res = await fetch(`${stack!.mailUrl}/api/messages?to=${encodeURIComponent(leadA)}`);
        const list = (await res.json()) as StoredMessageSummary[];
        return list.length > 0 ? list : undefined;
      },
      'reminder e-mail',
      60_000,
    );
    expect(mails).toHaveLength(1);

    const shown = await runCli(stack, ['--json', 'pilot', 'show', pilotA]);
    expect(shown.code).toBe(0);
    const state = JSON.parse(shown.stdout) as PilotState;
    const period = state.periods[0]!;
    expect(state.pilot.college.id).toBe(collegeA);
    expect(period.reminded).toBe(true);
    expect(mails[0]!.subject).toContain(period.id);
    expect(mails[0]!.messageId).toBe(state.emails[0]!.messageId);

    const submitted = await runCli(stack, [
      '--json',
      'report',
      'submit',
      pilotA,
      '--period',
      period.id,
      '--content',
      '本周完成课证融通教学计划修订。',
      '--actor',
      'zhang:pilotLead',
    ]);
    expect(submitted.code).toBe(0);
    expect(JSON.parse(submitted.stdout)).toMatchObject({ periodId: period.id, outcome: 'onTime', consecutiveMisses: 0 });

    const again = await runCli(stack, [
      'report',
      'submit',
      pilotA,
      '--period',
      period.id,
      '--content',
      '重复',
      '--actor',
      'zhang:pilotLead',
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('[periodId] 第五条');

    const human = await runCli(stack, ['pilot', 'show', pilotA]);
    expect(human.stdout).toContain('按时 on time');

    // Listing by college goes through search attributes (eventually consistent).
    const listed = await eventually(
      async () => {
        const r = await runCli(stack!, ['--json', 'pilot', 'list', '--college', collegeA]);
        const items = JSON.parse(r.stdout) as PilotListItem[];
        return items.length === 1 ? items : undefined;
      },
      'list by college',
      30_000,
    );
    expect(listed[0]).toMatchObject({ pilotId: pilotA, college: collegeA, stage: 'implementation', escalated: false });

    const mailList = await runCli(stack, ['--json', 'mail', 'list', '--to', leadA]);
    expect((JSON.parse(mailList.stdout) as StoredMessageSummary[]).map((m) => m.id)).toEqual([mails[0]!.id]);
  });

  it('stops on Ctrl-C leaving no process, and keeps every pilot across a restart', async () => {
    const ports = await portsPromise;
    expect(stack).toBeDefined();
    const pgid = stack!.process.pid!;
    const exit = await stack!.interrupt();
    // npm itself dies of the SIGINT (as in a terminal); the stack below it reports a clean stop.
    expect(exit.code === 0 || exit.signal === 'SIGINT').toBe(true);
    expect(stack!.output()).toContain('stopped / 已停止');
    await eventually(async () => (groupAlive(pgid) ? undefined : true), 'every stack process gone', 15_000);

    stack = await start(ports);
    const shown = await runCli(stack, ['--json', 'pilot', 'show', pilotA]);
    expect(shown.code).toBe(0);
    const state = JSON.parse(shown.stdout) as PilotState;
    expect(state.periods[0]).toMatchObject({ outcome: 'onTime', excerpt: '本周完成课证融通教学计划修订。' });
    expect(state.status).toBe('running');
    const listed = await eventually(
      async () => {
        const r = await runCli(stack!, ['--json', 'pilot', 'list', '--college', collegeA]);
        const items = JSON.parse(r.stdout) as PilotListItem[];
        return items.length === 1 ? items : undefined;
      },
      'list after restart',
      30_000,
    );
    expect(listed[0]!.pilotId).toBe(pilotA);
    // The sink kept its mail on disk, and no reminder was sent twice by the restart.
    const mails = (await (await fetch(`${stack.mailUrl}/api/messages?to=${encodeURIComponent(leadA)}`)).json()) as StoredMessageSummary[];
    expect(mails).toHaveLength(1);
    expect(mails[0]!.deliveries).toBe(1);

    const pgid2 = stack.process.pid!;
    const exit2 = await stack.interrupt();
    expect(exit2.code === 0 || exit2.signal === 'SIGINT').toBe(true);
    expect(stack.output()).toContain('stopped / 已停止');
    await eventually(async () => (groupAlive(pgid2) ? undefined : true), 'every stack process gone', 15_000);
  });
});
