import { describe, expect, it } from 'vitest';
import { createChinaCalendar, type CalendarWarning } from '../../domain/calendar';
import { reportPolicySchema } from '../../domain/pilot';
import { escalationLevel, firstWeeklyPeriod, followingWeeklyPeriod, mayReportWeekly, weeklyPeriod } from '../../domain/weekly';
import { actors, table } from './fixtures';

const friday = reportPolicySchema.parse({});
const wednesday = reportPolicySchema.parse({ weekday: 3 });
const cal = createChinaCalendar();
const pilot = (startDate: string, endDate = '2026-12-31') => ({ startDate, endDate, reportPolicy: friday });

describe('weeklyPeriod: due Friday 17:00 Asia/Shanghai, moved off holidays', () => {
  it('defaults come from the rule table', () => {
    expect(friday).toEqual({
      weekday: table.weeklyReport.weekday,
      time: table.weeklyReport.time,
      reminderLeadHours: table.weeklyReport.reminderLeadHours,
    });
  });

  it('2026 Spring Festival: Fri 2/20 is a holiday (2/15–2/23), so W08 is due Tue 2026-02-24 17:00 = 09:00Z', () => {
    expect(weeklyPeriod('2026-02-16', friday, cal)).toEqual({
      id: '2026-W08',
      monday: '2026-02-16',
      nominalDueDate: '2026-02-20',
      dueDate: '2026-02-24',
      dueAt: '2026-02-24T09:00:00.000Z',
      remindAt: '2026-02-23T09:00:00.000Z',
    });
  });

  it('the weeks around it keep their Fridays; the make-up Saturdays 2/14 and 2/28 change nothing', () => {
    expect(weeklyPeriod('2026-02-09', friday, cal)).toMatchObject({
      id: '2026-W07',
      dueDate: '2026-02-13',
      dueAt: '2026-02-13T09:00:00.000Z',
    });
    expect(weeklyPeriod('2026-02-23', friday, cal)).toMatchObject({
      id: '2026-W09',
      dueDate: '2026-02-27',
      dueAt: '2026-02-27T09:00:00.000Z',
    });
  });

  it('National Day 2026: Fri 10/2 is a holiday (10/1–10/7), so W40 is due Thu 2026-10-08; W41 keeps Fri 10/9', () => {
    expect(weeklyPeriod('2026-09-28', friday, cal)).toMatchObject({
      id: '2026-W40',
      nominalDueDate: '2026-10-02',
      dueDate: '2026-10-08',
      dueAt: '2026-10-08T09:00:00.000Z',
    });
    expect(weeklyPeriod('2026-10-05', friday, cal)).toMatchObject({
      id: '2026-W41',
      dueDate: '2026-10-09',
      dueAt: '2026-10-09T09:00:00.000Z',
    });
  });

  it('any day of the week gives that week’s period', () => {
    expect(weeklyPeriod('2026-02-22', friday, cal).id).toBe('2026-W08');
  });

  it('National Day 2025 with a Wednesday policy: W40 and W41 both fall due Thu 2025-10-09, neither is skipped', () => {
    const w40 = weeklyPeriod('2025-09-29', wednesday, cal);
    const w41 = followingWeeklyPeriod({ startDate: '2025-01-01', endDate: '2025-12-31', reportPolicy: wednesday }, w40, cal);
    expect([w40.id, w40.nominalDueDate, w40.dueAt]).toEqual(['2025-W40', '2025-10-01', '2025-10-09T09:00:00.000Z']);
    expect([w41?.id, w41?.nominalDueDate, w41?.dueAt]).toEqual(['2025-W41', '2025-10-08', '2025-10-09T09:00:00.000Z']);
  });
});

describe('firstWeeklyPeriod', () => {
  it('a pilot started mid-holiday (Wed 2/18) first reports for W08, due Tue 2/24', () => {
    expect(firstWeeklyPeriod(pilot('2026-02-18'), '2026-02-18T02:00:00.000Z', cal)).toMatchObject({
      id: '2026-W08',
      dueAt: '2026-02-24T09:00:00.000Z',
    });
  });
  it('a week whose nominal Friday precedes the start is not counted', () => {
    expect(firstWeeklyPeriod(pilot('2026-02-21'), '2026-02-21T02:00:00.000Z', cal)).toMatchObject({
      id: '2026-W09',
      dueAt: '2026-02-27T09:00:00.000Z',
    });
  });
  it('a week already due when the workflow starts is not counted against it', () => {
    expect(firstWeeklyPeriod(pilot('2026-02-09'), '2026-02-13T09:00:00.000Z', cal)?.id).toBe('2026-W08');
    expect(firstWeeklyPeriod(pilot('2026-02-09'), '2026-02-13T08:59:59.999Z', cal)?.id).toBe('2026-W07');
  });
  it('none when no nominal due date falls inside the pilot', () => {
    expect(firstWeeklyPeriod(pilot('2026-02-09', '2026-02-12'), '2026-02-09T00:00:00.000Z', cal)).toBeUndefined();
  });
});

describe('followingWeeklyPeriod', () => {
  it('goes week by week through the holiday and stops after the end date', () => {
    const p = pilot('2026-02-09', '2026-03-06');
    const ids: string[] = [];
    for (let w = firstWeeklyPeriod(p, '2026-02-09T00:00:00.000Z', cal); w; w = followingWeeklyPeriod(p, w, cal))
      ids.push(`${w.id}@${w.dueDate}`);
    expect(ids).toEqual(['2026-W07@2026-02-13', '2026-W08@2026-02-24', '2026-W09@2026-02-27', '2026-W10@2026-03-06']);
  });
  it('crosses into a year without a schedule with a warning', () => {
    const seen: CalendarWarning[] = [];
    const c = createChinaCalendar((w) => seen.push(w));
    const next = followingWeeklyPeriod(pilot('2026-01-01', '2027-06-30'), { monday: '2026-12-28' }, c);
    expect(next).toMatchObject({ id: '2027-W01', dueDate: '2027-01-08' });
    expect(seen.map((w) => w.year)).toEqual([2027]);
  });
});

describe('Art. 5 who reports, and the escalation ladder', () => {
  const rec = {
    college: { id: 'forestry', name: '林业工程学院' },
    lead: { name: '张老师', email: 'zhang@example.edu.cn', userId: 'lead.zhang' },
  };
  it('the lead, the college working group, or Academic Affairs on behalf of someone', () => {
    expect(mayReportWeekly(actors.pilotLead, rec)).toBeNull();
    expect(mayReportWeekly(actors.collegeStaff, rec)).toBeNull();
    expect(mayReportWeekly({ ...actors.academicAffairs, onBehalfOf: 'lead.zhang' }, rec)).toBeNull();
    expect(mayReportWeekly(actors.academicAffairs, rec)).toMatchObject({
      ruleId: 'art5.weeklyReport.actor',
      article: { article: 5 },
      field: 'actor',
    });
    expect(mayReportWeekly(actors.otherCollegeLeader, rec)?.ruleId).toBe('art5.weeklyReport.actor');
  });
  it('levels 0, 1, 2, 3 and stays at 3', () => {
    expect([0, 1, 2, 3, 4, 9].map((n) => escalationLevel(n, table.weeklyMissesToEscalate))).toEqual([0, 1, 2, 3, 3, 3]);
  });
});
