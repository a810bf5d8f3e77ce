import { describe, expect, it } from 'vitest';
import { render } from '../../activities/templates';
import { pilotRecordSchema } from '../../domain/pilot';
import {
  addMonths,
  applicationWorkflowId,
  confirmationDeadline,
  internalDeadline,
  mayActForCollege,
  noticeWorkingDays,
  passRecordInputSchema,
  pilotRecordFor,
  previousWorkingDay,
  publicNoticeFor,
  roundRecordSchema,
  roundWorkflowId,
} from '../../domain/round';
import type { RoundNotification } from '../../domain/round-notifications';
import { currentRulesVersion } from '../../domain/tables';
import { sampleRound } from '../../scripts/support/rounds';
import { actors, application, calendar, refusalsOf, shape, table } from './fixtures';

const round = (over: Parameters<typeof sampleRound>[0]) => roundRecordSchema.parse(sampleRound(over));

describe('the round record (Art. 9(1)–(2))', () => {
  it('keeps the call: year, document number, requirements, deadlines; the notice length defaults to the table', () => {
    const r = round({ id: 'r2027', internalDeadline: '2026-12-07', provincialDeadline: '2026-12-14' });
    expect(r).toMatchObject({ id: 'r2027', year: 2027, documentNumber: '粤教职函〔2026〕88号', rulesVersion: currentRulesVersion });
    expect(noticeWorkingDays(r, table)).toBe(5);
    expect(noticeWorkingDays({ publicNoticeWorkingDays: 7 }, table)).toBe(7);
    expect(roundWorkflowId('r2027')).toBe('round:r2027');
    expect(applicationWorkflowId('r2027', 'F1')).toBe('application:r2027:F1');
  });

  it('refuses an internal deadline on or after the provincial one (Art. 9(2)), a blank document number and a college listed twice', () => {
    const bad = sampleRound({ id: 'r', internalDeadline: '2026-12-14', provincialDeadline: '2026-12-14', documentNumber: ' ' });
    bad.colleges = [...bad.colleges, bad.colleges[0]!];
    expect(shape(refusalsOf(roundRecordSchema, bad))).toEqual([
      { ruleId: 'input.invalid', article: null, severity: 'hard', field: 'documentNumber' },
      { ruleId: 'art9.internalDeadline', article: { article: 9, item: 2 }, severity: 'hard', field: 'internalDeadline' },
      { ruleId: 'input.invalid', article: null, severity: 'hard', field: 'colleges.3.id' },
    ]);
  });
});

describe('deadlines on the Chinese calendar', () => {
  it('the internal deadline falls at 17:00 Beijing time with a reminder 24 h before', () => {
    expect(internalDeadline({ internalDeadline: '2026-12-07' }, table)).toEqual({
      dueDate: '2026-12-07',
      dueAt: '2026-12-07T09:00:00.000Z',
      remindAt: '2026-12-06T09:00:00.000Z',
    });
  });

  it('the list is due on the last working day before the provincial deadline (National Day 2025 skipped)', () => {
    expect(previousWorkingDay('2025-10-09', calendar())).toBe('2025-09-30');
    expect(confirmationDeadline({ internalDeadline: '2025-09-20', provincialDeadline: '2025-10-09' }, table, calendar()).dueAt).toBe(
      '2025-09-30T09:00:00.000Z',
    );
    // Never before the internal deadline's own date.
    expect(confirmationDeadline({ internalDeadline: '2025-10-09', provincialDeadline: '2025-10-10' }, table, calendar()).dueDate).toBe(
      '2025-10-09',
    );
  });

  it('a public notice from Fri 2025-09-26 ends Thu 2025-10-09, at midnight Beijing time', () => {
    expect(publicNoticeFor('2025-09-26', 5, calendar())).toEqual({
      start: '2025-09-26',
      end: '2025-10-09',
      workingDays: 5,
      endsAt: '2025-10-09T16:00:00.000Z',
    });
    // Across the 2026 Spring Festival (2/15–2/23; 2/14 and 2/28 are make-up workdays).
    expect(publicNoticeFor('2026-02-12', 5, calendar())).toMatchObject({ start: '2026-02-12', end: '2026-02-25' });
    // And New Year's Day 2027 (statutory, in the project's calendar data).
    expect(publicNoticeFor('2026-12-29', 5, calendar()).end).toBe('2027-01-05');
  });
});

