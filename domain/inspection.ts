/**
 * Art. 18 — periodic inspection (检查) of each pilot by the school (Academic Affairs, the
 * managing department of Art. 4). An inspection covers (1) progress of the pilot,
 * (2) funds in place and their use, (3) the main problems and the measures to improve.
 * A failed inspection brings a notice of criticism (通报) and a rectification (整改) to be
 * completed within a set period (rule table: default 30 working days); a passing
 * re-inspection closes it; an overdue rectification escalates (workflow).
 */
import { z } from 'zod';
import { actorSchema } from './actor';
import { dateDeadline, type WorkingCalendar } from './calendar';
import { citeArticle, type RuleResult } from './errors';
import { idSchema, isoDateSchema } from './pilot';
import { accepted, breach, defineRule, refused, reportResults, requireRole, type Outcome } from './rules';
import type { RuleTable } from './tables';
import { requiredText } from './validation';
import { documentRefsSchema } from './documents';

export const inspectionRules = {
  contents: defineRule({
    id: 'art18.inspectionContents',
    article: { article: 18 },
    severity: 'hard',
    title: {
      zh: '检查须涵盖：（一）试点建设进展；（二）经费落实、资金使用；（三）主要问题和改进措施',
      en: 'an inspection covers (1) progress, (2) funds in place and their use, (3) main problems and improvement measures',
    },
    enforcedIn: ['domain/inspection.ts#inspectionSchema'],
  }),
  inspector: defineRule({
    id: 'art18.inspector',
    article: { article: 18 },
    severity: 'hard',
    title: { zh: '检查由学校组织，结果由教务部登记', en: "inspections are the school's, recorded by Academic Affairs" },
    enforcedIn: ['domain/inspection.ts#checkInspection'],
  }),
  rectification: defineRule({
    id: 'art18.rectification',
    article: { article: 18 },
    severity: 'hard',
    title: {
      zh: '检查不合格的，予以通报并要求在规定期限内完成整改',
      en: 'a failed inspection brings a notice and a rectification within a set period',
    },
    enforcedIn: ['domain/inspection.ts#rectificationFor', 'workflows/rectification.ts'],
  }),
  rectificationClosure: defineRule({
    id: 'art18.rectificationClosure',
    article: { article: 18 },
    severity: 'hard',
    title: { zh: '整改经复查合格后方可关闭', en: 'a rectification is closed only by a passing re-inspection' },
    enforcedIn: ['domain/inspection.ts#closeRectification', 'workflows/rectification.ts'],
  }),
} as const;

export const findingResults = ['satisfactory', 'unsatisfactory'] as const;
export type FindingResult = (typeof findingResults)[number];

const findingSchema = z.object({
  result: z.enum(findingResults),
  notes: requiredText(5000, '检查意见不能为空', 'the findings must not be blank'),
});

const problemsFindingSchema = findingSchema.extend({
  /** 改进措施 (Art. 18(3)). */
  measures: requiredText(5000, '改进措施不能为空', 'the improvement measures must not be blank'),
});

export const contentNames = {
  progress: { item: 1, zh: '试点建设进展情况', en: 'progress of the pilot' },
  funds: { item: 2, zh: '经费落实、资金使用情况', en: 'funds in place and their use' },
  problems: { item: 3, zh: '试点建设中的主要问题和改进措施', en: 'main problems and improvement measures' },
} as const;

export const inspectionSchema = z
  .object({
    id: idSchema,
    pilotId: idSchema,
    inspectedOn: isoDateSchema,
    inspector: actorSchema,
    /** Art. 18(1). */
    progress: findingSchema.optional(),
    /** Art. 18(2). */
    funds: findingSchema.optional(),
    /** Art. 18(3). */
    problems: problemsFindingSchema.optional(),
    /** The inspection this one re-inspects (closing a rectification). */
    reinspectionOf: idSchema.optional(),
    /** The findings as written, and for a re-inspection the rectification evidence (Art. 18). */
    documents: documentRefsSchema.optional(),
  })
  .superRefine((i, ctx) => {
    for (const [key, c] of Object.entries(contentNames) as [
      keyof typeof contentNames,
      (typeof contentNames)[keyof typeof contentNames],
    ][]) {
      if (i[key] === undefined) {
        reportResults(ctx, [
          breach(inspectionRules.contents, key, {
            zh: `检查缺少${citeArticle({ article: 18, item: c.item }).zh}“${c.zh}”`,
            en: `the inspection lacks ${citeArticle({ article: 18, item: c.item }).en}: ${c.en}`,
          }),
        ]);
      }
    }
  });
