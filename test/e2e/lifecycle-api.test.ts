/**
 * The pilot lifecycle end to end on the dev server: every action through the CLI and the
 * HTTP API (real processes, real HTTP on loopback), e-mail over real SMTP to the sink, and
 * the audit trail matching what was done, by whom and on whose behalf.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities/index';
import { buildApi } from '../../client/api';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { startMailSink, type MailSink, type StoredMessageSummary } from '../../scripts/mail-sink';
import { workflowsPath } from '../../worker/paths';
import type { AuditEntry, PilotState } from '../../workflows/pilot-state';
import { testUsers } from '../helpers/auth';
import { runCli, type CliTarget } from '../helpers/stack';
import { samplePilot } from '../../scripts/support/pilots';
import { initialPilotState, pilotWorkflow } from '../../workflows/pilot';
import { pilotStartOptions } from '../../workflows/pilot-start';
import { pilotRecordSchema } from '../../domain/pilot';
import { programmeRegistryWorkflowId } from '../../domain/round';

const suffix = Date.now().toString(36);
const taskQueue = `lifecycle-e2e-${suffix}`;
const dir = mkdtempSync(join(tmpdir(), 'onex-lifecycle-'));
const [p1, p2] = [`life-a-${suffix}`, `life-b-${suffix}`];
const leadEmail = `lead-${suffix}@college.test`;
let connection: Connection;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let app: FastifyInstance;
let sink: MailSink;
let stack: CliTarget;

beforeAll(async () => {
  const address = inject('temporalAddress');
  sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir: join(dir, 'mail') });
  connection = await Connection.connect({ address });
  native = await NativeConnection.connect({ address });
  worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowsPath,
    activities: createActivities({ transport: sink.smtpUrl, from: 'onex <onex@test>', adminUrl: 'http://admin.test' }),
  });
  running = worker.run();
  // Each actor signs in with its own API token (runCli picks it by --actor / ONEX_ACTOR).
  const users = await testUsers(dir, [
    'jwb:academicAffairs',
    'wang:academicAffairs',
    'zhang:pilotLead:forestry',
    'li:collegeStaff:forestry',
    'dean:collegeLeader:forestry',
    'vp:schoolLeader',
    'deputy:schoolLeader',
  ]);
  app = buildApi({ client: new Client({ connection }), taskQueue, auth: users.auth, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  stack = { apiUrl: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, mailUrl: sink.httpUrl, tokens: users.tokens };
});

afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await running;
  // The programme registry is a singleton on the shared dev server: the pilots of this file
  // started it on this file's task queue (by reporting pass records). With our worker gone no
  // report can restart it: delete it, or later files would query a registry nobody serves
  // (a closed workflow is still queried through a worker of its task queue).
  const registry = new Client({ connection }).workflow.getHandle(programmeRegistryWorkflowId());
  const described = await registry.describe().catch(() => undefined);
  if (described?.taskQueue === taskQueue) {
    await connection.workflowService.deleteWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: programmeRegistryWorkflowId() },
    });
    for (
      let i = 0;
      i < 50 &&
      (await registry.describe().then(
        () => true,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
  }
  await native?.close();
  await connection?.close();
  await sink?.close();
  rmSync(dir, { recursive: true, force: true });
});

const AA = 'jwb:academicAffairs';
const LEAD = 'zhang:pilotLead';

/** Runs the CLI as the user named by `actor` (`id:role[:college]`); runCli passes that user's API token. */
async function cli(args: string[], actor: string) {
  const r = await runCli(stack, args, { ONEX_ACTOR: actor });
  return { ...r, json: () => JSON.parse(r.stdout) as unknown };
}

