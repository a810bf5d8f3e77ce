import { describe, expect, it } from 'vitest';
import { currentRulesVersion, ruleTable, ruleTableAt, ruleTables } from '../../domain/tables';

describe('rule tables', () => {
  it('version 2023.1 holds the values of the measures (published values never change)', () => {
    expect(ruleTable('2023.1')).toEqual({
      version: '2023.1',
      effectiveFrom: '2023-02-20',
      source: '粤生态职院〔2023〕18号《1+X证书制度试点工作管理办法（试行）》',
      feeCapsFen: { written: 20_000, computer: 30_000, practicalGeneral: 50_000, practicalSpecial: 70_000 },
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
    });
  });

  it('published tables are frozen, deeply', () => {
    const t = ruleTable('2023.1');
    expect(Object.isFrozen(t) && Object.isFrozen(t.feeCapsFen) && Object.isFrozen(t.encouragedLevels)).toBe(true);
    expect(() => {
      (t.feeCapsFen as { written: number }).written = 1;
    }).toThrow(TypeError);
  });

  it('versions are unique and in effective-date order; the current one is the last', () => {
    expect(new Set(ruleTables.map((t) => t.version)).size).toBe(ruleTables.length);
    expect(ruleTables.map((t) => t.effectiveFrom)).toEqual([...ruleTables.map((t) => t.effectiveFrom)].sort());
    expect(currentRulesVersion).toBe(ruleTables[ruleTables.length - 1]!.version);
  });

  it('looks versions up by id and by date, refusing unknown ones', () => {
    expect(() => ruleTable('1999.1')).toThrow(/unknown rule-table version/);
    expect(ruleTableAt('2023-02-20').version).toBe('2023.1');
    expect(() => ruleTableAt('2023-02-19')).toThrow(/no rule table/);
  });

  it('money is whole fen and thresholds are whole basis points', () => {
    for (const t of ruleTables) {
      expect(Object.values(t.feeCapsFen).every(Number.isSafeInteger)).toBe(true);
      expect(Number.isInteger(t.passRateThresholdBp) && t.passRateThresholdBp <= 10_000).toBe(true);
    }
  });
});
