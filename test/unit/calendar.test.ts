import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import projectFile from '../../domain/data/calendar.json';
import {
  addDays,
  createChinaCalendar,
  dateDeadline,
  fromDayNumber,
  isoWeekId,
  isoWeekday,
  libraryCalendarData,
  mondayOf,
  shanghaiDate,
  shanghaiInstant,
  toDayNumber,
  type CalendarWarning,
} from '../../domain/calendar';

const cal = createChinaCalendar();
const years = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('calendar data', () => {
  it('knows the 2026 Spring Festival make-up Saturday', () => {
    expect(createChinaCalendar().isWorkingDay('2026-02-14')).toBe(true);
  });

  it('chinese-days 1.5.7 covers exactly 2004–2026 (update the comment in calendar.ts when this changes)', () => {
    expect([...libraryCalendarData.coveredYears].sort((a, b) => a - b)).toEqual(years(2004, 2026));
    expect(cal.coveredYears()).toEqual(years(2004, 2026));
  });

  it.each([
    ['2026-02-14', true, 'makeupWorkday'],
    ['2026-02-15', false, 'holiday'],
    ['2026-02-20', false, 'holiday'],
    ['2026-02-23', false, 'holiday'],
    ['2026-02-24', true, 'weekday'],
    ['2026-02-28', true, 'makeupWorkday'],
    ['2026-03-01', false, 'weekend'],
    ['2025-09-28', true, 'makeupWorkday'],
    ['2025-10-01', false, 'holiday'],
    ['2025-10-08', false, 'holiday'],
    ['2025-10-11', true, 'makeupWorkday'],
    ['2026-10-02', false, 'holiday'],
    ['2026-10-08', true, 'weekday'],
    ['2026-10-10', true, 'makeupWorkday'],
  ] as const)('%s working=%s (%s)', (date, working, kind) => {
    expect(cal.dayInfo(date)).toMatchObject({ date, working, kind, covered: true });
  });

  it('labels holidays', () => {
    expect(cal.dayInfo('2026-02-20').label).toContain('春节');
    expect(cal.dayInfo('2026-10-02').label).toContain('国庆节');
  });

  it('working-day totals agree with a hand count: 2025 = 365 − 104 weekend − 18 weekday holidays + 5 make-up days = 248', () => {
    expect(cal.countWorkingDays('2025-01-01', '2025-12-31')).toBe(248);
    expect(cal.countWorkingDays('2024-01-01', '2024-12-31')).toBe(251);
  });

  it('the project data file is well formed: real dates, no date both holiday and workday, covered years listed', () => {
    const dates = [...Object.keys(projectFile.holidays), ...Object.keys(projectFile.workdays)];
    for (const d of dates) expect(() => toDayNumber(d)).not.toThrow();
    expect(Object.keys(projectFile.holidays).filter((d) => d in projectFile.workdays)).toEqual([]);
    expect(projectFile.coveredYears.every((y) => Number.isInteger(y))).toBe(true);
  });
});

describe('years without a schedule: a warning, never silence', () => {
  it('falls back to the weekday rule and warns once per year', () => {
    const seen: CalendarWarning[] = [];
    const c = createChinaCalendar((w) => seen.push(w));
    expect(c.dayInfo('2027-03-01')).toMatchObject({ working: true, kind: 'weekday', covered: false });
    expect(c.isWorkingDay('2027-01-02')).toBe(false);
    // A date fixed by statute is in the project data before the year's schedule is published.
    expect(c.dayInfo('2027-01-01')).toMatchObject({ working: false, kind: 'holiday', covered: false, label: "New Year's Day,元旦,1" });
    c.isWorkingDay('2028-01-03');
    expect(seen.map((w) => [w.code, w.year])).toEqual([
      ['calendar.yearNotLoaded', 2027],
      ['calendar.yearNotLoaded', 2028],
    ]);
    expect(c.warnings).toEqual(seen);
    expect(seen[0]!.message.zh).toContain('2027 年的法定节假日与调休安排尚未载入');
    expect(seen[0]!.message.en).toContain('domain/data/calendar.json');
  });

  it('project data overrides the library and covers new years', () => {
    const seen: CalendarWarning[] = [];
    const c = createChinaCalendar(
      (w) => seen.push(w),
      [
        {
          coveredYears: [2027],
          holidays: { '2026-03-02': '校庆,school anniversary', '2027-01-01': "New Year's Day,元旦,1" },
          workdays: { '2026-02-21': '调课,make-up for a local closure' },
        },
      ],
    );
    expect(c.isWorkingDay('2026-03-02')).toBe(false);
    expect(c.isWorkingDay('2026-02-21')).toBe(true);
    expect(c.isWorkingDay('2027-01-01')).toBe(false);
    expect(seen).toEqual([]);
  });
});

