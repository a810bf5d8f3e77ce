/**
 * Art. 7 — after the province approves a pilot, its construction content (建设内容),
 * schedule (进度安排) and lead (试点负责人) may not be changed at will. A change needs a
 * written request (书面申请), reviewed inside the school (college → Academic Affairs),
 * and filed with the province (报省教育厅备案). The filing is recorded by Academic
 * Affairs (DOMAIN.md: provincial decisions are recorded by Academic Affairs staff), and
 * only then does the change take effect. Nothing else about a pilot (college, major,
 * certificate) can change: that would be a new application.
 */
import { z } from 'zod';
import { actorSchema, type Actor } from './actor';
import { academicAffairsStep, collegeLeaderStep, defineChain } from './approval';
import { pilotLengthResult } from './date-window';
import type { RuleResult } from './errors';
import { idSchema, isoDateSchema, personSchema, type PilotRecord } from './pilot';
import { accepted, breach, defineRule, refused, reportResults, requireRole, type Outcome } from './rules';
import { requiredText } from './validation';

export const changeRules = {
  scope: defineRule({
    id: 'art7.changeScope',
    article: { article: 7 },
    severity: 'hard',
    title: {
      zh: '变更申请只能调整建设内容、进度安排或试点负责人，且须有实际变化',
      en: 'a change request may change only the construction content, the schedule or the pilot lead, and must actually change something',
    },
    enforcedIn: ['domain/change.ts#changeRequestSchema', 'domain/change.ts#checkChangeRequest'],
  }),
  writtenRequest: defineRule({
    id: 'art7.writtenRequest',
    article: { article: 7 },
    severity: 'hard',
    title: { zh: '确需调整的，须提交书面申请（说明理由）', en: 'a needed change requires a written request stating the reasons' },
    enforcedIn: ['domain/change.ts#changeRequestSchema'],
  }),
  review: defineRule({
    id: 'art7.changeReview',
    article: { article: 7 },
    severity: 'hard',
    title: {
      zh: '变更申请经二级学院、教务部审核后报省教育厅备案',
      en: 'a change request is reviewed by the college and Academic Affairs before it is filed with the province',
    },
    enforcedIn: ['domain/change.ts#changeReviewChain', 'domain/approval.ts#checkApprover', 'workflows/approval/decisions.ts'],
  }),
  filing: defineRule({
    id: 'art7.provincialFiling',
    article: { article: 7 },
    severity: 'hard',
    title: {
      zh: '批准的变更须报省教育厅备案，由教务部登记备案情况后方可生效',
      en: 'an approved change takes effect only once its provincial filing (备案) is recorded by Academic Affairs',
    },
    enforcedIn: [
      'domain/change.ts#checkFiling',
      'domain/change.ts#recordFiling',
      'workflows/approval/decisions.ts',
      'workflows/pilot/approvals.ts',
    ],
  }),
} as const;

const changeKeys = ['content', 'schedule', 'lead'] as const;

const scheduleChangeSchema = z.object({ startDate: isoDateSchema.optional(), endDate: isoDateSchema.optional() });

export const changesSchema = z
  .looseObject({
    /** New construction content (summary; documents stay outside workflow history). */
    content: requiredText(5000, '变更后的建设内容不能为空', 'the new content must not be blank').optional(),
    schedule: scheduleChangeSchema.optional(),
    lead: personSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const others = Object.keys(c).filter((k) => !(changeKeys as readonly string[]).includes(k));
    for (const k of others) {
      reportResults(ctx, [
        breach(changeRules.scope, k, {
          zh: `第七条只允许变更建设内容、进度安排和试点负责人；“${k}”不能通过变更申请调整（如需更换专业或证书，请重新申报）`,
          en: `Art. 7 allows changing only the content, the schedule and the lead; "${k}" cannot be changed by a change request (apply anew to change major or certificate)`,
        }),
      ]);
    }
    if (!changeKeys.some((k) => c[k] !== undefined)) {
      reportResults(ctx, [
        breach(changeRules.scope, '(root)', { zh: '变更申请至少须变更一项', en: 'a change request must change at least one thing' }),
      ]);
    }
  });

