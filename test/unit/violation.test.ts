import { describe, expect, it } from 'vitest';
import { createChinaCalendar } from '../../domain/calendar';
import {
  assessmentTaskResult,
  cancellationGrounds,
  checkViolationRecord,
  provincialMaterialDeadline,
  violationSchema,
} from '../../domain/violation';
import { actors, NOW, shape, table } from './fixtures';

describe('Art. 19(1) provincial material misses', () => {
  it('two consecutive misses stand; the third cancels, citing Art. 19(1)', () => {
    expect(cancellationGrounds({ consecutiveProvincialMisses: 2, violations: [] }, table)).toEqual([]);
    expect(shape(cancellationGrounds({ consecutiveProvincialMisses: 3, violations: [] }, table))).toEqual([
      { ruleId: 'art19.provincialMisses', article: { article: 19, item: 1 }, severity: 'hard', field: 'consecutiveProvincialMisses' },
    ]);
  });
});

describe('Art. 19(2)–(4) recorded violations', () => {
  const v = violationSchema.parse({
    id: 'v1',
    pilotId: 'p1',
    ground: 'forcedParticipation',
    description: '要求全班学生报名考核',
    occurredOn: '2026-04-01',
    recordedBy: actors.academicAffairs,
    recordedAt: NOW.toISOString(),
  });
  it('each recorded violation is a ground citing its item', () => {
    const r = cancellationGrounds(
      {
        consecutiveProvincialMisses: 0,
        violations: [v, { ...v, id: 'v2', ground: 'irregularFunds' }, { ...v, id: 'v3', ground: 'laxManagement' }],
      },
      table,
    );
    expect(r.map((x) => [x.ruleId, x.article?.item, x.field])).toEqual([
      ['art19.forcedParticipation', 3, 'violations.v1'],
      ['art19.irregularFunds', 4, 'violations.v2'],
      ['art19.laxManagement', 2, 'violations.v3'],
    ]);
    expect(r[0]!.message.zh).toBe('强制或变相强制学生参加培训或考核的，取消试点：要求全班学生报名考核');
  });
  it('only Academic Affairs records them', () => {
    expect(checkViolationRecord(v)).toEqual([]);
    expect(shape(checkViolationRecord({ recordedBy: actors.schoolLeader }))).toEqual([
      { ruleId: 'art19.recordedBy', article: { article: 19 }, severity: 'hard', field: 'recordedBy' },
    ]);
  });
});

describe('Art. 20 assessment task', () => {
  it('assessed ≥ approved completes; one short is flagged', () => {
    expect(assessmentTaskResult(40, 40)).toBeNull();
    expect(assessmentTaskResult(undefined, 0)).toBeNull();
    const r = assessmentTaskResult(40, 39);
    expect(r && shape([r])).toEqual([{ ruleId: 'art20.assessmentTask', article: { article: 20 }, severity: 'hard', field: 'assessed' }]);
    expect(r?.message.zh).toBe('考核任务未完成：已考核 39 人次，批准任务 40 人次；将在二级学院和试点负责人考核时酌情追究责任');
  });
});

describe('provincial material deadlines', () => {
  const cal = createChinaCalendar();
  it('a due date on a holiday moves to the next working day, 17:00 Asia/Shanghai, reminder 72 h before', () => {
    expect(provincialMaterialDeadline({ dueDate: '2026-10-02' }, table, cal)).toEqual({
      dueDate: '2026-10-08',
      dueAt: '2026-10-08T09:00:00.000Z',
      remindAt: '2026-10-05T09:00:00.000Z',
    });
  });
  it("falls due at the table's deadline time on the due date", () => {
    const d = provincialMaterialDeadline({ dueDate: '2026-03-13' }, table, cal);
    expect(d.dueAt).toBe('2026-03-13T09:00:00.000Z');
  });
});
