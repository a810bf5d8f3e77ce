/**
 * Application rounds (申报轮次, Art. 9): the provincial call as Academic Affairs records it,
 * the college-internal round with its earlier deadline, the steps an application goes
 * through and their due dates, the consolidated submission to the province, the provincial
 * results and the public notice (公示), and the pilot record an approved application becomes.
 *
 * Pure and deterministic: workflows, activities and the client share it.
 */
import { z } from 'zod';
import { actorSchema, hasRole, isAcademicAffairs, type Actor } from './actor';
import { applicationRoundShape, internalDeadlineResults, publicNoticePeriod, type Application, type PassRecord } from './application';
import { approvalStepDeadline } from './approval';
import { addDays, dateDeadline, toDayNumber, type Deadline, type IsoDate, type WorkingCalendar } from './calendar';
import { roundDateResult } from './date-window';
import type { ArticleRef, Bilingual, RuleResult } from './errors';
import { certificateKey, majorKey } from './organisation';
import { idSchema, personSchema, rulesVersionSchema, type PilotRecordInput } from './pilot';
import { breach, defineRule, reportResults } from './rules';
import type { RuleTable } from './tables';
import { requiredText } from './validation';

// ── Ids: one helper per workflow kind ────────────────────────────────────────
export const roundWorkflowId = (roundId: string): string => `round:${roundId}`;
/**
 * `application:<roundId>:<applicationId>`. Keyed by the application's own id, not by its
 * major: Art. 8(2) (one pilot per major) is waivable, so a second application for a major
 * must remain possible once Academic Affairs waives it; the round refuses it otherwise.
 */
export const applicationWorkflowId = (roundId: string, applicationId: string): string => `application:${roundId}:${applicationId}`;
/** The one long-running programme registry (pass records per pilot-year, Art. 12). */
export const programmeRegistryWorkflowId = (): string => 'programme-registry';
/** The pilot an approved application becomes: `<roundId>.<applicationId>` (at most 64 characters). */
export const pilotIdFor = (roundId: string, applicationId: string): string => `${roundId}.${applicationId}`;
export const MAX_PILOT_ID = 64;

export const ART9_2: ArticleRef = { article: 9, item: 2 };
export const ART9_3: ArticleRef = { article: 9, item: 3 };
export const ART9_4: ArticleRef = { article: 9, item: 4 };
export const ART5_2: ArticleRef = { article: 5, item: 2 };

