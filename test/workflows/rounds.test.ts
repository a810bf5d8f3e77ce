/**
 * Application rounds (Art. 5(2), 8, 9, 12) on the time-skipping test server: a round with
 * three colleges from the provincial call to approved pilots — a return-for-revision loop,
 * a waiver, a restricted major blocked, a second application for a major refused, a
 * withdrawal, a missed internal deadline and its escalation, a late consolidated list
 * escalated to the school leader, a rejection, a public notice across a holiday, and the
 * pilots started with the approved data.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import libraryData from 'chinese-days/dist/chinese-days.json';
import projectData from '../../domain/data/calendar.json';
import { addDays, createChinaCalendar, isoWeekday, shanghaiDate } from '../../domain/calendar';
import type { RuleResult } from '../../domain/errors';
import type { Notification } from '../../domain/notifications';
import { pilotWorkflowId } from '../../domain/pilot';
import { applicationWorkflowId, confirmationDeadline, roundRecordSchema } from '../../domain/round';
import { currentRulesVersion, ruleTable } from '../../domain/tables';
import {
  REFUSAL_FAILURE_TYPE,
  applicationStateQuery,
  confirmSubmission,
  createApplication,
  editApplication,
  pilotStateQuery,
  recordObjection,
  recordPassRecord,
  recordProvincialResult,
  recordPublicNotice,
  reviewApplication,
  roundStateQuery,
  signOffApplication,
  submitApplication,
  waiveApplicationRule,
  withdrawSubmission,
} from '../../workflows/messages';
import { programmeRegistryWorkflow, registryStartOptions } from '../../workflows/registry';
import { roundStartOptions, roundWorkflow } from '../../workflows/round';
import type { ApplicationState, RoundState } from '../../workflows/round-types';
import { aaActor, leader, sampleApplication, sampleRound, staff } from '../../scripts/support/rounds';
import { recordingActivities, useTimeSkippingWorker } from '../helpers/temporal';
import { eventually, sleepUntil as sleepUntilOf } from '../helpers/wait';

let env: TestWorkflowEnvironment;
const activities = recordingActivities();
const taskQueue = 'rounds-test';
const calendar = createChinaCalendar();
const table = ruleTable('2023.1');

useTimeSkippingWorker(taskQueue, activities, (e) => (env = e));

const sleepUntil = (instant: string) => sleepUntilOf(env, instant);

/** The refusal an update fails with: its RuleResults. */
async function refusal(p: Promise<unknown>): Promise<RuleResult[]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause.type).toBe(REFUSAL_FAILURE_TYPE);
  return cause.details?.[0] as RuleResult[];
}
const ids = (rs: RuleResult[]) => rs.map((r) => r.ruleId);
const mails = (workflowId: string, kind?: Notification['kind']) =>
  activities.sent.filter((n) => n.workflowId === workflowId && (kind === undefined || n.kind === kind));
const to = (n: Notification) => n.to.map((r) => r.email);

/** An independent count of n working days from `start`: weekdays and 调休 days, minus holidays, from the raw data. */
function independentNoticeEnd(start: string, n: number): string {
  const holidays = new Set([...Object.keys(libraryData.holidays), ...Object.keys(projectData.holidays)]);
  const workdays = new Set([...Object.keys(libraryData.workdays), ...Object.keys(projectData.workdays)]);
  let d = start;
  let counted = 0;
  for (;;) {
    if (!holidays.has(d) && (isoWeekday(d) <= 5 || workdays.has(d))) counted++;
    if (counted === n) return d;
    d = addDays(d, 1);
  }
}

/** The first statutory holiday on a weekday after `after`, from the calendar data. */
function nextWeekdayHoliday(after: string): string {
  for (let d = addDays(after, 1), i = 0; i < 400; i++, d = addDays(d, 1)) {
    if (calendar.dayInfo(d).kind === 'holiday' && isoWeekday(d) <= 5) return d;
  }
  throw new Error(`no holiday on a weekday in the calendar data within 400 days of ${after}: update domain/data/calendar.json`);
}

