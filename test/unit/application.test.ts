import { describe, expect, it } from 'vitest';
import {
  applicationRoundSchema,
  applicationReviewChain,
  checkApplication,
  checkPassRateRestriction,
  passRecordsOf,
  publicNoticePeriod,
  type ApplicationContext,
  type PassRecord,
} from '../../domain/application';
import { checkApprover, type ApprovalStep } from '../../domain/approval';
import { evaluateRules, grantWaiver } from '../../domain/waivers';
import { actors, application, calendar, NOW, refusalsOf, shape, table } from './fixtures';

const noContext: ApplicationContext = { sameRound: [], passRecords: [] };
const ids = (rs: { ruleId: string }[]) => rs.map((r) => r.ruleId);

describe('Art. 8(3) planned examinees ≥ 30 (waivable)', () => {
  it('30 is accepted', () => {
    expect(checkApplication(application({ plannedExaminees: 30 }), noContext, table)).toEqual([]);
  });

  it('29 is refused, waivable, citing Art. 8(3) on plannedExaminees', () => {
    const r = checkApplication(application({ plannedExaminees: 29 }), noContext, table);
    expect(shape(r)).toEqual([
      { ruleId: 'art8.minExaminees', article: { article: 8, item: 3 }, severity: 'waivable', field: 'plannedExaminees' },
    ]);
    expect(r[0]!.message).toEqual({ zh: '计划考证人数 29 人，原则上不低于 30 人', en: '29 planned examinees; in principle at least 30' });
    expect(evaluateRules(r, [], 'app-2026-001').ok).toBe(false);
  });

  it('29 with an Academic Affairs waiver is accepted and the waiver is recorded', () => {
    const app = application({ plannedExaminees: 29 });
    const granted = grantWaiver(
      { ruleId: 'art8.minExaminees', subjectId: app.id, reason: '新办专业首届学生 29 人，全部报考' },
      actors.academicAffairs,
      NOW,
    );
    if (!granted.ok) throw new Error(JSON.stringify(granted.errors));
    const e = evaluateRules(checkApplication(app, noContext, table), [granted.value], app.id);
    expect(e.ok).toBe(true);
    expect(e.blocking).toEqual([]);
    expect(e.waived).toHaveLength(1);
    expect(e.waived[0]!.result.ruleId).toBe('art8.minExaminees');
    expect(e.waived[0]!.waiver).toEqual({
      id: 'waiver:app-2026-001:art8.minExaminees',
      ruleId: 'art8.minExaminees',
      subjectId: 'app-2026-001',
      reason: '新办专业首届学生 29 人，全部报考',
      grantedBy: actors.academicAffairs,
      grantedAt: '2026-03-02T02:00:00.000Z',
    });
  });

  it('a waiver for another application does not carry over', () => {
    const g = grantWaiver({ ruleId: 'art8.minExaminees', subjectId: 'app-other', reason: '理由' }, actors.academicAffairs, NOW);
    if (!g.ok) throw new Error('grant failed');
    expect(evaluateRules(checkApplication(application({ plannedExaminees: 29 }), noContext, table), [g.value], 'app-2026-001').ok).toBe(
      false,
    );
  });
});