export const roundRules = {
  openedByAcademicAffairs: defineRule({
    id: 'art4.roundOpen',
    article: { article: 4 },
    severity: 'hard',
    title: {
      zh: '申报轮次由教务部组织（记录省教育厅申报文件并开启校内申报）',
      en: 'Academic Affairs organises application rounds (records the provincial call and opens the internal round)',
    },
    enforcedIn: ['client/round-service.ts'],
  }),
  internalRoundOpen: defineRule({
    id: 'art9.roundOpen',
    article: { article: 9, item: 2 },
    severity: 'hard',
    title: {
      zh: '校内申报截止后不再接收新的申报；申报须来自本轮参加的二级学院',
      en: 'no new application after the internal deadline; applications come from the colleges taking part in the round',
    },
    enforcedIn: ['workflows/round/call.ts'],
  }),
  applicant: defineRule({
    id: 'art5.applicant',
    article: { article: 5, item: 2 },
    severity: 'hard',
    title: {
      zh: '申报由二级学院（部）组织：本学院工作人员、负责人或拟任试点负责人起草、提交、撤回',
      en: 'the college organises its applications: its staff, its leader or the proposed pilot lead draft, submit and withdraw them',
    },
    enforcedIn: ['domain/round.ts#mayActForCollege', 'workflows/application/drafting.ts', 'workflows/round/call.ts'],
  }),
  authenticity: defineRule({
    id: 'art5.authenticity',
    article: { article: 5, item: 2 },
    severity: 'hard',
    title: {
      zh: '二级学院负责人审核签字时须声明对申报材料的真实性负责',
      en: 'the college leader signs off by declaring the materials authentic',
    },
    enforcedIn: ['workflows/application/review.ts'],
  }),
  stepOrder: defineRule({
    id: 'art9.applicationStep',
    article: { article: 9, item: 2 },
    severity: 'hard',
    title: {
      zh: '申报按 起草 → 二级学院审核 → 教务部审核 的顺序办理；退回后重新提交直接回到退回人；提交人可在下一环节处理前撤回',
      en: 'an application goes draft → college sign-off → Academic Affairs review; a resubmission goes straight back to whoever returned it; the submitter may withdraw until the next step acts',
    },
    enforcedIn: ['workflows/application/drafting.ts', 'workflows/application/review.ts'],
  }),
  consolidatedSubmission: defineRule({
    id: 'art9.consolidatedSubmission',
    article: { article: 9, item: 2 },
    severity: 'hard',
    title: {
      zh: '教务部在省教育厅截止日期前确认汇总报送名单，名单只含教务部审核通过的申报；逾期未确认升级至主管校领导',
      en: "Academic Affairs confirms the consolidated list before the province's deadline, only applications it approved; a late or missing confirmation escalates to the school leader",
    },
    enforcedIn: ['workflows/round/consolidation.ts', 'domain/round.ts#confirmationDeadline'],
  }),
  provincialResult: defineRule({
    id: 'art9.provincialResult',
    article: { article: 9, item: 3 },
    severity: 'hard',
    title: {
      zh: '省教育厅评审结果由教务部逐项录入（批准，或不予批准并注明理由）；公示期内可录入异议',
      en: "Academic Affairs records the province's result per application (approved, or rejected with a reason); objections are recorded during the public notice",
    },
    enforcedIn: ['workflows/round/provincial.ts'],
  }),
} as const;

// ── The round ────────────────────────────────────────────────────────────────
export const roundCollegeSchema = z.object({
  id: idSchema,
  name: requiredText(100, '学院名称不能为空', 'the college name must not be blank'),
  /** The college leader: signs applications off (Art. 5(2)). */
  leader: personSchema,
  /** The college's 1+X working group members who draft applications (Art. 5). */
  staff: z.array(personSchema).max(20).default([]),
});
export type RoundCollege = z.output<typeof roundCollegeSchema>;

/** Art. 9(1)–(2): the provincial call as recorded, and the internal round. */
export const roundRecordSchema = z
  .object({
    ...applicationRoundShape,
    /** 省教育厅文件文号, e.g. 粤教职函〔2026〕12号. */
    documentNumber: requiredText(100, '省教育厅文件文号不能为空', "the provincial call's document number must not be blank"),
    /** The province's requirements, as a summary (the call's files stay outside history). */
    requirements: requiredText(5000, '请填写省教育厅的申报要求', "state the province's requirements"),
    colleges: z.array(roundCollegeSchema).min(1).max(100),
    academicAffairs: personSchema,
    schoolLeader: personSchema,
    /** Art. 9(3): public-notice length in working days; the pinned rule table's value when omitted. */
    publicNoticeWorkingDays: z.number().int().min(1).max(30).optional(),
    rulesVersion: rulesVersionSchema,
  })
  .superRefine((r, ctx) => {
    reportResults(ctx, internalDeadlineResults(r));
    reportResults(
      ctx,
      [
        roundDateResult('provincialDeadline', r.provincialDeadline, r.year),
        roundDateResult('internalDeadline', r.internalDeadline, r.year),
      ].filter((x): x is RuleResult => x !== null),
    );
    const seen = new Set<string>();
    r.colleges.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({
          code: 'custom',
          path: ['colleges', i, 'id'],
          message: `college ${c.id} is listed twice`,
          params: { zh: `学院 ${c.id} 重复列出` },
        });
      seen.add(c.id);
    });
  });
