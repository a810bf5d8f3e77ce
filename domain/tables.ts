/**
 * Rule tables: every cap, threshold and period the regulation or our design fixes, as
 * versioned data. A process pins the version current when it starts (its input carries
 * `rulesVersion`) and reads only that version for its whole life, across continue-as-new.
 * To change a value, add a new version; never edit a published one (the published tables
 * are frozen, and test/unit/tables.test.ts pins the values of version 2023.1).
 *
 * Rule functions take the pinned {@link RuleTable} as a parameter; none of them reads
 * `currentRulesVersion` itself.
 */
import type { Role } from './actor';

export interface RuleTable {
  version: string;
  /** When this version became current (Asia/Shanghai date). */
  effectiveFrom: string;
  source: string;
  /** Art. 17: cap per person-time in fen, per assessment form. */
  feeCapsFen: { written: number; computer: number; practicalGeneral: number; practicalSpecial: number };
  /** Art. 12: pass rate below this (basis points, 9000 = 90.00 %) restricts next year. */
  passRateThresholdBp: number;
  /** Art. 8(3): minimum planned examinees (waivable). */
  minPlannedExaminees: number;
  /** Art. 8(2): pilots per major per round (waivable). */
  maxPilotsPerMajorPerRound: number;
  /** Art. 18: default rectification period after a failed inspection, in working days. */
  rectificationWorkingDays: number;
  /** Art. 9(3): public notice (公示) length in working days. */
  publicNoticeWorkingDays: number;
  /** Art. 19(1): consecutive missed provincial submissions that cancel a pilot. */
  provincialMissesToCancel: number;
  /** Art. 5 (design requirement): consecutive missed weekly reports that escalate to Academic Affairs. */
  weeklyMissesToEscalate: number;
  /** Weekly work report defaults (Art. 5). */
  weeklyReport: { weekday: number; time: string; reminderLeadHours: number };
  /** Reminder lead times for other deadlines, in hours before due. */
  reminderLeadHours: { provincialMaterial: number; approvalStep: number; rectification: number };
  /** Asia/Shanghai time of day (HH:mm) at which a deadline given as a date falls due. */
  deadlineTime: string;
  /** Working days each approval step (Art. 13 budget, Art. 6(4) plan, Art. 7 change, Art. 9 application) has before it is overdue. */
  approvalStepWorkingDays: number;
  /** Art. 8(5): levels the measures encourage; ranked first in review lists, never a block. */
  encouragedLevels: readonly CertificateLevelName[];
  /**
   * Separation of duties in approvals (Art. 6(4), 7, 13): nobody decides a step of their own
   * submission; the roles listed may, with a recorded reason. Absent in tables before 2026.1:
   * no role may.
   */
  selfDecisionOverrideRoles?: readonly Role[];
}

/** Same values as `certificateLevels` in pilot.ts (kept literal here: pilot.ts imports this file). */
export type CertificateLevelName = 'elementary' | 'intermediate' | 'advanced';

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** The measures as published (粤生态职院〔2023〕18号). */
const v2023_1: RuleTable = {
  version: '2023.1',
  effectiveFrom: '2023-02-20',
  source: '粤生态职院〔2023〕18号《1+X证书制度试点工作管理办法（试行）》',
  feeCapsFen: { written: 200_00, computer: 300_00, practicalGeneral: 500_00, practicalSpecial: 700_00 },
  passRateThresholdBp: 9000,
  minPlannedExaminees: 30,
  maxPilotsPerMajorPerRound: 1,
  rectificationWorkingDays: 30,
  publicNoticeWorkingDays: 5,
  provincialMissesToCancel: 3,
  weeklyMissesToEscalate: 3,
  weeklyReport: { weekday: 5, time: '17:00', reminderLeadHours: 24 },
  reminderLeadHours: { provincialMaterial: 72, approvalStep: 24, rectification: 120 },
  deadlineTime: '17:00',
  approvalStepWorkingDays: 5,
  encouragedLevels: ['intermediate', 'advanced'],
};

export const ruleTables: readonly RuleTable[] = deepFreeze<RuleTable[]>([
  v2023_1,
  {
    ...v2023_1,
    version: '2026.1',
    effectiveFrom: '2026-12-01',
    source: '粤生态职院〔2023〕18号《1+X证书制度试点工作管理办法（试行）》；审批职责分离（提交人不审批本人事项）',
    // Academic Affairs enters items on a college's behalf (onBehalfOf) and runs the programme:
    // it alone may decide its own entry's step, giving the reason (e.g. decided offline).
    selfDecisionOverrideRoles: ['academicAffairs'],
  },
]);

export const currentRulesVersion: string = ruleTables[ruleTables.length - 1]!.version;

export function ruleTable(version: string): RuleTable {
  const t = ruleTables.find((r) => r.version === version);
  if (!t) throw new RangeError(`unknown rule-table version: ${version}`);
  return t;
}

/** The version in force on an Asia/Shanghai date (the latest whose effectiveFrom is on or before it). */
export function ruleTableAt(date: string): RuleTable {
  const t = [...ruleTables].reverse().find((r) => r.effectiveFrom <= date);
  if (!t) throw new RangeError(`no rule table in force on ${date}`);
  return t;
}
