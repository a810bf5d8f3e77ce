/**
 * Art. 19 — grounds for cancelling a pilot (取消试点), and Art. 20 — accountability when
 * the approved assessment task is not completed.
 *
 * Art. 19(1): three consecutive missed submissions of material the province asks for
 * cancel the pilot; the count is kept by the pilot workflow from provincial material
 * requests and reset by any submission on time. Art. 19(2)–(4) (lax training/assessment
 * management, forcing students to take part, irregular fund use or other breaches) are
 * facts Academic Affairs records as violations; each recorded violation is a ground.
 */
import { z } from 'zod';
import { actorSchema } from './actor';
import { dateDeadline, type Deadline, type WorkingCalendar } from './calendar';
import type { Bilingual, RuleResult } from './errors';
import { idSchema, isoDateSchema } from './pilot';
import { breach, defineRule, requireRole } from './rules';
import type { RuleTable } from './tables';
import { requiredText } from './validation';
import { documentRefsSchema } from './documents';

export const violationRules = {
  provincialMisses: defineRule({
    id: 'art19.provincialMisses',
    article: { article: 19, item: 1 },
    severity: 'hard',
    title: {
      zh: '连续三次不填报省厅要求报送的材料的，取消试点',
      en: 'three consecutive missed provincial material submissions cancel the pilot',
    },
    enforcedIn: [
      'domain/violation.ts#provincialMaterialDeadline',
      'domain/violation.ts#cancellationGrounds',
      'workflows/pilot/provincial.ts',
    ],
  }),
  laxManagement: defineRule({
    id: 'art19.laxManagement',
    article: { article: 19, item: 2 },
    severity: 'hard',
    title: { zh: '证书培训、考核等工作管理不严的，取消试点', en: 'lax management of training or assessment cancels the pilot' },
    enforcedIn: ['domain/violation.ts#cancellationGrounds'],
  }),
  forcedParticipation: defineRule({
    id: 'art19.forcedParticipation',
    article: { article: 19, item: 3 },
    severity: 'hard',
    title: {
      zh: '强制或变相强制学生参加培训或考核的，取消试点',
      en: 'forcing students, openly or covertly, to take training or assessment cancels the pilot',
    },
    enforcedIn: ['domain/violation.ts#cancellationGrounds'],
  }),
  irregularFunds: defineRule({
    id: 'art19.irregularFunds',
    article: { article: 19, item: 4 },
    severity: 'hard',
    title: {
      zh: '试点工作经费使用不规范，或有其他违反规定与管理办法的行为的，取消试点',
      en: 'irregular use of pilot funds, or any other breach of the rules, cancels the pilot',
    },
    enforcedIn: ['domain/violation.ts#cancellationGrounds'],
  }),
  recordedBy: defineRule({
    id: 'art19.recordedBy',
    article: { article: 19 },
    severity: 'hard',
    title: { zh: '取消试点的情形由教务部登记认定', en: 'grounds for cancellation are recorded by Academic Affairs' },
    enforcedIn: ['domain/violation.ts#checkViolationRecord'],
  }),
  assessmentTask: defineRule({
    id: 'art20.assessmentTask',
    article: { article: 20 },
    severity: 'hard',
    title: {
      zh: '未完成省厅批准的考核任务的，在二级学院和试点负责人考核时酌情追究责任',
      en: 'a pilot that does not complete its approved assessment task is flagged in the evaluation of its college and lead',
    },
    enforcedIn: ['domain/violation.ts#assessmentTaskResult'],
  }),
} as const;

/** Provincial material request (Art. 19(1)): the province asks for material by a date. */
export const provincialMaterialRequestSchema = z
  .object({
    id: idSchema,
    pilotId: idSchema,
    title: requiredText(300, '材料名称不能为空', 'the title must not be blank'),
    requestedOn: isoDateSchema,
    dueDate: isoDateSchema,
    recordedBy: actorSchema,
  })
  .superRefine((r, ctx) => {
    if (r.dueDate < r.requestedOn) {
      ctx.addIssue({
        code: 'custom',
        path: ['dueDate'],
        message: 'the due date cannot precede the request',
        params: { zh: '报送截止日期不能早于通知日期' },
      });
    }
  });
export type ProvincialMaterialRequest = z.output<typeof provincialMaterialRequestSchema>;