export type RoundRecordInput = z.input<typeof roundRecordSchema>;
export type RoundRecord = z.output<typeof roundRecordSchema>;

/** The notice length a round uses: its own override, else the pinned table's. */
export function noticeWorkingDays(
  round: Pick<RoundRecord, 'publicNoticeWorkingDays'>,
  table: Pick<RuleTable, 'publicNoticeWorkingDays'>,
): number {
  return round.publicNoticeWorkingDays ?? table.publicNoticeWorkingDays;
}

/** The internal deadline instant: the date at the table's deadline time, a reminder before it. */
export function internalDeadline(
  round: Pick<RoundRecord, 'internalDeadline'>,
  table: Pick<RuleTable, 'deadlineTime' | 'reminderLeadHours'>,
): Deadline {
  return dateDeadline(round.internalDeadline, table.deadlineTime, table.reminderLeadHours.approvalStep);
}

/** The last working day strictly before `date`. */
export function previousWorkingDay(date: IsoDate, calendar: WorkingCalendar): IsoDate {
  let d = addDays(date, -1);
  for (let i = 0; i < 366; i++, d = addDays(d, -1)) if (calendar.isWorkingDay(d)) return d;
  throw new RangeError(`no working day within a year before ${date}`);
}

/**
 * When Academic Affairs must have confirmed the consolidated list: the last working day
 * before the provincial deadline, at the deadline time (the day itself is for delivery).
 * Never before the internal deadline's date.
 */
export function confirmationDeadline(
  round: Pick<RoundRecord, 'internalDeadline' | 'provincialDeadline'>,
  table: Pick<RuleTable, 'deadlineTime' | 'reminderLeadHours'>,
  calendar: WorkingCalendar,
): Deadline {
  const before = previousWorkingDay(round.provincialDeadline, calendar);
  const date = before < round.internalDeadline ? round.internalDeadline : before;
  return dateDeadline(date, table.deadlineTime, table.reminderLeadHours.approvalStep);
}

/** The public notice: its dates, and the instant it ends (the end of its last day, Beijing time). */
export interface PublicNotice {
  start: IsoDate;
  end: IsoDate;
  workingDays: number;
  endsAt: string;
}

export function publicNoticeFor(start: IsoDate, workingDays: number, calendar: WorkingCalendar): PublicNotice {
  const p = publicNoticePeriod(start, { publicNoticeWorkingDays: workingDays }, calendar);
  return { ...p, endsAt: dateDeadline(addDays(p.end, 1), '00:00', 0).dueAt };
}

// ── Application steps ────────────────────────────────────────────────────────
export const applicationSteps = ['draft', 'college', 'academicAffairs'] as const;
export type ApplicationStep = (typeof applicationSteps)[number];
/** Steps of the round itself. */
export type RoundStep = 'consolidation';
export type AnyStep = ApplicationStep | RoundStep;

export const stepNames: Record<AnyStep, Bilingual> = {
  draft: { zh: '二级学院起草申报', en: 'college drafting' },
  college: { zh: '二级学院负责人审核签字', en: 'college leader sign-off' },
  academicAffairs: { zh: '教务部审核', en: 'Academic Affairs review' },
  consolidation: { zh: '教务部确认汇总报送名单', en: 'Academic Affairs confirming the consolidated list' },
};

export const stepArticles: Record<AnyStep, ArticleRef> = {
  draft: ART9_2,
  college: ART5_2,
  academicAffairs: ART9_2,
  consolidation: ART9_2,
};

export const applicationStatuses = [
  'draft',
  'college',
  'academicAffairs',
  'approved',
  'rejected',
  'withdrawn',
  'submitted',
  'notSubmitted',
  'provinciallyApproved',
  'provinciallyRejected',
  'pilotStarted',
] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];