describe('from an approved application to its pilot (Art. 9(4))', () => {
  it('addMonths keeps the day, clamped to the month', () => {
    expect(addMonths('2027-01-06', 24)).toBe('2029-01-06');
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2027-11-30', 3)).toBe('2028-02-29');
  });

  it('carries task size, lead, budget, contacts and its origin', () => {
    const r = round({ id: 'r2027', internalDeadline: '2026-12-07', provincialDeadline: '2026-12-14' });
    const app = application({ id: 'F1', roundId: 'r2027', plannedExaminees: 45, budgetFen: 8_000_000, plannedDurationMonths: 18 });
    const pilot = pilotRecordSchema.parse(pilotRecordFor(app, r, '2027-01-06'));
    expect(pilot).toMatchObject({
      id: 'r2027.F1',
      startDate: '2027-01-06',
      endDate: '2028-07-05',
      approvedTask: 45,
      approvedBudgetFen: 8_000_000,
      lead: app.lead,
      collegeLeaderEmail: 'dean.forestry@college.test',
      academicAffairsEmail: 'jwb@college.test',
      source: { roundId: 'r2027', applicationId: 'F1' },
    });
  });
});

describe('who acts for a college (Art. 5(2))', () => {
  const app = application();
  it('its staff and leader, the proposed lead, Academic Affairs on behalf; not another college', () => {
    const what = { zh: '提交申报', en: 'submit the application' };
    expect(mayActForCollege(actors.collegeStaff, app, what)).toEqual([]);
    expect(mayActForCollege({ id: 'zhang@example.edu.cn', role: 'pilotLead' }, app, what)).toEqual([]);
    expect(mayActForCollege({ ...actors.academicAffairs, onBehalfOf: 'cs.chen' }, app, what)).toEqual([]);
    expect(shape(mayActForCollege(actors.otherCollegeLeader, app, what))).toEqual([
      { ruleId: 'art5.applicant', article: { article: 5, item: 2 }, severity: 'hard', field: 'actor' },
    ]);
    expect(mayActForCollege(actors.academicAffairs, app, what)[0]!.message.en).toContain('onBehalfOf');
  });
});

describe('pass records (Art. 12)', () => {
  it('refuses more passed than candidates', () => {
    expect(
      shape(
        refusalsOf(passRecordInputSchema, {
          year: 2026,
          collegeId: 'forestry',
          major: { name: '林业技术' },
          certificate: { name: 'x', evaluationOrg: 'y' },
          candidates: 30,
          passed: 31,
        }),
      ),
    ).toEqual([{ ruleId: 'input.invalid', article: null, severity: 'hard', field: 'passed' }]);
  });
});

