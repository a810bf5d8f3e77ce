/**
 * Pilot applications (试点申报): the provincial call and the college-internal round
 * (Art. 9), the application itself, its eligibility (Art. 8), the Art. 12 restriction after
 * a pass rate below 90 %, the review chain (Art. 5(2), 9(2)) and the public notice
 * (公示, Art. 9(3)) counted in Chinese working days.
 *
 * Severity (DOMAIN.md): Art. 8(2) "原则上每个专业限申报 1 个证书试点" and Art. 8(3)
 * "考证人数原则上不低于 30 人" say 原则上, so they are waivable; Art. 8(5) only
 * encourages (鼓励) intermediate and advanced levels, so it is advisory and never blocks;
 * Art. 8(1), 8(4) and 8(6) are hard. Art. 12's restriction is hard unless Academic
 * Affairs waives it (DOMAIN.md), i.e. waivable.
 */
import { z } from 'zod';
import { academicAffairsStep, collegeLeaderStep, defineChain } from './approval';
import { formatBp, formatPassRate, passRateBelow, totalPassCount, type PassCount } from './assessment';
import type { IsoDate, WorkingCalendar } from './calendar';
import type { RuleResult } from './errors';
import { fenSchema } from './money';
import { certificateKey, sameMajor } from './organisation';
import {
  certificateLevelNames,
  certificateRefSchema,
  collegeRefSchema,
  idSchema,
  isoDateSchema,
  majorRefSchema,
  personSchema,
} from './pilot';
import { breach, defineRule, reportResults } from './rules';
import type { RuleTable } from './tables';
import { requiredText } from './validation';

export const applicationRules = {
  requirementsDeclared: defineRule({
    id: 'art8.requirementsDeclared',
    article: { article: 8, item: 1 },
    severity: 'hard',
    title: {
      zh: '申报须符合省教育厅及所申报证书的申报要求（须勾选声明）',
      en: 'the application meets the provincial and certificate requirements (a checked declaration)',
    },
    enforcedIn: ['domain/application.ts#checkApplication', 'workflows/application/drafting.ts'],
  }),
  onePilotPerMajor: defineRule({
    id: 'art8.onePilotPerMajor',
    article: { article: 8, item: 2 },
    severity: 'waivable',
    title: { zh: '原则上每个专业每轮限申报 1 个证书试点', en: 'in principle one certificate pilot per major per round' },
    enforcedIn: ['domain/application.ts#checkApplication', 'workflows/round/call.ts', 'workflows/application/review.ts'],
  }),
  minExaminees: defineRule({
    id: 'art8.minExaminees',
    article: { article: 8, item: 3 },
    severity: 'waivable',
    title: { zh: '考证人数原则上不低于 30 人', en: 'in principle at least 30 planned examinees' },
    enforcedIn: ['domain/application.ts#checkApplication', 'workflows/application/review.ts'],
  }),
  supportingCourse: defineRule({
    id: 'art8.supportingCourse',
    article: { article: 8, item: 4 },
    severity: 'hard',
    title: { zh: '须有与职业技能等级标准相关的课程支撑', en: 'at least one supporting course tied to the skill-level standard' },
    enforcedIn: ['domain/application.ts#checkApplication', 'workflows/application/drafting.ts'],
  }),
  levelEncouraged: defineRule({
    id: 'art8.levelEncouraged',
    article: { article: 8, item: 5 },
    severity: 'advisory',
    title: {
      zh: '鼓励申报中级、高级证书：申报初级证书时给出提示，但不受限制',
      en: 'intermediate and advanced levels are encouraged: an elementary application gets an advisory note and is never blocked',
    },
    enforcedIn: ['domain/application.ts#checkApplication', 'workflows/application/context.ts'],
  }),
  courseIntegration: defineRule({
    id: 'art8.courseIntegration',
    article: { article: 8, item: 6 },
    severity: 'hard',
    title: {
      zh: '课证融通：考证内容纳入人才培养方案并落实到具体课程',
      en: 'course–certificate integration: exam content is in the talent-training plan and named courses',
    },
    enforcedIn: ['domain/application.ts#checkApplication', 'workflows/application/drafting.ts'],
  }),
  passRateRestriction: defineRule({
    id: 'art12.passRateRestriction',
    article: { article: 12 },
    severity: 'waivable',
    title: {
      zh: '上一年度证书通过率低于 90% 的试点，限制下一年度试点申报（教务部可豁免）',
      en: "a pilot whose pass rate was below 90 % is restricted from next year's application (Academic Affairs may waive)",
    },
    enforcedIn: [
      'domain/application.ts#checkPassRateRestriction',
      'domain/application.ts#checkApplication',
      'domain/assessment.ts#passRateBelow',
      'workflows/application/context.ts',
      'workflows/application/review.ts',
      'workflows/registry.ts',
    ],
  }),
  internalDeadline: defineRule({
    id: 'art9.internalDeadline',
    article: { article: 9, item: 2 },
    severity: 'hard',
    title: { zh: '校内申报截止时间须早于省教育厅截止时间', en: "the college-internal deadline falls before the province's deadline" },
    enforcedIn: ['domain/application.ts#internalDeadlineResults', 'domain/round.ts#roundRecordSchema'],
  }),
  reviewChain: defineRule({
    id: 'art9.applicationReview',
    article: { article: 9, item: 2 },
    severity: 'hard',
    title: {
      zh: '申报材料经二级学院负责人审核（对材料真实性负责，第五条（二）），再由教务部审核汇总报送',
      en: 'the college leader signs the application off (answering for its authenticity, Art. 5(2)), then Academic Affairs reviews and submits it',
    },
    enforcedIn: ['domain/application.ts#applicationReviewChain', 'domain/approval.ts#checkApprover', 'workflows/application/review.ts'],
  }),
  publicNotice: defineRule({
    id: 'art9.publicNotice',
    article: { article: 9, item: 3 },
    severity: 'hard',
    title: {
      zh: '省教育厅评审结果经公示（按工作日计算，默认 5 个工作日）后确定批准',
      en: "the province's results are approved after a public notice counted in working days (default 5)",
    },
    enforcedIn: [
      'domain/application.ts#publicNoticePeriod',
      'domain/calendar.ts#WorkingCalendar',
      'domain/round.ts#publicNoticeFor',
      'workflows/round/provincial.ts',
    ],
  }),
} as const;