export const applicationStatusNames: Record<ApplicationStatus, Bilingual> = {
  draft: { zh: '起草中', en: 'draft' },
  college: { zh: '待二级学院负责人审核', en: 'awaiting college sign-off' },
  academicAffairs: { zh: '待教务部审核', en: 'awaiting Academic Affairs review' },
  approved: { zh: '教务部审核通过', en: 'approved by Academic Affairs' },
  rejected: { zh: '教务部不予推荐', en: 'not endorsed by Academic Affairs' },
  withdrawn: { zh: '已撤销申报', en: 'withdrawn' },
  submitted: { zh: '已报送省教育厅', en: 'submitted to the province' },
  notSubmitted: { zh: '未列入报送名单', en: 'not in the provincial submission' },
  provinciallyApproved: { zh: '省教育厅批准（公示中）', en: 'approved by the province (public notice)' },
  provinciallyRejected: { zh: '省教育厅不予批准', en: 'rejected by the province' },
  pilotStarted: { zh: '已立项，试点实施中', en: 'approved; pilot running' },
};

/** Statuses after which nothing more happens inside the school. */
export const finalStatuses: readonly ApplicationStatus[] = [
  'rejected',
  'withdrawn',
  'notSubmitted',
  'provinciallyRejected',
  'pilotStarted',
];
/** Statuses in which the application is being worked on inside the school. */
export const inProgressStatuses: readonly ApplicationStatus[] = ['draft', 'college', 'academicAffairs'];

export const roundStages = ['open', 'consolidation', 'provincialReview', 'publicNotice', 'closed'] as const;
export type RoundStage = (typeof roundStages)[number];
export const roundStageNames: Record<RoundStage, Bilingual> = {
  open: { zh: '校内申报中', en: 'open for applications' },
  consolidation: { zh: '校内截止，待教务部确认报送名单', en: 'internal deadline passed; awaiting the consolidated list' },
  provincialReview: { zh: '已报送，待省教育厅评审结果', en: "submitted; awaiting the province's results" },
  publicNotice: { zh: '公示中', en: 'public notice' },
  closed: { zh: '已结束', en: 'closed' },
};

/**
 * The due date of an application step opened at `openedAt`: the first draft is due at the
 * internal deadline; a step after a return, the college sign-off and the Academic Affairs
 * review have the table's working days (Art. 9(2); DOMAIN.md "Approvals").
 */
export function stepDeadline(
  step: ApplicationStep,
  openedAt: Date,
  firstDraft: boolean,
  round: Pick<RoundRecord, 'internalDeadline'>,
  table: RuleTable,
  calendar: WorkingCalendar,
): Deadline {
  if (step === 'draft' && firstDraft) return internalDeadline(round, table);
  return approvalStepDeadline(openedAt, table, calendar);
}

/**
 * May `actor` act for the college on an application (draft, submit, withdraw)? Its own
 * college's staff or leader, the proposed pilot lead, or Academic Affairs entering it on
 * someone's behalf.
 */
export function mayActForCollege(actor: Actor, app: Pick<Application, 'college' | 'lead'>, what: Bilingual): RuleResult[] {
  const ok =
    (hasRole(actor, 'collegeStaff', 'collegeLeader') && actor.college === app.college.id) ||
    (hasRole(actor, 'pilotLead') && (actor.id === app.lead.userId || actor.id.toLowerCase() === app.lead.email.toLowerCase())) ||
    (isAcademicAffairs(actor) && actor.onBehalfOf !== undefined);
  if (ok) return [];
  return [
    breach(roundRules.applicant, 'actor', {
      zh: `只有${app.college.id}学院的工作人员、负责人、拟任试点负责人，或代为录入的教务部人员（须注明代谁操作）可以${what.zh}`,
      en: `only staff or the leader of college ${app.college.id}, the proposed pilot lead, or Academic Affairs acting on someone's behalf (onBehalfOf) may ${what.en}`,
    }),
  ];
}