describe('Art. 8 other items', () => {
  it('8(1): the requirements declaration must be checked (hard)', () => {
    expect(shape(checkApplication(application({ requirementsDeclared: false }), noContext, table))).toEqual([
      { ruleId: 'art8.requirementsDeclared', article: { article: 8, item: 1 }, severity: 'hard', field: 'requirementsDeclared' },
    ]);
  });

  it('8(2): a second application for the same major in the round is refused (waivable); other majors, rounds and itself do not count', () => {
    const app = application();
    const sameMajor = {
      id: 'app-2026-002',
      roundId: 'round-2026',
      college: app.college,
      major: { code: '410301', name: '林业技术（改名）' },
    };
    const r = checkApplication(app, { sameRound: [sameMajor], passRecords: [] }, table);
    expect(shape(r)).toEqual([{ ruleId: 'art8.onePilotPerMajor', article: { article: 8, item: 2 }, severity: 'waivable', field: 'major' }]);
    expect(r[0]!.message.zh).toContain('app-2026-002');
    const unrelated = [
      { ...sameMajor, major: { code: '410302', name: '园林技术' } },
      { ...sameMajor, roundId: 'round-2025' },
      { ...sameMajor, college: { id: 'ecology', name: '生态学院' } },
      { id: app.id, roundId: app.roundId, college: app.college, major: app.major },
    ];
    expect(checkApplication(app, { sameRound: unrelated, passRecords: [] }, table)).toEqual([]);
  });

  it('8(4): no supporting course is refused (hard)', () => {
    expect(shape(checkApplication(application({ supportingCourses: [] }), noContext, table))).toEqual([
      { ruleId: 'art8.supportingCourse', article: { article: 8, item: 4 }, severity: 'hard', field: 'supportingCourses' },
    ]);
  });

  it('8(6): integration needs the talent-training plan and named courses (hard)', () => {
    expect(shape(checkApplication(application({ integration: { inTalentTrainingPlan: false, courses: [] } }), noContext, table))).toEqual([
      { ruleId: 'art8.courseIntegration', article: { article: 8, item: 6 }, severity: 'hard', field: 'integration.inTalentTrainingPlan' },
      { ruleId: 'art8.courseIntegration', article: { article: 8, item: 6 }, severity: 'hard', field: 'integration.courses' },
    ]);
  });

  it('8(5): elementary gets an advisory that never blocks; intermediate and advanced get none', () => {
    const elem = application({ certificate: { name: 'X', evaluationOrg: 'O', level: 'elementary' } });
    const r = checkApplication(elem, noContext, table);
    expect(shape(r)).toEqual([
      { ruleId: 'art8.levelEncouraged', article: { article: 8, item: 5 }, severity: 'advisory', field: 'certificate.level' },
    ]);
    const e = evaluateRules(r, [], elem.id);
    expect(e).toMatchObject({ ok: true, blocking: [], advisories: [{ ruleId: 'art8.levelEncouraged' }] });
    expect(checkApplication(application({ certificate: { name: 'X', evaluationOrg: 'O', level: 'advanced' } }), noContext, table)).toEqual(
      [],
    );
  });
});

describe('Art. 12 restriction on next year’s application', () => {
  const record = (candidates: number, passed: number, over: Partial<PassRecord> = {}): PassRecord => ({
    year: 2025,
    collegeId: 'forestry',
    major: { code: '410301', name: '林业技术' },
    certificate: { name: '林业有害生物防治', evaluationOrg: '某培训评价组织' },
    candidates,
    passed,
    ...over,
  });
  const app = application();

  it('a previous-year pass rate of 89.99 % restricts (waivable, Art. 12)', () => {
    const r = checkPassRateRestriction(app, [record(10_000, 8_999)], table);
    expect(shape(r)).toEqual([
      { ruleId: 'art12.passRateRestriction', article: { article: 12 }, severity: 'waivable', field: 'certificate' },
    ]);
    expect(r[0]!.message.zh).toContain('89.99%（8999/10000），低于 90%');
  });

  it('90.00 % does not restrict', () => {
    expect(checkPassRateRestriction(app, [record(10_000, 9_000)], table)).toEqual([]);
  });

  it('aggregates all of the previous year’s sessions of the same college + major + certificate', () => {
    // 45/50 = 90 % and 44/50 = 88 % → 89/100 = 89 % restricts; each alone would not both.
    expect(ids(checkPassRateRestriction(app, [record(50, 45), record(50, 44)], table))).toEqual(['art12.passRateRestriction']);
  });

  it('ignores other years, majors, colleges and certificates', () => {
    const bad = [
      record(100, 10, { year: 2024 }),
      record(100, 10, { major: { code: '410302', name: '园林技术' } }),
      record(100, 10, { collegeId: 'ecology' }),
      record(100, 10, { certificate: { name: '其他证书', evaluationOrg: '某培训评价组织' } }),
    ];
    expect(checkPassRateRestriction(app, bad, table)).toEqual([]);
  });

  it('a record entered by the major name restricts an application that gives the code, and the other way round (issue 12, 9)', () => {
    const byName = record(100, 80, { major: { name: '林业技术' } });
    expect(ids(checkPassRateRestriction(app, [byName], table))).toEqual(['art12.passRateRestriction']);
    const appByName = application({ major: { name: ' 林业技术' } });
    expect(ids(checkPassRateRestriction(appByName, [record(100, 80)], table))).toEqual(['art12.passRateRestriction']);
    // Codes decide when both sides give one: a renamed major is still itself, a different code is another major.
    expect(ids(checkPassRateRestriction(app, [record(100, 80, { major: { code: '410301', name: '林业技术（新）' } })], table))).toEqual([
      'art12.passRateRestriction',
    ]);
    expect(checkPassRateRestriction(app, [record(100, 80, { major: { code: '410399', name: '林业技术' } })], table)).toEqual([]);
  });

  it('the registry look-up and the restriction read the same records (passRecordsOf)', () => {
    const records = [
      record(100, 80, { major: { name: '林业技术' } }),
      record(100, 80, { year: 2024 }),
      record(100, 80, { collegeId: 'x' }),
    ];
    const lookup = { year: 2025, collegeId: 'forestry', major: { code: '410301', name: '林业技术' }, certificate: app.certificate };
    expect(passRecordsOf(records, lookup)).toEqual([records[0]]);
  });

  it('is part of checkApplication and Academic Affairs may waive it', () => {
    const r = checkApplication(app, { sameRound: [], passRecords: [record(100, 89)] }, table);
    expect(ids(r)).toEqual(['art12.passRateRestriction']);
    const g = grantWaiver(
      { ruleId: 'art12.passRateRestriction', subjectId: app.id, reason: '已完成整改，省厅同意继续申报' },
      actors.academicAffairs,
      NOW,
    );
    if (!g.ok) throw new Error('grant failed');
    expect(evaluateRules(r, [g.value], app.id).ok).toBe(true);
  });
});