describe('the pilot lifecycle through the CLI and the API', () => {
  it('runs every action and the audit trail matches', async () => {
    const today = shanghaiDate(Date.now());
    for (const id of [p1, p2]) {
      const r = await cli(
        [
          'pilot',
          'start',
          '--id',
          id,
          '--college-id',
          'forestry',
          '--college-name',
          '林业学院',
          '--major',
          '园林技术',
          '--certificate',
          '花卉园艺',
          '--org',
          '某评价组织',
          '--level',
          'advanced',
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
          '--approved-task',
          '40',
          '--start',
          today,
          '--end',
          addDays(today, 400),
        ],
        AA,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }

    // Provincial request for both pilots at once: dry run first, then for real.
    const dry = await cli(
      ['--json', 'provincial', 'request', p1, p2, '--id', 'rpt-1', '--title', '年度建设总结', '--due', addDays(today, 20), '--dry-run'],
      AA,
    );
    expect(dry.json()).toEqual({
      dryRun: true,
      results: [
        { pilotId: p1, ok: true },
        { pilotId: p2, ok: true },
      ],
    });
    expect(((await cli(['--json', 'pilot', 'show', p1], AA)).json() as PilotState).provincial).toHaveLength(0);
    const bulk = await cli(
      ['--json', 'provincial', 'request', p1, p2, '--id', 'rpt-1', '--title', '年度建设总结', '--due', addDays(today, 20)],
      AA,
    );
    expect(bulk.json()).toEqual({
      dryRun: false,
      results: [
        { pilotId: p1, ok: true },
        { pilotId: p2, ok: true },
      ],
    });
    const byLead = await cli(['provincial', 'request', p1, '--id', 'rpt-2', '--title', 'x', '--due', addDays(today, 20)], LEAD);
    expect(byLead.code).toBe(2);
    expect(byLead.stdout + byLead.stderr).toContain('第四条');

    expect((await cli(['provincial', 'submit', p1, 'rpt-1', '--note', '已报送'], LEAD)).code).toBe(0);

    // Ledger: income and an expense; a forbidden use refused citing Art. 11.
    expect(
      (
        await cli(
          ['ledger', 'income', p1, '--id', 'in-1', '--source', 'examServiceFee', '--payer', '某评价组织', '--amount', '3000.00'],
          LEAD,
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await cli(
          ['ledger', 'expense', p1, '--id', 'ex-1', '--category', 'teacherTraining', '--amount', '1200.50', '--description', '考评员培训'],
          'li:collegeStaff:forestry',
        )
      ).code,
    ).toBe(0);
    const forbidden = await cli(
      ['ledger', 'expense', p1, '--id', 'ex-2', '--category', 'debtRepayment', '--amount', '1.00', '--description', '还款'],
      LEAD,
    );
    expect(forbidden.code).toBe(2);
    expect(forbidden.stderr).toContain('[category] 第十一条');
    const badAmount = await cli(
      ['ledger', 'expense', p1, '--id', 'ex-3', '--category', 'teacherTraining', '--amount', '1.234', '--description', 'x'],
      LEAD,
    );
    expect(badAmount.code).toBe(2);
    expect(badAmount.stderr).toContain('[amount]');

    // Assessment from a JSON file, with Academic Affairs entering it on the lead's behalf.
    const sessionFile = join(dir, 'session.json');
    writeFileSync(
      sessionFile,
      JSON.stringify({
        id: 'sess-1',
        date: today,
        components: [{ form: 'computer', weightBp: 10000 }],
        publishedFeeFen: 30000,
        candidates: 40,
        passed: 36,
      }),
    );
    const assess = await cli(['assessment', p1, '--file', sessionFile], 'wang:academicAffairs');
    expect(assess.code).toBe(0);

    // A failed inspection, then a violation, then cancellation (Art. 18–19).
    const inspFile = join(dir, 'inspection.json');
    writeFileSync(
      inspFile,
      JSON.stringify({
        id: 'insp-1',
        inspectedOn: today,
        progress: { result: 'satisfactory', notes: '正常' },
        funds: { result: 'unsatisfactory', notes: '经费未到位' },
        problems: { result: 'satisfactory', notes: '无', measures: '落实经费' },
      }),
    );
    expect((await cli(['inspection', p2, '--file', inspFile], AA)).code).toBe(0);
    expect(
      (
        await cli(
          [
            'violation',
            p2,
            '--id',
            'v-1',
            '--ground',
            'irregularFunds',
            '--description',
            '专项资金用于其他项目',
            '--evidence',
            '审计报告 2026-15',
          ],
          AA,
        )
      ).code,
    ).toBe(0);
    expect((await cli(['cancel', p2, '--reason', '经费使用不规范'], AA)).code).toBe(0);

    const s1 = (await cli(['--json', 'pilot', 'show', p1], AA)).json() as PilotState;
    expect(s1.ledger.balanceFen).toBe(300_000 - 120_050);
    expect(s1.provincial[0]).toMatchObject({ id: 'rpt-1', outcome: 'submitted' });
    expect(s1.passYears[0]).toMatchObject({ candidates: 40, passed: 36, restricted: false });

    // The pilot's own acts; the calendar's warnings (a year not yet published) are the system's.
    const acts = (audit: AuditEntry[]) => audit.filter((a) => a.action !== 'calendar.warning');
    const audit1 = acts((await cli(['--json', 'audit', p1], AA)).json() as AuditEntry[]);
    expect(audit1.map((a) => [a.action, a.actor?.id, a.actor?.role])).toEqual([
      ['provincial.request', 'jwb', 'academicAffairs'],
      ['provincial.submit', 'zhang', 'pilotLead'],
      ['ledger.income', 'zhang', 'pilotLead'],
      ['ledger.expense', 'li', 'collegeStaff'],
      ['assessment.record', 'wang', 'academicAffairs'],
    ]);
    expect(audit1[2]).toMatchObject({ before: { balanceFen: 0 }, after: { balanceFen: 300_000 } });
    expect(audit1[3]).toMatchObject({ before: { balanceFen: 300_000 }, after: { balanceFen: 179_950 } });

    const audit2 = acts((await cli(['--json', 'audit', p2], AA)).json() as AuditEntry[]);
    // Every recorded action carries the person who did it (issue 12); the system's own have none.
    expect(audit2.map((a) => [a.action, a.actor?.id ?? '-'])).toEqual([
      ['provincial.request', 'jwb'],
      ['inspection.record', 'jwb'],
      ['rectification.open', '-'],
      ['violation.record', 'jwb'],
      ['pilot.riskFlagged', '-'], // the consequence: the risk flag with its reason (Art. 19)
      ['pilot.cancel', 'jwb'],
    ]);
    const human = await cli(['audit', p2], AA);
    expect(human.stdout).toContain('jwb（academicAffairs）');
    expect(human.stdout).toContain('取消试点：经费使用不规范');

    // Both leads were told of the request; everyone of p2 of the cancellation.
    const mails = async (to: string) =>
      (await (await fetch(`${sink.httpUrl}/api/messages?to=${encodeURIComponent(to)}`)).json()) as StoredMessageSummary[];
    const deadline = Date.now() + 30_000;
    let vp: StoredMessageSummary[] = [];
    while (Date.now() < deadline) {
      vp = await mails('vp@college.test');
      if (vp.length > 0) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(vp.map((m) => m.subject.split(' — ')[0])).toEqual(['【试点已取消】']);
    const leadMails = (await mails(leadEmail)).map((m) => m.subject);
    expect(leadMails.filter((s) => s.startsWith('【省厅材料报送】年度建设总结'))).toHaveLength(2);
  });

  it('runs a budget approval and a re-inspection through the CLI and the API', async () => {
    const today = shanghaiDate(Date.now());
    const p3 = `life-c-${suffix}`;
    const started = await cli(
      [
        'pilot',
        'start',
        '--id',
        p3,
        '--college-id',
        'forestry',
        '--college-name',
        '林业学院',
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
      ],
      AA,
    );
    expect(started.code).toBe(0);
    const planFile = join(dir, 'budget.json');
    writeFileSync(
      planFile,
      JSON.stringify({
        id: 'B-1',
        year: 2027,
        rationale: '考评员培训',
        lines: [{ category: 'teacherTraining', description: '考评员培训', amountFen: 800_000 }],
        funding: [{ source: 'specialFund', amountFen: 800_000 }],
      }),
    );
    const submitted = await cli(['--json', 'approval', 'submit', p3, '--kind', 'budget', '--file', planFile], LEAD);
    expect(submitted.stderr).toBe('');
    expect(submitted.json()).toMatchObject({ approvalId: 'budget-1', workflowId: `pilot:${p3}/budget/1` });
    const show = async () => {
      for (let i = 0; i < 100; i++) {
        const r = await cli(['--json', 'approval', 'show', p3, 'budget-1'], AA);
        if (r.code === 0)
          return r.json() as {
            status: string;
            currentStep?: { id: string };
            decisions: { actor: { id: string }; onBehalfOf?: string; outcome: string }[];
          };
        await new Promise((res) => setTimeout(res, 200));
      }
      throw new Error('approval never started');
    };
    expect((await show()).currentStep?.id).toBe('college');
    // The wrong step or a college leader of another college is refused; then the chain runs.
    const wrongStep = await cli(['approval', 'decide', p3, 'budget-1', '--step', 'academicAffairs', '--outcome', 'approve'], AA);
    expect(wrongStep.code).toBe(2);
    expect(
      (await cli(['approval', 'decide', p3, 'budget-1', '--step', 'college', '--outcome', 'approve'], 'dean:collegeLeader:forestry')).code,
    ).toBe(0);
    expect(
      (
        await cli(
          [
            'approval',
            'decide',
            p3,
            'budget-1',
            '--step',
            'academicAffairs',
            '--outcome',
            'return',
            '--return-to',
            'submitter',
            '--comment',
            '请补充培训计划',
          ],
          AA,
        )
      ).code,
    ).toBe(0);
    expect((await show()).status).toBe('returned');
    expect((await cli(['approval', 'resubmit', p3, 'budget-1', '--file', planFile, '--note', '已补充'], LEAD)).code).toBe(0);
    expect((await show()).currentStep?.id).toBe('academicAffairs');
    expect((await cli(['approval', 'decide', p3, 'budget-1', '--step', 'academicAffairs', '--outcome', 'approve'], AA)).code).toBe(0);
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    expect(
      (
        await cli(
          [
            'approval',
            'delegate',
            p3,
            'budget-1',
            '--step',
            'schoolLeader',
            '--to-user',
            'deputy',
            '--to-email',
            'deputy@college.test',
            '--until',
            until,
          ],
          'vp:schoolLeader',
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await cli(
          ['approval', 'decide', p3, 'budget-1', '--step', 'schoolLeader', '--outcome', 'approve', '--on-behalf-of', 'vp'],
          'deputy:schoolLeader',
        )
      ).code,
    ).toBe(0);
    const concluded = await show();
    expect(concluded.status).toBe('approved');
    expect(concluded.decisions.at(-1)).toMatchObject({ actor: { id: 'deputy' }, onBehalfOf: 'vp', outcome: 'approve' });
    let state = (await cli(['--json', 'pilot', 'show', p3], AA)).json() as PilotState;
    for (let i = 0; i < 50 && state.approvedBudgetFen === undefined; i++) {
      await new Promise((res) => setTimeout(res, 200));
      state = (await cli(['--json', 'pilot', 'show', p3], AA)).json() as PilotState;
    }
    expect(state.approvedBudgetFen).toBe(800_000);

    // A failed inspection's rectification is closed by a passing re-inspection through the API.
    const failFile = join(dir, 'inspection-fail.json');
    writeFileSync(
      failFile,
      JSON.stringify({
        id: 'K-1',
        inspectedOn: today,
        progress: { result: 'satisfactory', notes: '正常' },
        funds: { result: 'unsatisfactory', notes: '未到位' },
        problems: { result: 'satisfactory', notes: '无', measures: '落实' },
      }),
    );
    expect((await cli(['inspection', p3, '--file', failFile], AA)).code).toBe(0);
    const passFile = join(dir, 'inspection-pass.json');
    writeFileSync(
      passFile,
      JSON.stringify({
        id: 'K-1-R',
        inspectedOn: today,
        progress: { result: 'satisfactory', notes: '正常' },
        funds: { result: 'satisfactory', notes: '已到位' },
        problems: { result: 'satisfactory', notes: '无', measures: '保持' },
      }),
    );
    let re = await cli(['--json', 'rectification', 'reinspect', p3, 'K-1', '--file', passFile], AA);
    for (let i = 0; i < 50 && re.code !== 0 && re.stdout.includes('child.notFound'); i++) {
      await new Promise((res) => setTimeout(res, 200));
      re = await cli(['--json', 'rectification', 'reinspect', p3, 'K-1', '--file', passFile], AA);
    }
    expect(re.json()).toMatchObject({ passed: true, status: 'closed' });
    for (let i = 0; i < 50 && state.rectifications[0]?.status !== 'closed'; i++) {
      await new Promise((res) => setTimeout(res, 200));
      state = (await cli(['--json', 'pilot', 'show', p3], AA)).json() as PilotState;
    }
    expect(state.rectifications[0]).toMatchObject({ id: 'K-1', status: 'closed' });
    const audit = ((await cli(['--json', 'audit', p3], AA)).json() as AuditEntry[]).filter((a) => a.action !== 'calendar.warning');
    expect(audit.map((a) => a.action)).toEqual([
      'approval.submit',
      'budget.approved',
      'inspection.record',
      'rectification.open',
      'rectification.closed',
    ]);
    expect(audit[1]).toMatchObject({ actor: { id: 'deputy', onBehalfOf: 'vp' }, after: { approvedBudgetFen: 800_000 } });
  });

  it('runs a filed lead change, a CC, a withdrawn examiner plan and an assessment result through the CLI', async () => {
    const today = shanghaiDate(Date.now());
    const p4 = `life-d-${suffix}`;
    expect(
      (
        await cli(
          [
            'pilot',
            'start',
            '--id',
            p4,
            '--college-id',
            'forestry',
            '--college-name',
            '林业学院',
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
          ],
          AA,
        )
      ).code,
    ).toBe(0);
    const ready = async (approvalId: string) => {
      for (let i = 0; i < 100; i++) {
        const r = await cli(['--json', 'approval', 'show', p4, approvalId], AA);
        if (r.code === 0) return r.json() as { status: string; cc: { email: string }[]; filing?: { reference: string } };
        await new Promise((res) => setTimeout(res, 200));
      }
      throw new Error(`approval ${approvalId} never started`);
    };

    // Art. 6(4): an examiner-training plan, withdrawn by its submitter before the college acts.
    const planFile = join(dir, 'examiner.json');
    writeFileSync(
      planFile,
      JSON.stringify({
        id: 'EX-1',
        year: 2027,
        trainees: [{ name: '李老师', email: 'li@college.test' }],
        content: '考评员培训',
        provider: '某评价组织',
        from: today,
        to: addDays(today, 30),
      }),
    );
    expect((await cli(['approval', 'submit', p4, '--kind', 'examinerPlan', '--file', planFile], LEAD)).code).toBe(0);
    await ready('examinerPlan-1');
    expect((await cli(['approval', 'withdraw', p4, 'examinerPlan-1', '--reason', '培训计划调整'], LEAD)).code).toBe(0);
    expect((await ready('examinerPlan-1')).status).toBe('withdrawn');

    // Art. 7: a lead change, copied to the college staff, approved and filed; the pilot's lead changes.
    const changeFile = join(dir, 'change.json');
    writeFileSync(
      changeFile,
      JSON.stringify({
        id: 'CR-1',
        changes: { lead: { name: '王老师', email: 'wang@college.test', userId: 'wang' } },
        reason: '张老师调任',
      }),
    );
    expect((await cli(['approval', 'submit', p4, '--kind', 'changeRequest', '--file', changeFile], LEAD)).code).toBe(0);
    await ready('changeRequest-1');
    expect((await cli(['approval', 'cc', p4, 'changeRequest-1', 'li@college.test'], LEAD)).code).toBe(0);
    expect(
      (await cli(['approval', 'decide', p4, 'changeRequest-1', '--step', 'college', '--outcome', 'approve'], 'dean:collegeLeader:forestry'))
        .code,
    ).toBe(0);
    expect((await cli(['approval', 'decide', p4, 'changeRequest-1', '--step', 'academicAffairs', '--outcome', 'approve'], AA)).code).toBe(
      0,
    );
    expect((await ready('changeRequest-1')).status).toBe('awaitingFiling');
    expect(
      (await cli(['approval', 'filing', p4, 'changeRequest-1', '--filed-on', today, '--reference', '粤教职函〔2026〕99号'], AA)).code,
    ).toBe(0);
    const concluded = await ready('changeRequest-1');
    expect(concluded).toMatchObject({
      status: 'approved',
      cc: [{ email: 'li@college.test' }],
      filing: { reference: '粤教职函〔2026〕99号' },
    });

    // Art. 12: a session recorded before its results, then its pass count.
    const sessionFile = join(dir, 'session-d.json');
    writeFileSync(
      sessionFile,
      JSON.stringify({
        id: 'S-D',
        date: today,
        components: [{ form: 'written', weightBp: 10000 }],
        publishedFeeFen: 20000,
        candidates: 30,
      }),
    );
    // Zhang is no longer this pilot's lead: refused; the college's staff records it.
    const formerLead = await cli(['assessment', p4, '--file', sessionFile], LEAD);
    expect(formerLead.code).toBe(2);
    expect(formerLead.stderr).toContain('[actor] 第十二条');
    expect((await cli(['assessment', p4, '--file', sessionFile], 'li:collegeStaff:forestry')).code).toBe(0);
    const result = await cli(['assessment-result', p4, 'S-D', '--passed', '27'], 'li:collegeStaff:forestry');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    let state = (await cli(['--json', 'pilot', 'show', p4], AA)).json() as PilotState;
    for (let i = 0; i < 50 && state.current.lead.email !== 'wang@college.test'; i++) {
      await new Promise((res) => setTimeout(res, 200));
      state = (await cli(['--json', 'pilot', 'show', p4], AA)).json() as PilotState;
    }
    expect(state.current.lead).toEqual({ name: '王老师', email: 'wang@college.test', userId: 'wang' });
    expect(state.passYears[0]).toMatchObject({ candidates: 30, passed: 27, restricted: false });
    const audit = ((await cli(['--json', 'audit', p4], AA)).json() as AuditEntry[]).filter((a) => a.action !== 'calendar.warning');
    expect(audit.map((a) => a.action)).toEqual([
      'approval.submit',
      'approval.withdrawn',
      'approval.submit',
      'change.applied',
      'assessment.record',
      'assessment.result',
    ]);
    expect(audit.find((a) => a.action === 'change.applied')).toMatchObject({
      before: { lead: { email: leadEmail } },
      after: { lead: { email: 'wang@college.test' } },
    });
  });

  it('bulk actions with a dry run: extend a provincial deadline for many pilots, remind every pilot with something overdue', async () => {
    const today = shanghaiDate(Date.now());
    const college = `bulk-${suffix}`;
    const client = new Client({ connection });
    // Two pilots that started three weeks ago: their past weeks are missed at once (overdue).
    const startedAt = new Date(Date.now() - 21 * 86_400_000).toISOString();
    const ids = [`bulk-a-${suffix}`, `bulk-b-${suffix}`];
    for (const id of ids) {
      const pilot = pilotRecordSchema.parse(
        samplePilot({
          id,
          startDate: shanghaiDate(Date.parse(startedAt)),
          endDate: addDays(today, 200),
          college: { id: college, name: '批量学院' },
          lead: { name: '张老师', email: `lead-${id}@college.test`, userId: 'zhang' },
        }),
      );
      await client.workflow.start(pilotWorkflow, {
        ...pilotStartOptions(pilot),
        args: [{ pilot, carried: initialPilotState(pilot, startedAt) }],
        taskQueue,
      });
    }
    await cli(['provincial', 'request', ...ids, '--id', 'R-9', '--title', '年报', '--due', addDays(today, 5)], AA);
    const dryExtend = await cli(
      [
        '--json',
        'extend-deadline',
        ...ids,
        'no-such-pilot',
        '--kind',
        'provincialRequest',
        '--item',
        'R-9',
        '--to',
        addDays(today, 12),
        '--reason',
        '省厅延期',
        '--dry-run',
      ],
      AA,
    );
    expect((dryExtend.json() as { results: { pilotId: string; ok: boolean }[] }).results.map((r) => [r.pilotId, r.ok])).toEqual([
      [ids[0], true],
      [ids[1], true],
      ['no-such-pilot', false],
    ]);
    const extended = await cli(
      [
        '--json',
        'extend-deadline',
        ...ids,
        '--kind',
        'provincialRequest',
        '--item',
        'R-9',
        '--to',
        addDays(today, 12),
        '--reason',
        '省厅延期',
      ],
      AA,
    );
    expect(extended.json()).toMatchObject({ dryRun: false, results: ids.map((pilotId) => ({ pilotId, ok: true })) });
    const s0 = (await cli(['--json', 'pilot', 'show', ids[0]!], AA)).json() as PilotState;
    // Due on (or, off a holiday, after) the new date.
    expect(s0.provincial[0]!.dueDate >= addDays(today, 12)).toBe(true);
    expect(s0.audit.filter((a) => a.action === 'deadline.extend').map((a) => a.actor?.id)).toEqual(['jwb']);

    // Remind everyone overdue in that college: listed through OnexOverdue, dry run first.
    let dry: { results: { pilotId: string; ok: boolean }[] } = { results: [] };
    for (let i = 0; i < 100 && dry.results.length < 2; i++) {
      dry = (await cli(['--json', 'remind-overdue', '--college', college, '--dry-run'], AA)).json() as typeof dry;
      if (dry.results.length < 2) await new Promise((r) => setTimeout(r, 300));
    }
    expect(dry.results.map((r) => r.pilotId).sort()).toEqual([...ids].sort());
    const byLead = await cli(['remind-overdue', '--college', college], LEAD);
    expect(byLead.code).not.toBe(0);
    const sent = (await cli(['--json', 'remind-overdue', '--college', college, '--note', '请尽快补交'], AA)).json() as typeof dry;

    // The current working-day schedule handed to every running pilot (dry run first).
    const calDry = (await cli(['--json', 'calendar-refresh', '--college', college, '--dry-run'], AA)).json() as typeof dry;
    expect(calDry.results.map((r) => r.pilotId).sort()).toEqual([...ids].sort());
    expect(((await cli(['--json', 'audit', ids[0]!], AA)).json() as AuditEntry[]).some((a) => a.action === 'calendar.refresh')).toBe(false);
    const cal = (await cli(['--json', 'calendar-refresh', '--college', college], AA)).json() as typeof dry;
    expect(cal.results.every((r) => r.ok)).toBe(true);
    expect(
      ((await cli(['--json', 'audit', ids[0]!], AA)).json() as AuditEntry[])
        .filter((a) => a.action === 'calendar.refresh')
        .map((a) => a.actor?.id),
    ).toEqual(['jwb']);
    expect(sent.results.every((r) => r.ok)).toBe(true);
    for (const id of ids) {
      let subjects: string[] = [];
      for (let i = 0; i < 100 && !subjects.some((x) => x.startsWith('【教务部提醒】')); i++) {
        subjects = (
          (await (
            await fetch(`${sink.httpUrl}/api/messages?to=${encodeURIComponent(`lead-${id}@college.test`)}`)
          ).json()) as StoredMessageSummary[]
        ).map((m) => m.subject);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(subjects.filter((x) => x.startsWith('【教务部提醒】'))).toHaveLength(1);
    }
  });
});