describe('round e-mails: Chinese first, then English; the round or application, the article, the due date, a link', () => {
  const base = {
    workflowId: 'application:r2027:F1',
    occurredAt: '2026-12-06T09:00:00.000Z',
    round: { id: 'r2027', year: 2027, title: '关于开展2027年试点申报的通知', documentNumber: '粤教职函〔2026〕88号' },
  };
  const app = {
    id: 'F1',
    collegeName: '林业工程学院',
    majorName: '林业技术',
    certificateName: '林业有害生物防治',
    level: 'intermediate' as const,
    leadName: '张老师',
  };
  const links = { adminUrl: 'https://onex.example.edu/' };
  const cases: [RoundNotification, string, string[]][] = [
    [
      {
        ...base,
        kind: 'roundOpened',
        eventKey: 'opened:forestry',
        to: [{ role: 'collegeLeader', email: 'd@x' }],
        article: { article: 9, item: 2 },
        collegeName: '林业工程学院',
        internalDeadlineAt: '2026-12-07T09:00:00.000Z',
        provincialDeadline: '2026-12-14',
        requirements: '按专业申报',
      },
      '【1+X试点申报通知】2027 年度《关于开展2027年试点申报的通知》（粤教职函〔2026〕88号） 校内截止 2026-12-07 17:00',
      ['第九条（二）', 'Art. 9(2)', '申报要求：按专业申报', 'https://onex.example.edu/rounds/r2027'],
    ],
    [
      {
        ...base,
        kind: 'stepReminder',
        eventKey: 'step:1:college:reminder',
        to: [{ role: 'collegeLeader', email: 'd@x' }],
        article: { article: 5, item: 2 },
        application: app,
        step: 'college',
        dueAt: '2026-12-07T09:00:00.000Z',
      },
      '【1+X试点申报提醒】林业工程学院 林业技术 林业有害生物防治：二级学院负责人审核签字将于 2026-12-07 17:00 截止',
      ['第五条（二）', 'declaring the materials authentic', 'https://onex.example.edu/rounds/r2027/applications/F1'],
    ],
    [
      {
        ...base,
        kind: 'stepOverdue',
        eventKey: 'step:1:academicAffairs:overdue',
        to: [{ role: 'schoolLeader', email: 'vp@x' }],
        article: { article: 9, item: 2 },
        application: app,
        step: 'academicAffairs',
        dueAt: '2026-12-07T09:00:00.000Z',
        escalatedTo: { zh: '主管校领导', en: 'the school leader' },
      },
      '【1+X试点申报逾期督办】林业工程学院 林业技术 林业有害生物防治：教务部审核已于 2026-12-07 17:00 逾期',
      ['现升级至主管校领导督办', 'escalated to the school leader', '致：主管校领导'],
    ],
    [
      {
        ...base,
        kind: 'returnedForRevision',
        eventKey: 'step:2:returned',
        to: [{ role: 'pilotLead', email: 'l@x', name: '张老师' }],
        article: { article: 9, item: 2 },
        application: app,
        returnedBy: 'academicAffairs',
        returnedTo: 'draft',
        comment: '请补充课程',
        dueAt: '2026-12-14T09:00:00.000Z',
      },
      '【1+X试点申报退回修改】林业工程学院 林业技术 林业有害生物防治：教务部审核退回，请于 2026-12-14 17:00 前处理',
      ['退回意见：请补充课程', 'goes straight back to "Academic Affairs review"'],
    ],
    [
      {
        ...base,
        kind: 'provincialResult',
        eventKey: 'result:F1:1',
        to: [{ role: 'pilotLead', email: 'l@x' }],
        article: { article: 9, item: 3 },
        application: app,
        outcome: 'rejected',
        reason: '名额已满',
      },
      '【1+X试点申报结果】林业工程学院 林业技术 林业有害生物防治：省教育厅不予批准',
      ['理由：名额已满', 'Reason: 名额已满'],
    ],
    [
      {
        ...base,
        kind: 'provincialResult',
        eventKey: 'result:F1:pilot',
        to: [{ role: 'pilotLead', email: 'l@x' }],
        article: { article: 9, item: 4 },
        application: app,
        outcome: 'approved',
        pilotId: 'r2027.F1',
      },
      '【1+X试点立项】林业工程学院 林业技术 林业有害生物防治：省教育厅批准，试点 r2027.F1 已启动',
      ['第九条（四）', 'pilot id r2027.F1'],
    ],
    [
      {
        ...base,
        kind: 'publicNoticeStarted',
        eventKey: 'notice:1:F1',
        to: [{ role: 'academicAffairs', email: 'j@x' }],
        article: { article: 9, item: 3 },
        application: app,
        start: '2026-12-29',
        end: '2027-01-05',
        workingDays: 5,
      },
      '【1+X试点公示】林业工程学院 林业技术 林业有害生物防治：公示期 2026-12-29 至 2027-01-05',
      ['5 个工作日，节假日不计', '5 working days; holidays do not count'],
    ],
  ];
  it.each(cases.map((c) => [c[0].kind, ...c] as const))('%s', (_k, n, subjectZh, contains) => {
    const mail = render(n as never, links);
    expect(mail.subject.startsWith(`${subjectZh} / `)).toBe(true);
    for (const c of contains) expect(mail.text).toContain(c);
    expect(mail.text.indexOf('依据')).toBeLessThan(mail.text.indexOf('Under'));
    expect(mail.html).toContain('<div lang="zh-CN">');
  });
});