/**
 * When a provincial request falls due (the province's date at the table's deadline time;
 * a date on a rest day moves to the next working day) and when to remind the lead.
 */
export function provincialMaterialDeadline(
  r: Pick<ProvincialMaterialRequest, 'dueDate'>,
  table: Pick<RuleTable, 'deadlineTime' | 'reminderLeadHours'>,
  calendar: WorkingCalendar,
): Deadline {
  return dateDeadline(calendar.onOrNextWorkingDay(r.dueDate), table.deadlineTime, table.reminderLeadHours.provincialMaterial);
}

export const violationGrounds = ['laxManagement', 'forcedParticipation', 'irregularFunds'] as const;
export type ViolationGround = (typeof violationGrounds)[number];
/** Art. 19(2)–(4), in the regulation's words. */
export const violationGroundNames: Record<ViolationGround, { zh: string; en: string }> = {
  laxManagement: { zh: '证书培训、考核等工作管理不严（第十九条第二项）', en: 'lax management of training and assessment (Art. 19(2))' },
  forcedParticipation: {
    zh: '强制或变相强制学生参加培训或考核（第十九条第三项）',
    en: 'students forced into training or assessment (Art. 19(3))',
  },
  irregularFunds: {
    zh: '试点工作经费使用不规范或其他违规行为（第十九条第四项）',
    en: 'irregular use of funds or other breaches (Art. 19(4))',
  },
};

export const violationSchema = z.object({
  id: idSchema,
  pilotId: idSchema,
  ground: z.enum(violationGrounds),
  description: requiredText(5000, '情况说明不能为空', 'the description must not be blank'),
  /** Where the evidence is kept (document number, file reference); no files in history. */
  evidence: z.string().trim().max(1000).optional(),
  /** The evidence as files (restricted: every download is recorded). */
  documents: documentRefsSchema.optional(),
  occurredOn: isoDateSchema,
  recordedBy: actorSchema,
  recordedAt: z.iso.datetime(),
});
export type Violation = z.output<typeof violationSchema>;

export function checkViolationRecord(v: Pick<Violation, 'recordedBy'>): RuleResult[] {
  return requireRole(v.recordedBy, 'academicAffairs', violationRules.recordedBy, 'recordedBy', {
    zh: '取消试点情形须由教务部登记',
    en: 'grounds for cancellation are recorded by Academic Affairs',
  });
}

/**
 * Every ground on which the pilot is to be cancelled: Art. 19(1) when the consecutive
 * misses reach the table's number, and each recorded violation (Art. 19(2)–(4)).
 * Empty when the pilot stands.
 */
export function cancellationGrounds(
  state: { consecutiveProvincialMisses: number; violations: readonly Pick<Violation, 'id' | 'ground' | 'description'>[] },
  table: Pick<RuleTable, 'provincialMissesToCancel'>,
): RuleResult[] {
  const out: RuleResult[] = [];
  if (state.consecutiveProvincialMisses >= table.provincialMissesToCancel) {
    out.push(
      breach(violationRules.provincialMisses, 'consecutiveProvincialMisses', {
        zh: `连续 ${state.consecutiveProvincialMisses} 次未按省教育厅要求报送材料，取消试点`,
        en: `${state.consecutiveProvincialMisses} consecutive provincial material submissions missed: the pilot is cancelled`,
      }),
    );
  }
  for (const v of state.violations) {
    const rule = violationRules[v.ground];
    const t: Bilingual = rule.title;
    out.push(breach(rule, `violations.${v.id}`, { zh: `${t.zh}：${v.description}`, en: `${t.en}: ${v.description}` }));
  }
  return out;
}

/**
 * Art. 20: completion when the number assessed reaches the approved task; otherwise the
 * accountability flag. No approved task → nothing to judge.
 */
export function assessmentTaskResult(approvedTask: number | undefined, assessed: number): RuleResult | null {
  if (approvedTask === undefined || assessed >= approvedTask) return null;
  return breach(violationRules.assessmentTask, 'assessed', {
    zh: `考核任务未完成：已考核 ${assessed} 人次，批准任务 ${approvedTask} 人次；将在二级学院和试点负责人考核时酌情追究责任`,
    en: `assessment task not completed: ${assessed} assessed of ${approvedTask} approved; flagged for the evaluation of the college and the pilot lead`,
  });
}
