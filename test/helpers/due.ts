/**
 * Real-time due instants for tests on the dev server (which runs on the wall clock).
 * A report policy is a weekday (1–5), a time HH:mm in Asia/Shanghai and a reminder lead of
 * 0–168 whole hours, so a reminder falls on a minute boundary; these helpers search the
 * policies (with the same pure calendar functions the workflow uses) for one whose first
 * reminder is at a wanted instant, or already due.
 */
import { initialPilotState } from '../../workflows/pilot';
import { addDays, createChinaCalendar, shanghaiDate } from '../../domain/calendar';
import { pilotRecordSchema, type PilotRecord, type ReportPolicy } from '../../domain/pilot';
import { firstWeeklyPeriod, followingWeeklyPeriod, type WeeklyPeriod } from '../../domain/weekly';
import { samplePilot } from '../../scripts/support/pilots';

export const calendar = createChinaCalendar();

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** HH:mm of an instant in Asia/Shanghai (UTC+8, no daylight saving). */
function shanghaiTime(ms: number): string {
  return new Date(ms + 8 * HOUR_MS).toISOString().slice(11, 16);
}

/** A pilot from today (Shanghai) for ~200 days with this policy. */
export function pilotWithPolicy(id: string, leadEmail: string, reportPolicy: ReportPolicy, now = Date.now()): PilotRecord {
  const today = shanghaiDate(now);
  return pilotRecordSchema.parse(
    samplePilot({
      id,
      startDate: today,
      endDate: addDays(today, 200),
      reportPolicy,
      lead: { name: '张老师', email: leadEmail, userId: 'zhang' },
    }),
  );
}

/**
 * A pilot whose first reminder falls exactly at the minute boundary `remindAtMs`, or
 * undefined when none exists (only inside a holiday of more than a week, e.g. the Spring
 * Festival, when no due instant lies within the 168-hour reach of a reminder).
 */
export function pilotRemindedAt(
  id: string,
  leadEmail: string,
  remindAtMs: number,
  now = Date.now(),
): { pilot: PilotRecord; period: WeeklyPeriod } | undefined {
  if (remindAtMs % MINUTE_MS !== 0) throw new RangeError('a reminder falls on a minute boundary');
  for (let lead = 1; lead <= 168; lead += 1) {
    const time = shanghaiTime(remindAtMs + lead * HOUR_MS);
    for (let weekday = 1; weekday <= 5; weekday += 1) {
      const pilot = pilotWithPolicy(id, leadEmail, { weekday, time, reminderLeadHours: lead }, now);
      const period = firstWeeklyPeriod(pilot, new Date(now).toISOString(), calendar);
      if (period && Date.parse(period.remindAt) === remindAtMs) return { pilot, period };
    }
  }
  return undefined;
}

/** The first minute boundary at least `leadMs` after `now`. */
export function minuteBoundaryAfter(now: number, leadMs: number): number {
  return Math.ceil((now + leadMs) / MINUTE_MS) * MINUTE_MS;
}

/**
 * A pilot whose first reminder is already due (a 168-hour lead) and whose due instant is
 * at least `marginMs` away, so the reminder is sent at once when the pilot starts.
 */
export function pilotRemindedNow(
  id: string,
  leadEmail: string,
  now = Date.now(),
  marginMs = 30 * MINUTE_MS,
): { pilot: PilotRecord; period: WeeklyPeriod } {
  for (const time of ['23:59', '12:00', '00:30']) {
    for (let weekday = 1; weekday <= 5; weekday += 1) {
      const pilot = pilotWithPolicy(id, leadEmail, { weekday, time, reminderLeadHours: 168 }, now);
      const period = firstWeeklyPeriod(pilot, new Date(now).toISOString(), calendar);
      if (period && Date.parse(period.remindAt) <= now && Date.parse(period.dueAt) - now >= marginMs) return { pilot, period };
    }
  }
  throw new Error(`no report policy reminds at once at ${new Date(now).toISOString()} (a holiday of more than a week?)`);
}

/**
 * A pilot that started `weeks` ago and ended before now: every period is already past due.
 * Started with this `carried` state the workflow catches up at once — each period a miss —
 * as a pilot does whose worker was down for weeks.
 */
export function pastPilot(id: string, leadEmail: string, periods: number, now = Date.now()) {
  const startedAt = new Date(now - (periods + 2) * 7 * 24 * HOUR_MS).toISOString();
  const start = shanghaiDate(Date.parse(startedAt));
  const draft = pilotRecordSchema.parse(
    samplePilot({
      id,
      startDate: start,
      endDate: addDays(start, 365),
      reportPolicy: { weekday: 5, time: '17:00', reminderLeadHours: 0 },
      lead: { name: '张老师', email: leadEmail, userId: 'zhang' },
    }),
  );
  const list: WeeklyPeriod[] = [];
  for (let p = firstWeeklyPeriod(draft, startedAt, calendar); p && list.length < periods; p = followingWeeklyPeriod(draft, p, calendar))
    list.push(p);
  const last = list[list.length - 1];
  if (list.length < periods || !last || Date.parse(last.dueAt) >= now)
    throw new Error(`fewer than ${periods} past periods before ${new Date(now).toISOString()}`);
  const pilot = pilotRecordSchema.parse({ ...draft, endDate: last.nominalDueDate });
  const carried = initialPilotState(pilot, startedAt, calendar);
  return { pilot, periods: list, carried };
}
