import { describe, expect, it } from 'vitest';
import {
  checkInspection,
  closeRectification,
  inspectionOutcome,
  inspectionSchema,
  rectificationFor,
  rectificationSchema,
  type InspectionInput,
} from '../../domain/inspection';
import { actors, calendar, refusalsOf, shape, table } from './fixtures';

const ok = { result: 'satisfactory', notes: '按计划推进' } as const;
const input = (over: Partial<InspectionInput> = {}): InspectionInput => ({
  id: 'i1',
  pilotId: 'p1',
  inspectedOn: '2025-09-26',
  inspector: actors.academicAffairs,
  progress: ok,
  funds: { result: 'unsatisfactory', notes: '专项资金未专账核算' },
  problems: { ...ok, measures: '建立专账' },
  ...over,
});

describe('Art. 18 inspection', () => {
  it('must cover all three contents; each missing one is refused with its item', () => {
    const r = refusalsOf(inspectionSchema, { ...input(), progress: undefined, problems: undefined });
    expect(shape(r)).toEqual([
      { ruleId: 'art18.inspectionContents', article: { article: 18 }, severity: 'hard', field: 'progress' },
      { ruleId: 'art18.inspectionContents', article: { article: 18 }, severity: 'hard', field: 'problems' },
    ]);
    expect(r.map((e) => e.message.zh)).toEqual([
      '检查缺少第十八条（一）“试点建设进展情况”',
      '检查缺少第十八条（三）“试点建设中的主要问题和改进措施”',
    ]);
  });
  it('fails when any content is unsatisfactory and opens a rectification due 30 working days later', () => {
    const i = inspectionSchema.parse(input());
    expect(inspectionOutcome(i)).toBe('fail');
    const r = rectificationFor(i, table, calendar());
    // From Fri 2025-09-26: Sun 9/28 (make-up) is day 1, 9/29–9/30 days 2–3, National Day
    // 10/1–10/8 rests, 10/9–10/10 days 4–5, Sat 10/11 (make-up) day 6, … Thu 11/13 day 30.
    expect(r).toEqual({
      inspectionId: 'i1',
      pilotId: 'p1',
      noticeOn: '2025-09-26',
      dueDate: '2025-11-13',
      dueAt: '2025-11-13T09:00:00.000Z',
      remindAt: '2025-11-08T09:00:00.000Z',
      failed: ['funds'],
    });
    expect(calendar().countWorkingDays('2025-09-27', '2025-11-13')).toBe(30);
    expect(rectificationSchema.parse(r)).toEqual(r);
  });
  it('a passing inspection opens none', () => {
    expect(rectificationFor(inspectionSchema.parse(input({ funds: ok })), table, calendar())).toBeNull();
  });
  it('is closed only by a passing re-inspection of the same inspection', () => {
    const rect = rectificationFor(inspectionSchema.parse(input()), table, calendar())!;
    const failing = inspectionSchema.parse(input({ id: 'i2', inspectedOn: '2025-11-03', reinspectionOf: 'i1' }));
    expect(closeRectification(rect, failing)).toMatchObject({
      ok: false,
      errors: [{ ruleId: 'art18.rectificationClosure', field: 'result' }],
    });
    const unrelated = inspectionSchema.parse(input({ id: 'i3', inspectedOn: '2025-11-03', funds: ok }));
    expect(closeRectification(rect, unrelated)).toMatchObject({ ok: false, errors: [{ field: 'reinspectionOf' }] });
    const passing = inspectionSchema.parse(input({ id: 'i4', inspectedOn: '2025-11-03', funds: ok, reinspectionOf: 'i1' }));
    const closed = closeRectification(rect, passing);
    expect(closed.ok && closed.value.closedBy).toBe('i4');
  });
  it('is recorded by Academic Affairs', () => {
    expect(shape(checkInspection({ inspector: actors.collegeLeader }))).toEqual([
      { ruleId: 'art18.inspector', article: { article: 18 }, severity: 'hard', field: 'inspector' },
    ]);
    expect(checkInspection({ inspector: actors.academicAffairs })).toEqual([]);
  });
});