export type InspectionInput = z.input<typeof inspectionSchema>;
export type Inspection = z.output<typeof inspectionSchema>;

/** Fail when any of the three contents is unsatisfactory. */
export function inspectionOutcome(i: Pick<Inspection, 'progress' | 'funds' | 'problems'>): 'pass' | 'fail' {
  return [i.progress, i.funds, i.problems].some((f) => f?.result !== 'satisfactory') ? 'fail' : 'pass';
}

export function checkInspection(i: Pick<Inspection, 'inspector'>): RuleResult[] {
  return requireRole(i.inspector, 'academicAffairs', inspectionRules.inspector, 'inspector', {
    zh: '检查结果须由教务部登记',
    en: 'inspection results are recorded by Academic Affairs',
  });
}

/** A rectification (整改) after a failed inspection; small enough for workflow state. */
export const rectificationSchema = z.object({
  inspectionId: idSchema,
  pilotId: idSchema,
  /** The day the notice (通报) went out: the inspection day. */
  noticeOn: isoDateSchema,
  dueDate: isoDateSchema,
  /** ISO instant: dueDate at the table's deadline time, Asia/Shanghai. */
  dueAt: z.iso.datetime(),
  remindAt: z.iso.datetime(),
  /** Which contents failed, for the notice. */
  failed: z.array(z.enum(['progress', 'funds', 'problems'])).min(1),
  /** The passing re-inspection that closed it. */
  closedBy: idSchema.optional(),
});
export type Rectification = z.output<typeof rectificationSchema>;

/**
 * Art. 18: the rectification a failed inspection opens (null when it passed), due the
 * given number of working days after the inspection day.
 */
export function rectificationFor(
  i: Inspection,
  table: Pick<RuleTable, 'rectificationWorkingDays' | 'deadlineTime' | 'reminderLeadHours'>,
  calendar: WorkingCalendar,
): Rectification | null {
  if (inspectionOutcome(i) === 'pass') return null;
  const dueDate = calendar.addWorkingDays(i.inspectedOn, table.rectificationWorkingDays);
  return {
    inspectionId: i.id,
    pilotId: i.pilotId,
    noticeOn: i.inspectedOn,
    ...dateDeadline(dueDate, table.deadlineTime, table.reminderLeadHours.rectification),
    failed: (['progress', 'funds', 'problems'] as const).filter((k) => i[k]?.result !== 'satisfactory'),
  };
}

/** Closes a rectification with a passing re-inspection of the same pilot, or refuses. */
export function closeRectification(r: Rectification, reinspection: Inspection): Outcome<Rectification> {
  const errors: RuleResult[] = [];
  const rule = inspectionRules.rectificationClosure;
  if (reinspection.pilotId !== r.pilotId || reinspection.reinspectionOf !== r.inspectionId) {
    errors.push(
      breach(rule, 'reinspectionOf', {
        zh: `复查须针对试点 ${r.pilotId} 的检查 ${r.inspectionId}`,
        en: `the re-inspection must be of inspection ${r.inspectionId} of pilot ${r.pilotId}`,
      }),
    );
  }
  if (reinspection.inspectedOn < r.noticeOn) {
    errors.push(breach(rule, 'inspectedOn', { zh: '复查日期不能早于通报日期', en: 'the re-inspection cannot predate the notice' }));
  }
  if (inspectionOutcome(reinspection) !== 'pass') {
    errors.push(
      breach(rule, 'result', { zh: '复查仍不合格，整改继续', en: 'the re-inspection did not pass; the rectification stays open' }),
    );
  }
  errors.push(...checkInspection(reinspection));
  return errors.length > 0 ? refused(errors) : accepted({ ...r, closedBy: reinspection.id });
}