describe('an application round from the provincial call to approved pilots (Art. 8, 9, 12)', () => {
  it('three colleges: return loop, waiver, restricted major, missed deadline, late list, rejection, notice across a holiday, pilots', async () => {
    const today = shanghaiDate(await env.currentTimeMs());
    const internalDeadline = calendar.addWorkingDays(today, 5);
    const provincialDeadline = calendar.addWorkingDays(internalDeadline, 5);
    const round = roundRecordSchema.parse(sampleRound({ id: `r2027-${Date.now() % 100000}`, internalDeadline, provincialDeadline }));

    // Art. 12: last year (2026) ecology's 环境监测 pilot passed 35 of 40 (87.50 %) — restricted this year.
    const registry = await env.client.workflow.start(programmeRegistryWorkflow, { ...registryStartOptions(), taskQueue });
    const restricted = {
      year: 2026,
      collegeId: 'ecology',
      major: { code: '420101', name: '环境监测技术' },
      certificate: { name: '环境监测', evaluationOrg: '某培训评价组织' },
      candidates: 40,
      passed: 35,
    };
    const refusedRecord = await refusal(
      registry.executeUpdate(recordPassRecord, { args: [{ record: restricted, actor: staff('ecology') }] }),
    );
    expect(refusedRecord[0]).toMatchObject({ field: 'actor.role', article: { article: 4 } });
    const stored = await registry.executeUpdate(recordPassRecord, {
      args: [{ record: restricted, note: '2026 年考核结果（手工录入）', actor: aaActor }],
    });
    expect(stored).toMatchObject({
      key: '2026|ecology/code:420101|某培训评价组织/环境监测|manual',
      revision: 1,
      source: 'manual',
      recordedBy: aaActor,
    });

    const handle = await env.client.workflow.start(roundWorkflow, { ...roundStartOptions(round, aaActor), taskQueue });
    const state = () => handle.query(roundStateQuery);

    // Every college is told, one mail each: its leader and working group.
    const opened = await eventually(
      () => (mails(handle.workflowId, 'roundOpened').length === 3 ? mails(handle.workflowId, 'roundOpened') : undefined),
      'round opened mails',
    );
    expect(opened.map((n) => [n.eventKey, to(n)])).toEqual([
      ['opened:forestry', ['dean.forestry@college.test', 'chen@college.test']],
      ['opened:ecology', ['dean.ecology@college.test', 'sun@college.test']],
      ['opened:it', ['dean.it@college.test']],
    ]);
    expect(opened[0]).toMatchObject({
      article: { article: 9, item: 2 },
      provincialDeadline,
      round: { id: round.id, year: 2027, documentNumber: '粤教职函〔2026〕88号' },
    });

    const create = (application: ReturnType<typeof sampleApplication>, actor = staff(application.college.id)) =>
      handle.executeUpdate(createApplication, { args: [{ application, actor }] });
    const app = (id: string) => env.client.workflow.getHandle(applicationWorkflowId(round.id, id));
    const appState = (id: string): Promise<ApplicationState> => app(id).query(applicationStateQuery);

    // Drafts: forestry F1; IT I1 (29 examinees) and I2; ecology E1 (restricted) and E2 (never submitted).
    expect(await create(sampleApplication({ id: 'F1' }))).toEqual({ applicationId: 'F1', workflowId: `application:${round.id}:F1` });
    await create(
      sampleApplication({
        id: 'I1',
        collegeId: 'it',
        major: { code: '510201', name: '计算机应用技术' },
        certificate: { name: 'Web前端开发', evaluationOrg: '某科技公司', level: 'intermediate' },
        plannedExaminees: 29,
      }),
      { id: 'lead.I1', role: 'pilotLead' },
    );
    await create(
      sampleApplication({
        id: 'I2',
        collegeId: 'it',
        major: { code: '510203', name: '软件技术' },
        certificate: { name: '云计算平台运维', evaluationOrg: '某科技公司', level: 'advanced' },
      }),
      leader('it'),
    );
    await create(
      sampleApplication({
        id: 'E1',
        collegeId: 'ecology',
        major: { code: '420101', name: '环境监测技术' },
        certificate: { name: '环境监测', evaluationOrg: '某培训评价组织', level: 'elementary' },
      }),
    );
    await create(sampleApplication({ id: 'E2', collegeId: 'ecology', major: { code: '420102', name: '环境工程技术' } }));

    // Art. 8(2): a second application for the same major in the same round is refused (waivable, Academic Affairs may waive).
    const second = await refusal(
      create(
        sampleApplication({ id: 'F2', certificate: { name: '森林草原防火', evaluationOrg: '某培训评价组织', level: 'intermediate' } }),
      ),
    );
    expect(second.map((r) => [r.ruleId, r.article, r.severity, r.field])).toEqual([
      ['art8.onePilotPerMajor', { article: 8, item: 2 }, 'waivable', 'major'],
    ]);
    expect(second[0]!.message.zh).toContain('F1');
    // A college may not draft for another college.
    expect(
      ids(await refusal(create(sampleApplication({ id: 'F3', major: { code: '410302', name: '森林资源保护' } }), staff('ecology')))),
    ).toEqual(['art5.applicant']);

    // ── F1: a return-for-revision loop ─────────────────────────────────────
    await app('F1').executeUpdate(submitApplication, { args: [{ actor: staff('forestry') }] });
    expect(
      ids(await refusal(app('F1').executeUpdate(signOffApplication, { args: [{ outcome: 'approve', actor: leader('forestry') }] }))),
    ).toEqual(['art5.authenticity']);
    expect(
      ids(
        await refusal(
          app('F1').executeUpdate(signOffApplication, { args: [{ outcome: 'approve', declareAuthentic: true, actor: leader('ecology') }] }),
        ),
      ),
    ).toEqual(['art9.applicationReview']);
    let f1 = await app('F1').executeUpdate(signOffApplication, {
      args: [{ outcome: 'approve', declareAuthentic: true, actor: leader('forestry') }],
    });
    expect(f1.status).toBe('academicAffairs');
    // Returning needs a comment.
    expect(
      (await refusal(app('F1').executeUpdate(reviewApplication, { args: [{ outcome: 'return', returnTo: 'draft', actor: aaActor }] })))[0]!
        .field,
    ).toBe('comment');
    f1 = await app('F1').executeUpdate(reviewApplication, {
      args: [{ outcome: 'return', returnTo: 'draft', comment: '考证人数请按两个年级合计填写', actor: aaActor }],
    });
    expect(f1).toMatchObject({
      status: 'draft',
      openReturn: { by: 'academicAffairs', to: 'draft', comment: '考证人数请按两个年级合计填写' },
    });
    const returned = await eventually(() => mails(app('F1').workflowId, 'returnedForRevision')[0], 'returned mail');
    expect(to(returned)).toEqual(['lead.F1@college.test', 'chen@college.test']);
    expect(returned).toMatchObject({
      returnedBy: 'academicAffairs',
      returnedTo: 'draft',
      comment: '考证人数请按两个年级合计填写',
      article: { article: 9, item: 2 },
    });
    await app('F1').executeUpdate(editApplication, { args: [{ changes: { plannedExaminees: 45 }, actor: staff('forestry') }] });
    expect(
      ids(
        await refusal(
          app('F1').executeUpdate(editApplication, {
            args: [{ changes: { major: { code: '410302', name: '森林资源保护' } } as never, actor: staff('forestry') }],
          }),
        ),
      ),
    ).toEqual(['application.identity']);
    f1 = await app('F1').executeUpdate(submitApplication, { args: [{ actor: staff('forestry') }] });
    // The resubmission goes straight back to whoever returned it.
    expect(f1.status).toBe('academicAffairs');
    expect(f1.openReturn).toBeUndefined();
    f1 = await app('F1').executeUpdate(reviewApplication, { args: [{ outcome: 'approve', actor: aaActor }] });
    expect(f1.status).toBe('approved');

    // ── I1: 29 examinees cannot reach the province without an Academic Affairs waiver ──
    await app('I1').executeUpdate(submitApplication, { args: [{ actor: { id: 'lead.I1', role: 'pilotLead' } }] });
    await app('I1').executeUpdate(signOffApplication, { args: [{ outcome: 'approve', declareAuthentic: true, actor: leader('it') }] });
    const blocked = await refusal(app('I1').executeUpdate(reviewApplication, { args: [{ outcome: 'approve', actor: aaActor }] }));
    expect(blocked.map((r) => [r.ruleId, r.article, r.severity, r.field, r.message.zh])).toEqual([
      ['art8.minExaminees', { article: 8, item: 3 }, 'waivable', 'plannedExaminees', '计划考证人数 29 人，原则上不低于 30 人'],
    ]);
    expect(
      ids(
        await refusal(
          app('I1').executeUpdate(waiveApplicationRule, {
            args: [{ ruleId: 'art8.minExaminees', reason: '新专业首届', actor: leader('it') }],
          }),
        ),
      ),
    ).toEqual(['waiver.academicAffairsOnly']);
    expect(
      ids(
        await refusal(
          app('I1').executeUpdate(waiveApplicationRule, { args: [{ ruleId: 'art8.supportingCourse', reason: '理由', actor: aaActor }] }),
        ),
      ),
    ).toEqual(['waiver.waivableOnly']);
    const waiver = await app('I1').executeUpdate(waiveApplicationRule, {
      args: [{ ruleId: 'art8.minExaminees', reason: '新办专业首届学生 29 人，全部报考', actor: aaActor }],
    });
    expect(waiver).toMatchObject({
      id: 'waiver:I1:art8.minExaminees',
      ruleId: 'art8.minExaminees',
      subjectId: 'I1',
      reason: '新办专业首届学生 29 人，全部报考',
      grantedBy: aaActor,
    });
    const i1 = await app('I1').executeUpdate(reviewApplication, { args: [{ outcome: 'approve', actor: aaActor }] });
    expect(i1.status).toBe('approved');
    expect(i1.evaluation.waived.map((w) => [w.result.ruleId, w.waiverId])).toEqual([['art8.minExaminees', 'waiver:I1:art8.minExaminees']]);

    // ── I2: the submitter withdraws until the next step acts ─────────────────
    const lead2 = { id: 'lead.I2', role: 'pilotLead' as const };
    await app('I2').executeUpdate(submitApplication, { args: [{ actor: lead2 }] });
    expect(ids(await refusal(app('I2').executeUpdate(withdrawSubmission, { args: [{ actor: leader('it') }] })))).toEqual([
      'art9.applicationStep',
    ]);
    expect((await app('I2').executeUpdate(withdrawSubmission, { args: [{ actor: lead2, reason: '补充课程材料' }] })).status).toBe('draft');
    await app('I2').executeUpdate(submitApplication, { args: [{ actor: lead2 }] });
    await app('I2').executeUpdate(signOffApplication, { args: [{ outcome: 'approve', declareAuthentic: true, actor: leader('it') }] });
    expect(ids(await refusal(app('I2').executeUpdate(withdrawSubmission, { args: [{ actor: lead2 }] })))).toEqual(['art9.applicationStep']);
    await app('I2').executeUpdate(reviewApplication, { args: [{ outcome: 'approve', actor: aaActor }] });

    // ── E1: a restricted major is blocked (Art. 12) ────────────────────────
    await app('E1').executeUpdate(submitApplication, { args: [{ actor: staff('ecology') }] });
    await app('E1').executeUpdate(signOffApplication, { args: [{ outcome: 'approve', declareAuthentic: true, actor: leader('ecology') }] });
    const e1Blocked = await refusal(app('E1').executeUpdate(reviewApplication, { args: [{ outcome: 'approve', actor: aaActor }] }));
    expect(e1Blocked.map((r) => [r.ruleId, r.article, r.field])).toEqual([['art12.passRateRestriction', { article: 12 }, 'certificate']]);
    expect(e1Blocked[0]!.message.zh).toContain('87.50%（35/40）');
    expect((await appState('E1')).passRecords).toEqual([
      { year: 2026, collegeId: 'ecology', major: restricted.major, certificate: restricted.certificate, candidates: 40, passed: 35 },
    ]);
    const e1 = await app('E1').executeUpdate(reviewApplication, {
      args: [{ outcome: 'reject', comment: '上一年度通过率低于 90%，本年度不推荐', actor: aaActor }],
    });
    expect(e1.status).toBe('rejected');

    // The round's overview per college.
    let overview = await eventually(async () => {
      const s = await state();
      return s.colleges.find((c) => c.collegeId === 'it')?.counts.reviewed === 2 ? s : undefined;
    }, 'overview after reviews');
    expect(overview.colleges.map((c) => [c.collegeId, c.counts])).toEqual([
      ['forestry', { drafted: 1, signed: 1, reviewed: 1, returned: 0, submitted: 0, approved: 0, withdrawn: 0, rejected: 0 }],
      ['ecology', { drafted: 2, signed: 1, reviewed: 0, returned: 0, submitted: 0, approved: 0, withdrawn: 0, rejected: 1 }],
      ['it', { drafted: 2, signed: 2, reviewed: 2, returned: 0, submitted: 0, approved: 0, withdrawn: 0, rejected: 0 }],
    ]);

    // ── The internal deadline: E2 was never submitted ───────────────────────
    const e2 = await appState('E2');
    expect(e2.step).toMatchObject({ step: 'draft', dueAt: overview.internalDeadlineAt });
    await sleepUntil(overview.internalDeadlineAt);
    const e2Mails = await eventually(
      () => (mails(app('E2').workflowId).length === 2 ? mails(app('E2').workflowId) : undefined),
      'E2 reminder and escalation',
    );
    expect(e2Mails.map((n) => [n.kind, n.eventKey, to(n)])).toEqual([
      ['stepReminder', 'step:1:draft:reminder', ['lead.E2@college.test', 'sun@college.test']],
      [
        'stepOverdue',
        'step:1:draft:overdue',
        ['lead.E2@college.test', 'sun@college.test', 'dean.ecology@college.test', 'jwb@college.test'],
      ],
    ]);
    expect(e2Mails[1]).toMatchObject({
      step: 'draft',
      dueAt: overview.internalDeadlineAt,
      escalatedTo: { zh: '二级学院负责人和教务部', en: 'the college leader and Academic Affairs' },
    });
    expect((await appState('E2')).missedInternalDeadline).toBe(true);
    overview = await eventually(async () => {
      const s = await state();
      return s.stage === 'consolidation' && s.colleges[1]!.applications.find((a) => a.applicationId === 'E2')?.missedInternalDeadline
        ? s
        : undefined;
    }, 'consolidation stage');
    expect(ids(await refusal(create(sampleApplication({ id: 'F4', major: { code: '410303', name: '木材技术' } }))))).toEqual([
      'art9.roundOpen',
    ]);

    // ── The consolidated list: Academic Affairs misses its due time → the school leader ──
    const confDue = confirmationDeadline(round, table, calendar);
    expect(overview.confirmation.dueAt).toBe(confDue.dueAt);
    await sleepUntil(confDue.dueAt);
    const consolidation = await eventually(
      () =>
        mails(handle.workflowId, 'stepOverdue').length === 1 ? mails(handle.workflowId).filter((n) => n.kind !== 'roundOpened') : undefined,
      'consolidation escalation',
    );
    expect(consolidation.map((n) => [n.kind, n.eventKey, to(n)])).toEqual([
      ['stepReminder', 'consolidation:reminder', ['jwb@college.test']],
      ['stepOverdue', 'consolidation:overdue', ['jwb@college.test', 'vp@college.test']],
    ]);
    expect(
      ids(await refusal(handle.executeUpdate(confirmSubmission, { args: [{ applicationIds: ['F1', 'E1'], actor: aaActor }] }))),
    ).toEqual(['art9.consolidatedSubmission']);
    expect(
      ids(await refusal(handle.executeUpdate(confirmSubmission, { args: [{ applicationIds: ['F1'], actor: leader('forestry') }] }))),
    ).toEqual(['art9.consolidatedSubmission']);
    const confirmed = await handle.executeUpdate(confirmSubmission, { args: [{ applicationIds: ['F1', 'I1', 'I2'], actor: aaActor }] });
    expect(confirmed).toMatchObject({ submitted: ['F1', 'I1', 'I2'], notSubmitted: ['E2'], late: true });
    expect(await eventually(async () => ((await appState('E2')).status === 'notSubmitted' ? true : undefined), 'E2 not submitted')).toBe(
      true,
    );

    // ── Provincial results (Art. 9(3)) ───────────────────────────────────────
    expect(
      ids(
        await refusal(
          handle.executeUpdate(recordProvincialResult, { args: [{ applicationId: 'I1', outcome: 'rejected', actor: aaActor }] }),
        ),
      ),
    ).toEqual(['art9.provincialResult']);
    await handle.executeUpdate(recordProvincialResult, { args: [{ applicationId: 'F1', outcome: 'approved', actor: aaActor }] });
    await handle.executeUpdate(recordProvincialResult, { args: [{ applicationId: 'I2', outcome: 'approved', actor: aaActor }] });
    await handle.executeUpdate(recordProvincialResult, {
      args: [{ applicationId: 'I1', outcome: 'rejected', reason: '该证书本年度省级试点名额已满', actor: aaActor }],
    });
    const rejectedMail = await eventually(() => mails(handle.workflowId, 'provincialResult')[0], 'rejection mail');
    expect(rejectedMail).toMatchObject({
      outcome: 'rejected',
      reason: '该证书本年度省级试点名额已满',
      application: { id: 'I1' },
      article: { article: 9, item: 3 },
    });
    expect(to(rejectedMail)).toEqual(['lead.I1@college.test', 'dean.it@college.test', 'jwb@college.test']);

    // ── The public notice across a holiday ──────────────────────────────────
    const holiday = nextWeekdayHoliday(calendar.addWorkingDays(shanghaiDate(await env.currentTimeMs()), 3));
    let start = holiday;
    for (let k = 0; k < 3; k++) start = addDays(start, -1);
    while (!calendar.isWorkingDay(start)) start = addDays(start, -1);
    const notice = await handle.executeUpdate(recordPublicNotice, { args: [{ startDate: start, actor: aaActor }] });
    const naive = (() => {
      let d = start;
      let n = 0;
      for (;;) {
        if (isoWeekday(d) <= 5) n++;
        if (n === 5) return d;
        d = addDays(d, 1);
      }
    })();
    expect(notice.start).toBe(start);
    expect(notice.workingDays).toBe(5);
    expect(notice.end).toBe(independentNoticeEnd(start, 5));
    expect(notice.end > naive).toBe(true); // the holiday (${holiday}) does not count
    if (start === '2026-12-29') expect(notice.end).toBe('2027-01-05'); // across New Year's Day 2027
    expect(notice.endsAt).toBe(new Date(Date.parse(`${addDays(notice.end, 1)}T00:00:00+08:00`)).toISOString());
    const s2 = await state();
    expect(s2.publicNotice).toMatchObject({ start, end: notice.end, workingDays: 5, recordedBy: aaActor });
    expect(s2.stage).toBe('publicNotice');
    const noticeMails = await eventually(
      () => (mails(handle.workflowId, 'publicNoticeStarted').length === 2 ? mails(handle.workflowId, 'publicNoticeStarted') : undefined),
      'notice mails',
    );
    expect(noticeMails.map((n) => [(n as { application: { id: string } }).application.id, to(n)])).toEqual([
      ['F1', ['lead.F1@college.test', 'dean.forestry@college.test', 'jwb@college.test']],
      ['I2', ['lead.I2@college.test', 'dean.it@college.test', 'jwb@college.test']],
    ]);
    await handle.executeUpdate(recordObjection, {
      args: [{ applicationId: 'F1', content: '有教师反映考证人数统计有误，经核实无误', actor: aaActor }],
    });
    expect(
      ids(await refusal(handle.executeUpdate(recordObjection, { args: [{ applicationId: 'I1', content: '异议', actor: aaActor }] }))),
    ).toEqual(['art9.provincialResult']);

    // ── The notice ends: each approved application starts its pilot ──────────
    await sleepUntil(notice.endsAt);
    const outcome = await handle.result();
    expect(outcome).toEqual({ roundId: round.id, submitted: 3, approved: 2, rejected: 1, pilots: [`${round.id}.F1`, `${round.id}.I2`] });
    const pilotStart = shanghaiDate(Date.parse(notice.endsAt));
    for (const [appId, examinees, email] of [
      ['F1', 45, 'lead.F1@college.test'],
      ['I2', 40, 'lead.I2@college.test'],
    ] as const) {
      const pilot = env.client.workflow.getHandle(pilotWorkflowId(`${round.id}.${appId}`));
      const described = await pilot.describe();
      expect(described.status.name).toBe('RUNNING');
      const sa = Object.fromEntries(described.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
      expect(sa).toMatchObject({
        OnexKind: 'pilot',
        OnexCollege: appId === 'F1' ? 'forestry' : 'it',
        OnexStage: 'implementation',
        OnexRound: round.id,
      });
      const ps = await pilot.query(pilotStateQuery);
      expect(ps.pilot).toMatchObject({
        id: `${round.id}.${appId}`,
        approvedTask: examinees,
        approvedBudgetFen: 120_000_00,
        lead: { email },
        startDate: pilotStart,
        endDate: addDays(`${Number(pilotStart.slice(0, 4)) + 2}${pilotStart.slice(4)}`, -1),
        collegeLeaderEmail: appId === 'F1' ? 'dean.forestry@college.test' : 'dean.it@college.test',
        academicAffairsEmail: 'jwb@college.test',
        source: { roundId: round.id, applicationId: appId },
        rulesVersion: currentRulesVersion, // the round's, pinned when it opened
      });
      await pilot.terminate('test done');
    }
    const approvedMails = mails(handle.workflowId, 'provincialResult').filter((n) => (n as { outcome: string }).outcome === 'approved');
    expect(approvedMails.map((n) => [(n as { pilotId?: string }).pilotId, n.article])).toEqual([
      [`${round.id}.F1`, { article: 9, item: 4 }],
      [`${round.id}.I2`, { article: 9, item: 4 }],
    ]);

    // Each application's timeline; the final overview.
    const f1Final = await eventually(async () => {
      const s = await appState('F1');
      return s.status === 'pilotStarted' ? s : undefined;
    }, 'F1 told that its pilot started');
    expect(f1Final.status).toBe('pilotStarted');
    expect(f1Final.timeline.map((e) => e.event)).toEqual([
      'created',
      'submitted',
      'signedOff',
      'returned',
      'edited',
      'submitted',
      'approved',
      'submittedToProvince',
      'provincialResult',
      'publicNotice',
      'objection',
      'pilotStarted',
    ]);
    expect(f1Final.timeline[5]).toMatchObject({ event: 'submitted', to: 'academicAffairs', comment: 'resubmitted' });
    expect(f1Final.signedOff).toMatchObject({ by: leader('forestry') });
    expect((await appState('I1')).status).toBe('provinciallyRejected');
    const final: RoundState = await state();
    expect(final.stage).toBe('closed');
    expect(final.totals).toEqual({ drafted: 5, signed: 4, reviewed: 3, returned: 0, submitted: 3, approved: 2, withdrawn: 0, rejected: 2 });
    expect(final.pilots.map((p) => [p.applicationId, p.pilotId, p.error])).toEqual([
      ['F1', `${round.id}.F1`, undefined],
      ['I2', `${round.id}.I2`, undefined],
    ]);
    await registry.terminate('test done');
  });
});