// ── Pass records (Art. 12) ────────────────────────────────────────────────────
export const passRecordInputSchema = z
  .object({
    /** The year the assessments were held. */
    year: z.number().int().min(2019).max(2100),
    collegeId: idSchema,
    major: z.object({
      code: z.string().trim().max(32).optional(),
      name: requiredText(100, '专业名称不能为空', 'the major must not be blank'),
    }),
    certificate: z.object({
      name: requiredText(200, '证书名称不能为空', 'the certificate must not be blank'),
      evaluationOrg: requiredText(200, '培训评价组织不能为空', 'the evaluation organisation must not be blank'),
    }),
    candidates: z.number().int().min(1).max(100_000),
    passed: z.number().int().min(0).max(100_000),
  })
  .superRefine((r, ctx) => {
    if (r.passed > r.candidates)
      ctx.addIssue({
        code: 'custom',
        path: ['passed'],
        message: 'more passed than took the assessment',
        params: { zh: '通过人数不能多于参加考核人数' },
      });
  });
export type PassRecordInput = z.input<typeof passRecordInputSchema>;

/** A pass record as the registry keeps it: where it came from, who recorded it, when. */
export interface StoredPassRecord extends PassRecord {
  /** `<year>|<majorKey>|<certificateKey>|<source>`: one record per pilot-year and source. */
  key: string;
  /** `pilot:<id>` when a pilot reported it; `manual` when Academic Affairs entered it. */
  source: string;
  recordedBy?: Actor;
  recordedAt: string;
  note?: string;
  /** 1 for the first entry under its key; +1 at each correction. */
  revision: number;
}

export function passRecordKey(r: Pick<PassRecord, 'year' | 'collegeId' | 'major' | 'certificate'>, source: string): string {
  return `${r.year}|${majorKey(r.collegeId, r.major)}|${certificateKey(r.certificate)}|${source}`;
}

export const passRecordFilterSchema = z.object({
  year: z.coerce.number().int().min(2019).max(2100).optional(),
  collegeId: idSchema.optional(),
});
export type PassRecordFilter = z.output<typeof passRecordFilterSchema>;

export const recordPassRecordSchema = z.object({
  record: passRecordInputSchema,
  note: z.string().trim().max(500).optional(),
  actor: actorSchema,
});
export type RecordPassRecordInput = z.input<typeof recordPassRecordSchema>;

// ── From an approved application to a pilot record ───────────────────────────
/** `date` + n months − 1 day (a 24-month pilot from 2027-01-06 ends 2029-01-05). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay =
    toDayNumber(`${String(month === 12 ? year + 1 : year).padStart(4, '0')}-${String(month === 12 ? 1 : month + 1).padStart(2, '0')}-01`) -
    1;
  const day = Math.min(d, Number(new Date(lastDay * 86_400_000).toISOString().slice(8, 10)));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The pilot an approved application becomes (Art. 9(4)): what the province approved —
 * task size (planned examinees, Art. 20), lead, budget — and the round's contacts.
 */
export function pilotRecordFor(
  app: Application,
  round: Pick<RoundRecord, 'id' | 'colleges' | 'academicAffairs' | 'rulesVersion'>,
  startDate: IsoDate,
): PilotRecordInput {
  const college = round.colleges.find((c) => c.id === app.college.id);
  if (!college) throw new RangeError(`college ${app.college.id} is not in round ${round.id}`);
  return {
    id: pilotIdFor(round.id, app.id),
    college: { id: app.college.id, name: app.college.name },
    major: app.major,
    certificate: app.certificate,
    lead: app.lead,
    collegeLeaderEmail: college.leader.email,
    academicAffairsEmail: round.academicAffairs.email,
    startDate,
    endDate: addDays(addMonths(startDate, app.plannedDurationMonths), -1),
    approvedTask: app.plannedExaminees,
    ...(app.budgetFen !== undefined ? { approvedBudgetFen: app.budgetFen } : {}),
    source: { roundId: round.id, applicationId: app.id },
    rulesVersion: round.rulesVersion,
  };
}
