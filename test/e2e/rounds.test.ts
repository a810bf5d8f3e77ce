/**
 * An application round end to end on the dev server, through the CLI and the HTTP API with
 * signed-in users: open a round, draft, submit, sign, review, confirm the list, record the
 * provincial approval and the public notice (recorded after the fact, so it has ended), and
 * see the pilot running and listed. Refusals: a rule (no event in history), a role, a college.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createChinaCalendar, shanghaiDate } from '../../domain/calendar';
import { applicationWorkflowId, previousWorkingDay } from '../../domain/round';
import type { ApplicationState, RoundState } from '../../workflows/round-types';
import { startTestApi, type TestApi } from '../helpers/api';
import { sampleApplication, sampleRound } from '../../scripts/support/rounds';
import { runCli } from '../helpers/stack';
import { eventually } from '../helpers/wait';

let api: TestApi;
const calendar = createChinaCalendar();
const today = shanghaiDate(Date.now());
const roundId = `e2e${Date.now().toString(36)}`;
const sentBefore = previousWorkingDay(today, calendar);

beforeAll(async () => {
  api = await startTestApi(inject('temporalAddress'), [
    'jwb:academicAffairs',
    'chen:collegeStaff:forestry',
    'li:collegeLeader:forestry',
    'sun:collegeStaff:ecology',
  ]);
});

afterAll(async () => {
  await api?.client.workflow
    .getHandle(`pilot:${roundId}.F1`)
    .terminate('test done')
    .catch(() => undefined);
  await api?.close();
});

const actors: Record<string, string> = {
  jwb: 'jwb:academicAffairs',
  chen: 'chen:collegeStaff:forestry',
  li: 'li:collegeLeader:forestry',
  sun: 'sun:collegeStaff:ecology',
};
const cli = (user: string, args: string[]) =>
  runCli({ apiUrl: api.url, mailUrl: 'http://127.0.0.1:9' }, args, { ONEX_TOKEN: api.users.tokens[user]!, ONEX_ACTOR: actors[user]! });
const json = <T>(r: { code: number; stdout: string; stderr: string }): T => {
  if (r.code !== 0) throw new Error(`cli exited ${r.code}: ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as T;
};

describe('an application round through the CLI and the API (Art. 9)', () => {
  it('open, draft, submit, sign, review, confirm, approve, notice → the pilot runs and is listed', async () => {
    const internalDeadline = calendar.addWorkingDays(today, 3);
    const round = sampleRound({
      id: roundId,
      internalDeadline,
      provincialDeadline: calendar.addWorkingDays(internalDeadline, 5),
      publicNoticeWorkingDays: 1,
      colleges: [
        {
          id: 'forestry',
          name: '林业工程学院',
          leader: { name: '李院长', email: 'li@college.test', userId: 'li' },
          staff: [{ name: '陈老师', email: 'chen@college.test', userId: 'chen' }],
        },
        { id: 'ecology', name: '生态环境学院', leader: { name: '赵院长', email: 'zhao@college.test' }, staff: [] },
      ],
    });
    const roundFile = join(api.dir, 'round.json');
    writeFileSync(roundFile, JSON.stringify(round));

    // Only Academic Affairs opens a round (Art. 4).
    const denied = await cli('chen', ['--json', 'round', 'open', '--file', roundFile]);
    expect(denied.code).toBe(2);
    expect(JSON.parse(denied.stdout).error.results[0]).toMatchObject({
      ruleId: 'art4.roundOpen',
      article: { article: 4 },
      field: 'actor.role',
    });
    const opened = json<{ workflowId: string }>(await cli('jwb', ['--json', 'round', 'open', '--file', roundFile]));
    expect(opened.workflowId).toBe(`round:${roundId}`);
    await eventually(
      async () => (api.sent.filter((n) => n.workflowId === opened.workflowId && n.kind === 'roundOpened').length === 2 ? true : undefined),
      'colleges notified',
      20_000,
    );

    const appFile = join(api.dir, 'app.json');
    writeFileSync(
      appFile,
      JSON.stringify(sampleApplication({ id: 'F1', lead: { name: '陈老师', email: 'chen@college.test', userId: 'chen' } })),
    );
    expect(json<{ workflowId: string }>(await cli('chen', ['--json', 'app', 'create', roundId, '--file', appFile])).workflowId).toBe(
      applicationWorkflowId(roundId, 'F1'),
    );

    // Another college neither sees nor touches it.
    const foreign = await cli('sun', ['--json', 'app', 'show', roundId, 'F1']);
    expect(foreign.code).toBe(2);
    expect(JSON.parse(foreign.stdout).error.results[0]).toMatchObject({ ruleId: 'auth.scope' });

    expect(json<ApplicationState>(await cli('chen', ['--json', 'app', 'submit', roundId, 'F1'])).status).toBe('college');
    // A refused action (college staff may not review) is refused with the rule and leaves no event in history.
    const history = async () =>
      (await api.client.workflow.getHandle(applicationWorkflowId(roundId, 'F1')).fetchHistory()).events?.length ?? 0;
    const before = await history();
    const refused = await cli('chen', ['--json', 'app', 'review', roundId, 'F1', '--approve']);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).error.results[0]).toMatchObject({ ruleId: 'art9.applicationStep', field: 'status' });
    expect(await history()).toBe(before);
    // Signing off without the declaration is refused, citing Art. 5(2), through the HTTP API (422).
    const noDeclaration = await api.as('li', `/api/rounds/${roundId}/applications/F1/sign-off`, {
      method: 'POST',
      json: { outcome: 'approve', actor: { id: 'li', role: 'collegeLeader', college: 'forestry' } },
    });
    expect(noDeclaration.status).toBe(422);
    expect(((await noDeclaration.json()) as { error: { results: { ruleId: string; article: unknown }[] } }).error.results[0]).toMatchObject(
      { ruleId: 'art5.authenticity', article: { article: 5, item: 2 } },
    );

    expect(json<ApplicationState>(await cli('li', ['--json', 'app', 'sign', roundId, 'F1', '--declare-authentic'])).status).toBe(
      'academicAffairs',
    );
    expect(json<ApplicationState>(await cli('jwb', ['--json', 'app', 'review', roundId, 'F1', '--approve'])).status).toBe('approved');

    await eventually(
      async () =>
        (await api.as('jwb', `/api/rounds/${roundId}`).then((r) => r.json() as Promise<RoundState>)).colleges[0]!.counts.reviewed === 1
          ? true
          : undefined,
      'round sees the approval',
      20_000,
    );
    const confirmed = await cli('jwb', ['round', 'confirm', roundId, '--applications', 'F1', '--submitted-on', sentBefore]);
    expect(confirmed.stdout).toContain('已报送 / submitted: F1');
    expect((await cli('jwb', ['round', 'result', roundId, 'F1', '--approved'])).stdout).toContain('F1 批准 approved');
    // The province's notice ran (1 working day, the round's setting) and is recorded after the fact.
    const notice = await cli('jwb', ['round', 'notice', roundId, '--start', sentBefore]);
    expect(notice.stdout).toContain(`公示期 / public notice: ${sentBefore} 至 ${sentBefore}（1 个工作日 / working days）`);

    const closed = await eventually(
      async () => {
        const s = json<RoundState>(await cli('jwb', ['--json', 'round', 'show', roundId]));
        return s.stage === 'closed' ? s : undefined;
      },
      'round closed',
      30_000,
    );
    expect(closed.pilots.map((p) => [p.applicationId, p.pilotId, p.error])).toEqual([['F1', `${roundId}.F1`, undefined]]);
    expect(closed.publicNotice).toMatchObject({ start: sentBefore, end: sentBefore, workingDays: 1 });

    // The pilot runs with the approved data, and is listed (by round, by college) through search attributes.
    const pilot = json<{ status: string; pilot: { approvedTask: number; lead: { email: string }; source: unknown; startDate: string } }>(
      await cli('chen', ['--json', 'pilot', 'show', `${roundId}.F1`]),
    );
    expect(pilot).toMatchObject({
      status: 'running',
      pilot: { approvedTask: 40, lead: { email: 'chen@college.test' }, source: { roundId, applicationId: 'F1' }, startDate: today },
    });
    const listed = await eventually(
      async () => {
        const rows = json<{ pilotId: string; status: string }[]>(await cli('jwb', ['--json', 'round', 'pilots', roundId]));
        return rows.length === 1 ? rows : undefined;
      },
      'pilot listed by round',
      30_000,
    );
    expect(listed).toMatchObject([{ pilotId: `${roundId}.F1`, status: 'RUNNING' }]);
    const byCollege = json<{ pilotId: string }[]>(await cli('chen', ['--json', 'pilot', 'list']));
    expect(byCollege.map((p) => p.pilotId)).toContain(`${roundId}.F1`);
    const apps = await eventually(
      async () => {
        const rows = json<{ applicationId: string; stage: string }[]>(await cli('chen', ['--json', 'app', 'list', roundId]));
        return rows[0]?.stage === 'pilotStarted' ? rows : undefined;
      },
      'application listed',
      30_000,
    );
    expect(apps.map((a) => [a.applicationId, a.stage])).toEqual([['F1', 'pilotStarted']]);

    // The human view names the stage and the timeline, Chinese first.
    const shown = await cli('chen', ['app', 'show', roundId, 'F1']);
    expect(shown.stdout).toContain('状态 / Status:       已立项，试点实施中 / approved; pilot running');
    expect(shown.stdout).toMatch(/submitted.*\n.*signedOff college → academicAffairs\tli/);
  });
});

describe('round and application bodies are parsed whole at the edge (issue 11)', () => {
  const chen = { id: 'chen', role: 'collegeStaff', college: 'forestry' };
  const jwb = { id: 'jwb', role: 'academicAffairs' };
  type Refusal = { error: { results: { ruleId: string; field: string; message: { zh: string; en: string } }[] } };
  const refusal = async (res: Response) => ((await res.json()) as Refusal).error.results;

  it('a bad application is a 400 naming the field, in Chinese and English, before any round is looked up', async () => {
    // No such round: the body is refused first (400), so nothing is looked up (not a 404) and nothing starts.
    const ghost = `nx${Date.now().toString(36)}`;
    const badType = await api.as('chen', `/api/rounds/${ghost}/applications`, {
      method: 'POST',
      json: { application: { ...sampleApplication({ id: 'G1' }), plannedExaminees: 'many' }, actor: chen },
    });
    expect(badType.status).toBe(400);
    const [first] = await refusal(badType);
    expect(first).toMatchObject({ field: 'application.plannedExaminees' });
    expect(first!.message.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(first!.message.en).toMatch(/[a-z]/);

    const unknown = await api.as('chen', `/api/rounds/${ghost}/applications`, {
      method: 'POST',
      json: { application: { ...sampleApplication({ id: 'G1' }), plannedExamines: 30 }, actor: chen },
    });
    expect(unknown.status).toBe(400);
    expect(await refusal(unknown)).toEqual(
      expect.arrayContaining([expect.objectContaining({ ruleId: 'input.unknownField', field: 'application.plannedExamines' })]),
    );
    await expect(api.client.workflow.getHandle(applicationWorkflowId(ghost, 'G1')).describe()).rejects.toThrow();
  });

  it('round and application actions refuse unknown fields and bad values at the edge (400), never 422 from the workflow', async () => {
    const result = await api.as('jwb', `/api/rounds/${roundId}/results`, {
      method: 'POST',
      json: { applicationId: 'F1', outcome: 'maybe', actor: jwb },
    });
    expect(result.status).toBe(400);
    expect((await refusal(result))[0]).toMatchObject({ field: 'outcome' });

    const edit = await api.as('chen', `/api/rounds/${roundId}/applications/F1/edit`, {
      method: 'POST',
      json: { changes: { plannedExaminees: -3, colour: 'red' }, actor: chen },
    });
    expect(edit.status).toBe(400);
    expect((await refusal(edit)).map((r) => r.field)).toEqual(expect.arrayContaining(['changes.colour', 'changes.plannedExaminees']));

    const signOff = await api.as('li', `/api/rounds/${roundId}/applications/F1/sign-off`, {
      method: 'POST',
      json: { outcome: 'approve', declareAuthentic: true, signature: 'x', actor: { id: 'li', role: 'collegeLeader', college: 'forestry' } },
    });
    expect(signOff.status).toBe(400);
    expect((await refusal(signOff))[0]).toMatchObject({ ruleId: 'input.unknownField', field: 'signature' });
  });
});
