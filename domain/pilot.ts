/**
 * The pilot record (试点) a pilot workflow starts with: what the province approved
 * (Art. 7: content, schedule and lead may only change by a filed change request).
 */
import { z } from 'zod';
import { toDayNumber } from './calendar';
import { dateRules, pilotLengthResult, programmeWindowReason, withinProgramme } from './date-window';
import { fenSchema } from './money';
import { currentRulesVersion, ruleTable, ruleTables } from './tables';
import { patternString } from './validation';

/** Any real calendar date (the working-day calendar's own data, which reaches back to 2004). */
export const calendarDateSchema = patternString(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD', 'expected a date YYYY-MM-DD').refine(
  (d) => {
    try {
      toDayNumber(d);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'no such calendar date', params: { zh: '日期不存在' } },
);

/** A date of the programme: a real date inside the window of domain/date-window.ts (2019 onwards). */
export const isoDateSchema = calendarDateSchema.refine((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || withinProgramme(d), {
  message: `${programmeWindowReason.en}`,
  params: { zh: programmeWindowReason.zh, ruleId: dateRules.window.id, article: dateRules.window.article },
});

export const idSchema = patternString(
  /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
  '编号须为 1–64 位字母、数字、点、连字符或下划线，以字母或数字开头',
  'use 1–64 letters, digits, dot, dash or underscore, starting with a letter or digit',
);

export const certificateLevels = ['elementary', 'intermediate', 'advanced'] as const;
export type CertificateLevel = (typeof certificateLevels)[number];
export const certificateLevelNames: Record<CertificateLevel, { zh: string; en: string }> = {
  elementary: { zh: '初级', en: 'elementary' },
  intermediate: { zh: '中级', en: 'intermediate' },
  advanced: { zh: '高级', en: 'advanced' },
};

export const collegeRefSchema = z.object({ id: idSchema, name: z.string().trim().min(1).max(100) });
export const majorRefSchema = z.object({ code: z.string().trim().max(32).optional(), name: z.string().trim().min(1).max(100) });
export const certificateRefSchema = z.object({
  name: z.string().trim().min(1).max(200),
  evaluationOrg: z.string().trim().min(1).max(200),
  level: z.enum(certificateLevels),
});
export const personSchema = z.object({
  name: z.string().trim().min(1).max(64),
  email: z.email(),
  userId: z.string().trim().min(1).max(128).optional(),
});

const defaults = ruleTable(currentRulesVersion).weeklyReport;

/** A rule-table version (domain/tables.ts), the current one when omitted. */
export const rulesVersionSchema = z
  .string()
  .default(currentRulesVersion)
  .refine((v) => ruleTables.some((t) => t.version === v), {
    message: 'unknown rule-table version',
    params: { zh: '未知的规则表版本' },
  });

/** Art. 5 weekly work report policy: weekday (1 = Mon … 5 = Fri) and time in Asia/Shanghai. */
export const reportPolicySchema = z.object({
  weekday: z.number().int().min(1).max(5).default(defaults.weekday),
  time: patternString(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:mm', 'expected a time HH:mm').default(defaults.time),
  /** Hours before the due instant at which the lead is reminded (0 – 168). */
  reminderLeadHours: z.number().int().min(0).max(168).default(defaults.reminderLeadHours),
});
export type ReportPolicy = z.output<typeof reportPolicySchema>;

export const pilotRecordSchema = z
  .object({
    id: idSchema,
    college: collegeRefSchema,
    major: majorRefSchema,
    certificate: certificateRefSchema,
    lead: personSchema,
    collegeLeaderEmail: z.email(),
    academicAffairsEmail: z.email(),
    startDate: isoDateSchema,
    endDate: isoDateSchema,
    /** The school leader who approves budgets (Art. 13) and is told of escalations. */
    schoolLeaderEmail: z.email().optional(),
    /** Art. 18 periodic inspections: month-days (MM-DD) each year, moved onto working days. */
    inspectionSchedule: z
      .array(
        patternString(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, '检查日期格式应为 MM-DD', 'expected a month-day MM-DD')
          // Every year has it: 02-29, 02-30 or 04-31 would not exist in some year of the pilot.
          .refine(
            (md) => {
              try {
                toDayNumber(`2023-${md}`);
                return true;
              } catch {
                return false;
              }
            },
            { message: 'a month-day every year has (not 02-29)', params: { zh: '检查日期须每年都存在（不能是 02-29 等）' } },
          ),
      )
      .max(12)
      .default(['04-15', '11-15']),
    /** Approved assessment task (examinees), Art. 20. */
    approvedTask: z.number().int().min(0).max(100_000).optional(),
    /** The special-fund budget approved with the application (integer fen). */
    approvedBudgetFen: fenSchema.optional(),
    /** The application round and application this pilot was approved from (Art. 9). */
    source: z.object({ roundId: idSchema, applicationId: idSchema }).optional(),
    reportPolicy: reportPolicySchema.prefault({}),
    /** The rule-table version this pilot is pinned to; the current one when omitted. */
    rulesVersion: rulesVersionSchema,
  })
  .superRefine((p, ctx) => {
    try {
      if (toDayNumber(p.endDate) <= toDayNumber(p.startDate)) {
        ctx.addIssue({
          code: 'custom',
          path: ['endDate'],
          message: 'the end date must be after the start date',
          params: { zh: '结束日期必须晚于开始日期' },
        });
      } else {
        const tooLong = pilotLengthResult(p.startDate, p.endDate);
        if (tooLong)
          ctx.addIssue({
            code: 'custom',
            path: ['endDate'],
            message: tooLong.message.en,
            params: { zh: tooLong.message.zh, ruleId: tooLong.ruleId, ...(tooLong.article ? { article: tooLong.article } : {}) },
          });
      }
    } catch {
      /* malformed dates are reported by their own fields */
    }
  });
export type PilotRecordInput = z.input<typeof pilotRecordSchema>;
export type PilotRecord = z.output<typeof pilotRecordSchema>;

/** One id helper per workflow kind. */
export const pilotWorkflowId = (pilotId: string): string => `pilot:${pilotId}`;