/** The fields of the provincial call and the internal round (domain/round.ts extends them). */
export const applicationRoundShape = {
  id: idSchema,
  year: z.number().int().min(2019).max(2100),
  /** 省教育厅申报文件 title or number. */
  provincialCall: requiredText(300, '省教育厅申报文件不能为空', 'the provincial call must not be blank'),
  provincialDeadline: isoDateSchema,
  internalDeadline: isoDateSchema,
};

/** Art. 9(2): the internal deadline falls before the province's. */
export function internalDeadlineResults(r: { internalDeadline: string; provincialDeadline: string }): RuleResult[] {
  if (r.internalDeadline < r.provincialDeadline) return [];
  return [
    breach(applicationRules.internalDeadline, 'internalDeadline', {
      zh: `校内截止日期（${r.internalDeadline}）须早于省教育厅截止日期（${r.provincialDeadline}）`,
      en: `the internal deadline (${r.internalDeadline}) must be before the provincial deadline (${r.provincialDeadline})`,
    }),
  ];
}

/** Art. 9(1)–(2): the provincial call and the internal round Academic Affairs opens. */
export const applicationRoundSchema = z
  .object(applicationRoundShape)
  .superRefine((r, ctx) => reportResults(ctx, internalDeadlineResults(r)));
export type ApplicationRound = z.output<typeof applicationRoundSchema>;

export const supportingCourseSchema = z.object({
  code: z.string().trim().max(32).optional(),
  name: requiredText(100, '课程名称不能为空', 'the course name must not be blank'),
  /** Which part of the skill-level standard the course supports (Art. 8(4)). */
  standardModules: requiredText(
    500,
    '请说明课程对应的职业技能等级标准内容',
    'say which part of the skill-level standard the course supports',
  ),
});

/**
 * An application as drafted. Eligibility is judged by {@link checkApplication}, not here,
 * so that each refusal cites its article and waivable ones can be waived.
 */