export const changeRequestSchema = z.object({
  id: idSchema,
  pilotId: idSchema,
  changes: changesSchema,
  reason: z
    .string()
    .trim()
    .max(5000)
    .superRefine((s, ctx) => {
      if (s.length === 0)
        reportResults(ctx, [
          breach(changeRules.writtenRequest, '(root)', {
            zh: '书面申请须说明变更理由',
            en: 'the written request must state the reasons for the change',
          }),
        ]);
    }),
  requestedBy: actorSchema,
  requestedAt: z.iso.datetime(),
});
export type ChangeRequestInput = z.input<typeof changeRequestSchema>;
export type ChangeRequest = z.output<typeof changeRequestSchema>;

/** Refuses changes that change nothing or leave the schedule inverted. */
export function checkChangeRequest(
  pilot: Pick<PilotRecord, 'id' | 'lead' | 'startDate' | 'endDate'>,
  req: Pick<ChangeRequest, 'pilotId' | 'changes'>,
): RuleResult[] {
  const out: RuleResult[] = [];
  const { lead, schedule } = req.changes;
  if (req.pilotId !== pilot.id) {
    out.push(
      breach(changeRules.scope, 'pilotId', {
        zh: `变更申请属于试点 ${req.pilotId}，不是 ${pilot.id}`,
        en: `the request is for pilot ${req.pilotId}, not ${pilot.id}`,
      }),
    );
  }
  if (lead && lead.email.toLowerCase() === pilot.lead.email.toLowerCase() && lead.name === pilot.lead.name) {
    out.push(breach(changeRules.scope, 'changes.lead', { zh: '拟任试点负责人与现任相同', en: 'the proposed lead is the current lead' }));
  }
  if (schedule) {
    const start = schedule.startDate ?? pilot.startDate;
    const end = schedule.endDate ?? pilot.endDate;
    if (start === pilot.startDate && end === pilot.endDate) {
      out.push(breach(changeRules.scope, 'changes.schedule', { zh: '进度安排没有变化', en: 'the schedule does not change' }));
    } else if (end <= start) {
      out.push(
        breach(changeRules.scope, 'changes.schedule.endDate', {
          zh: `变更后结束日期（${end}）须晚于开始日期（${start}）`,
          en: `the new end date (${end}) must be after the start date (${start})`,
        }),
      );
    } else {
      const tooLong = pilotLengthResult(start, end);
      if (tooLong) out.push({ ...tooLong, field: 'changes.schedule.endDate' });
    }
  }
  return out;
}

/** Art. 7: college → Academic Affairs; the province is told by filing, not asked. */
export const changeReviewChain = defineChain('change', changeRules.review, [collegeLeaderStep, academicAffairsStep]);

export const provincialFilingSchema = z.object({
  /** Date the filing was made with the province. */
  filedOn: isoDateSchema,
  /** The province's acknowledgement or filing reference. */
  reference: requiredText(200, '备案回执或文号不能为空', 'the filing reference must not be blank'),
  recordedBy: actorSchema,
  recordedAt: z.iso.datetime(),
});
export type ProvincialFiling = z.output<typeof provincialFilingSchema>;

/** Only Academic Affairs records provincial filings. */
export function checkFiling(filing: Pick<ProvincialFiling, 'recordedBy'>): RuleResult[] {
  return requireRole(filing.recordedBy, 'academicAffairs', changeRules.filing, 'recordedBy', {
    zh: '省教育厅备案情况由教务部登记',
    en: 'provincial filings are recorded by Academic Affairs',
  });
}

/** Builds the filing record for Academic Affairs at workflow time `now`. */
export function recordFiling(input: { filedOn: string; reference: string }, actor: Actor, now: Date): Outcome<ProvincialFiling> {
  const filing = { ...input, recordedBy: actor, recordedAt: now.toISOString() };
  const errors = checkFiling(filing);
  return errors.length > 0 ? refused(errors) : accepted(filing);
}