describe('Art. 9 round, review chain and public notice', () => {
  it('the internal deadline must precede the provincial one', () => {
    const round = {
      id: 'round-2026',
      year: 2026,
      provincialCall: '粤教职函〔2026〕1号',
      provincialDeadline: '2026-04-30',
      internalDeadline: '2026-04-30',
    };
    expect(shape(refusalsOf(applicationRoundSchema, round))).toEqual([
      { ruleId: 'art9.internalDeadline', article: { article: 9, item: 2 }, severity: 'hard', field: 'internalDeadline' },
    ]);
    expect(applicationRoundSchema.parse({ ...round, internalDeadline: '2026-04-15' }).internalDeadline).toBe('2026-04-15');
  });

  it('college leader of the same college signs off first, then Academic Affairs', () => {
    const [college, aa] = applicationReviewChain.steps as [ApprovalStep, ApprovalStep];
    expect([college.id, aa.id]).toEqual(['college', 'academicAffairs']);
    const at = (step: ApprovalStep, stepIndex: number) => ({ status: 'pending' as const, step, stepIndex });
    expect(shape(checkApprover(applicationReviewChain, at(college, 0), actors.otherCollegeLeader, 'forestry'))).toEqual([
      { ruleId: 'art9.applicationReview', article: { article: 9, item: 2 }, severity: 'hard', field: 'actor.college' },
    ]);
    expect(checkApprover(applicationReviewChain, at(college, 0), actors.collegeLeader, 'forestry')).toEqual([]);
    expect(checkApprover(applicationReviewChain, at(college, 0), actors.academicAffairs, 'forestry').map((e) => e.field)).toEqual([
      'actor.role',
    ]);
    expect(checkApprover(applicationReviewChain, at(aa, 1), actors.academicAffairs, 'forestry')).toEqual([]);
  });

  it('a 5-working-day public notice from Fri 2025-09-26 ends Thu 2025-10-09', () => {
    expect(publicNoticePeriod('2025-09-26', table, calendar())).toEqual({ start: '2025-09-26', end: '2025-10-09', workingDays: 5 });
  });

  it('a notice published on a holiday starts on the next working day', () => {
    // Thu 10/9, Fri 10/10, Sat 10/11 (调休 make-up workday), Mon 10/13, Tue 10/14.
    expect(publicNoticePeriod('2025-10-03', table, calendar())).toEqual({ start: '2025-10-09', end: '2025-10-14', workingDays: 5 });
  });
});