export const applicationSchema = z.object({
  id: idSchema,
  roundId: idSchema,
  /** The year applied for (the round's year). */
  year: z.number().int().min(2019).max(2100),
  college: collegeRefSchema,
  major: majorRefSchema,
  certificate: certificateRefSchema,
  lead: personSchema,
  /** Art. 8(1): the applicant declares the provincial and certificate requirements are met. */
  requirementsDeclared: z.boolean(),
  /** Art. 8(3). */
  plannedExaminees: z.number().int().min(0).max(100_000),
  /** Art. 8(4). */
  supportingCourses: z.array(supportingCourseSchema).max(50),
  /** Art. 8(6): 课证融通. */
  integration: z.object({
    inTalentTrainingPlan: z.boolean(),
    /** Courses whose classroom teaching carries the exam content. */
    courses: z.array(requiredText(100, '课程名称不能为空', 'the course name must not be blank')).max(50),
  }),
  /** Art. 6(1): construction plan and task book, as short summaries (files stay outside history). */
  constructionPlan: z.string().trim().max(5000).optional(),
  /** Planned special-fund budget (Art. 10–11), integer fen; the approved pilot carries it. */
  budgetFen: fenSchema.optional(),
  /** Planned length of the pilot in months (typically one to three years, Art. 9(4)). */
  plannedDurationMonths: z.number().int().min(6).max(60).default(24),
});
export type ApplicationInput = z.input<typeof applicationSchema>;
export type Application = z.output<typeof applicationSchema>;

/** A previous year's assessment result of a pilot (Art. 12). */
export interface PassRecord extends PassCount {
  /** The year the assessments were held. */
  year: number;
  collegeId: string;
  major: { code?: string | undefined; name: string };
  certificate: { name: string; evaluationOrg: string };
}

export interface ApplicationContext {
  /** Other live applications of the same round (withdrawn or rejected ones excluded). */
  sameRound: readonly Pick<Application, 'id' | 'roundId' | 'college' | 'major'>[];
  /** Assessment results of earlier years, any pilot (filtered here). */
  passRecords: readonly PassRecord[];
}

/**
 * The pass records of one college, major and certificate in one year: the major by
 * {@link sameMajor} (code, or name where a side has no code), the certificate by name and
 * evaluation organisation. Used by the registry's look-up and by the restriction itself.
 */
export function passRecordsOf<R extends Pick<PassRecord, 'year' | 'collegeId' | 'major' | 'certificate'>>(
  records: readonly R[],
  lookup: {
    year: number;
    collegeId: string;
    major: { code?: string | undefined; name: string };
    certificate: { name: string; evaluationOrg: string };
  },
): R[] {
  const cert = certificateKey(lookup.certificate);
  return records.filter((r) => r.year === lookup.year && sameMajor(r, lookup) && certificateKey(r.certificate) === cert);
}

/**
 * Art. 12: restricted when the same college + major + certificate (any level: the pilot
 * is the certificate at that major) had, over all its assessments in the previous year,
 * a pass rate below the threshold. Exact integer comparison.
 */
export function checkPassRateRestriction(
  app: Pick<Application, 'year' | 'college' | 'major' | 'certificate'>,
  passRecords: readonly PassRecord[],
  table: Pick<RuleTable, 'passRateThresholdBp'>,
): RuleResult[] {
  const last = passRecordsOf(passRecords, {
    year: app.year - 1,
    collegeId: app.college.id,
    major: app.major,
    certificate: app.certificate,
  });
  const total = totalPassCount(last);
  if (!passRateBelow(total, table.passRateThresholdBp)) return [];
  const rate = formatPassRate(total, table.passRateThresholdBp);
  const threshold = formatBp(table.passRateThresholdBp);
  return [
    breach(applicationRules.passRateRestriction, 'certificate', {
      zh: `该试点 ${app.year - 1} 年证书通过率为 ${rate}（${total.passed}/${total.candidates}），低于 ${threshold}，限制 ${app.year} 年度申报；如确需申报，须经教务部豁免`,
      en: `this pilot's ${app.year - 1} pass rate was ${rate} (${total.passed}/${total.candidates}), below ${threshold}; its ${app.year} application is restricted unless Academic Affairs waives it`,
    }),
  ];
}