describe('working-day arithmetic', () => {
  it('a 5-working-day public notice from Fri 2025-09-26 ends Thu 2025-10-09', () => {
    // Fri 9/26 (1), Sun 9/28 make-up (2), Mon 9/29 (3), Tue 9/30 (4), 10/1–10/8 holidays, Thu 10/9 (5).
    expect(cal.workingDaysPeriodEnd('2025-09-26', 5)).toBe('2025-10-09');
    expect(cal.countWorkingDays('2025-09-26', '2025-10-09')).toBe(5);
  });

  it('moves a rest-day start onto the next working day, then adds', () => {
    expect(cal.addWorkingDays('2025-09-26', 1)).toBe('2025-09-28');
    expect(cal.addWorkingDays('2025-09-27', 0)).toBe('2025-09-28');
    expect(cal.addWorkingDays('2025-09-27', 1)).toBe('2025-09-29');
    expect(cal.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    expect(cal.nextWorkingDay('2026-02-13')).toBe('2026-02-14');
    expect(cal.onOrNextWorkingDay('2026-02-15')).toBe('2026-02-24');
  });

  it('refuses bad arguments', () => {
    expect(() => cal.addWorkingDays('2025-09-26', -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2025-09-26', 1.5)).toThrow(RangeError);
    expect(() => cal.workingDaysPeriodEnd('2025-09-26', 0)).toThrow(RangeError);
    expect(() => cal.isWorkingDay('2026-02-30')).toThrow(/no such date/);
  });

  const coveredDate = fc.integer({ min: toDayNumber('2004-01-01'), max: toDayNumber('2026-11-30') }).map(fromDayNumber);

  it('property: addWorkingDays(d, n) lands on a working day and grows strictly with n', () => {
    fc.assert(
      fc.property(coveredDate, fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 10 }), (d, n, k) => {
        const a = cal.addWorkingDays(d, n);
        const b = cal.addWorkingDays(d, n + k);
        expect(cal.isWorkingDay(a)).toBe(true);
        expect(cal.isWorkingDay(b)).toBe(true);
        expect(a >= d).toBe(true);
        expect(b > a).toBe(true);
        expect(cal.countWorkingDays(addDays(a, 1), b)).toBe(k);
      }),
    );
  });

  it('property: nextWorkingDay is the first working day after the date', () => {
    fc.assert(
      fc.property(coveredDate, (d) => {
        const next = cal.nextWorkingDay(d);
        expect(cal.isWorkingDay(next)).toBe(true);
        expect(cal.countWorkingDays(addDays(d, 1), addDays(next, -1))).toBe(0);
      }),
    );
  });
});

describe('dates and instants', () => {
  it('ISO weeks, including years with 53 weeks', () => {
    expect(isoWeekId('2026-02-16')).toBe('2026-W08');
    expect(isoWeekId('2020-12-31')).toBe('2020-W53');
    expect(isoWeekId('2021-01-03')).toBe('2020-W53');
    expect(isoWeekId('2024-12-30')).toBe('2025-W01');
    expect(isoWeekId('2026-12-28')).toBe('2026-W53');
    expect(mondayOf('2026-02-22')).toBe('2026-02-16');
    expect(isoWeekday('2026-02-22')).toBe(7);
  });
  it('Asia/Shanghai is UTC+8', () => {
    expect(shanghaiInstant('2026-02-24', '17:00').toISOString()).toBe('2026-02-24T09:00:00.000Z');
    expect(shanghaiDate(new Date('2026-02-23T16:00:00.000Z'))).toBe('2026-02-24');
    expect(shanghaiDate(new Date('2026-02-23T15:59:59.999Z'))).toBe('2026-02-23');
    expect(() => shanghaiInstant('2026-02-24', '24:00')).toThrow(RangeError);
  });
  it('day numbers round-trip, also for years below 100', () => {
    expect(fromDayNumber(toDayNumber('0050-03-01'))).toBe('0050-03-01');
    expect(fromDayNumber(toDayNumber('2024-02-29'))).toBe('2024-02-29');
    expect(() => toDayNumber('2025-02-29')).toThrow(/no such date/);
    expect(() => toDayNumber('2025-2-1')).toThrow(/not an ISO date/);
  });
});

describe('dateDeadline', () => {
  it('a date at a Beijing time with a reminder lead', () => {
    expect(dateDeadline('2026-02-24', '17:00', 24)).toEqual({
      dueDate: '2026-02-24',
      dueAt: '2026-02-24T09:00:00.000Z',
      remindAt: '2026-02-23T09:00:00.000Z',
    });
    expect(() => dateDeadline('2026-02-24', '17:00', -1)).toThrow(RangeError);
  });
});