/** Art. 8 (all items) and the Art. 12 restriction. Advisory results never block. */
export function checkApplication(
  app: Application,
  ctx: ApplicationContext,
  table: Pick<RuleTable, 'minPlannedExaminees' | 'maxPilotsPerMajorPerRound' | 'passRateThresholdBp' | 'encouragedLevels'>,
): RuleResult[] {
  const r = applicationRules;
  const out: RuleResult[] = [];
  if (!app.requirementsDeclared) {
    out.push(
      breach(r.requirementsDeclared, 'requirementsDeclared', {
        zh: '请确认申报符合省教育厅及所申报职业技能等级证书的申报要求',
        en: 'confirm that the application meets the provincial and certificate requirements',
      }),
    );
  }
  const mine = { collegeId: app.college.id, major: app.major };
  const others = ctx.sameRound.filter(
    (o) => o.id !== app.id && o.roundId === app.roundId && sameMajor(mine, { collegeId: o.college.id, major: o.major }),
  );
  if (others.length >= table.maxPilotsPerMajorPerRound) {
    out.push(
      breach(r.onePilotPerMajor, 'major', {
        zh: `专业“${app.major.name}”本轮已有 ${others.length} 个证书试点申报（${others.map((o) => o.id).join('、')}），原则上每个专业限申报 ${table.maxPilotsPerMajorPerRound} 个`,
        en: `major "${app.major.name}" already has ${others.length} application(s) this round (${others.map((o) => o.id).join(', ')}); in principle a major may apply for ${table.maxPilotsPerMajorPerRound}`,
      }),
    );
  }
  if (app.plannedExaminees < table.minPlannedExaminees) {
    out.push(
      breach(r.minExaminees, 'plannedExaminees', {
        zh: `计划考证人数 ${app.plannedExaminees} 人，原则上不低于 ${table.minPlannedExaminees} 人`,
        en: `${app.plannedExaminees} planned examinees; in principle at least ${table.minPlannedExaminees}`,
      }),
    );
  }
  if (app.supportingCourses.length === 0) {
    out.push(
      breach(r.supportingCourse, 'supportingCourses', {
        zh: '至少需要一门与职业技能等级标准相关的支撑课程',
        en: 'at least one supporting course tied to the skill-level standard is required',
      }),
    );
  }
  if (!(table.encouragedLevels as readonly string[]).includes(app.certificate.level)) {
    out.push(
      breach(r.levelEncouraged, 'certificate.level', {
        zh: `学校鼓励申报中级、高级证书；${certificateLevelNames[app.certificate.level].zh}证书照常受理`,
        en: `intermediate and advanced certificates are encouraged; ${certificateLevelNames[app.certificate.level].en} is accepted as usual`,
      }),
    );
  }
  if (!app.integration.inTalentTrainingPlan) {
    out.push(
      breach(r.courseIntegration, 'integration.inTalentTrainingPlan', {
        zh: '考证内容须纳入人才培养方案',
        en: 'the exam content must be part of the talent-training plan',
      }),
    );
  }
  if (app.integration.courses.length === 0) {
    out.push(
      breach(r.courseIntegration, 'integration.courses', {
        zh: '请列出承载考证内容的课程（课证融通）',
        en: 'name the courses whose teaching carries the exam content (course–certificate integration)',
      }),
    );
  }
  out.push(...checkPassRateRestriction(app, ctx.passRecords, table));
  return out;
}

/** Art. 5(2), 9(2): college leader signs off, then Academic Affairs reviews and submits. */
export const applicationReviewChain = defineChain('application', applicationRules.reviewChain, [collegeLeaderStep, academicAffairsStep]);

/**
 * Art. 9(3): the public notice (公示) of n working days starting on `start` (the start
 * counts when it is a working day): its last day, on the Chinese calendar.
 */
export function publicNoticePeriod(
  start: IsoDate,
  table: Pick<RuleTable, 'publicNoticeWorkingDays'>,
  calendar: WorkingCalendar,
): { start: IsoDate; end: IsoDate; workingDays: number } {
  const first = calendar.onOrNextWorkingDay(start);
  return {
    start: first,
    end: calendar.workingDaysPeriodEnd(first, table.publicNoticeWorkingDays),
    workingDays: table.publicNoticeWorkingDays,
  };
}
