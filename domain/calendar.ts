/**
 * The Chinese working-day calendar (Asia/Shanghai): statutory holidays and 调休 make-up
 * workdays. Pure and deterministic, so workflows may call it.
 *
 * Data: the `chinese-days` library's bundled schedule, read from its JSON so no library
 * code runs inside the workflow sandbox. Coverage of chinese-days 1.5.7 (checked in
 * node_modules/chinese-days/dist/chinese-days.json, pinned by test/unit/calendar.test.ts):
 * every year 2004–2026 inclusive, 22–33 holiday dates and 5–12 make-up workdays (调休)
 * per year. Nothing for 2027 or later, and nothing before 2004. Plus
 * `domain/data/calendar.json`, which the project owns, for years the library lacks and for
 * local overrides. A date in a year that neither source covers falls back to the weekday
 * rule and is reported through the calendar's warnings, never silently.
 *
 * Dates are ISO calendar dates `YYYY-MM-DD` in Asia/Shanghai. Asia/Shanghai has had a fixed
 * UTC+8 offset with no daylight saving since 1991, so instants are computed arithmetically.
 */
import libraryData from 'chinese-days/dist/chinese-days.json';
import projectData from './data/calendar.json';

export type IsoDate = string;

export interface CalendarData {
  /** date → label (e.g. "Spring Festival,春节,4") */
  holidays: Record<IsoDate, string>;
  /** 调休 make-up workdays on a weekend: date → label */
  workdays: Record<IsoDate, string>;
  /** Years whose schedule is fully loaded. */
  coveredYears: number[];
}

export interface CalendarWarning {
  code: 'calendar.yearNotLoaded';
  year: number;
  message: { zh: string; en: string };
}

export type DayKind = 'holiday' | 'makeupWorkday' | 'weekend' | 'weekday';

export interface DayInfo {
  date: IsoDate;
  working: boolean;
  kind: DayKind;
  /** Holiday or make-up label where the schedule has one. */
  label?: string;
  /** False when the date's year has no loaded schedule (weekday rule used). */
  covered: boolean;
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for an ISO date; throws on malformed or impossible dates. */
export function toDayNumber(date: IsoDate): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not an ISO date (YYYY-MM-DD): ${date}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(0);
  at.setUTCFullYear(y, mo - 1, d); // Date.UTC would read years 0–99 as 1900–1999
  const ms = at.getTime();
  if (new Date(ms).getUTCDate() !== d || new Date(ms).getUTCMonth() !== mo - 1) {
    throw new RangeError(`no such date: ${date}`);
  }
  return ms / DAY_MS;
}

export function fromDayNumber(n: number): IsoDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, n: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + n);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
  const dow = new Date(toDayNumber(date) * DAY_MS).getUTCDay();
  return dow === 0 ? 7 : dow;
}

/** The Asia/Shanghai calendar date of an instant. */
export function shanghaiDate(instant: Date | number): IsoDate {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of a wall-clock time (`HH:mm`) on an Asia/Shanghai date. */
export function shanghaiInstant(date: IsoDate, time: string): Date {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new RangeError(`not a time (HH:mm): ${time}`);
  return new Date(toDayNumber(date) * DAY_MS + (Number(m[1]) * 60 + Number(m[2])) * 60_000 - SHANGHAI_OFFSET_MS);
}

/** Formats an instant for people: `2026-02-24 17:00（北京时间 / Beijing time）`. */
export function formatShanghai(instant: Date | number): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const iso = new Date(ms + SHANGHAI_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}（北京时间 / Beijing time）`;
}

/** {@link formatShanghai} without the zone's name, for tables and letters that name it once: `2026-02-24 17:00`; `—` for none. */
export function formatShanghaiMinute(instant: Date | number | string | null | undefined): string {
  if (instant === null || instant === undefined) return '—';
  return formatShanghai(typeof instant === 'string' ? Date.parse(instant) : instant).slice(0, 16);
}

/** ISO-8601 week id of a date, e.g. `2026-W08`. */
export function isoWeekId(date: IsoDate): string {
  const n = toDayNumber(date);
  const thursday = n - isoWeekday(date) + 4;
  const year = Number(fromDayNumber(thursday).slice(0, 4));
  const week = Math.floor((thursday - toDayNumber(`${year}-01-01`)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday of the ISO week containing the date. */
export function mondayOf(date: IsoDate): IsoDate {
  return addDays(date, 1 - isoWeekday(date));
}

export class WorkingCalendar {
  private readonly holidays: Map<IsoDate, string>;
  private readonly workdays: Map<IsoDate, string>;
  private readonly covered: Set<number>;
  private readonly warned = new Set<number>();
  /** Every warning this calendar has raised, in order (one per uncovered year). */
  readonly warnings: CalendarWarning[] = [];

  constructor(
    sources: CalendarData[],
    private readonly onWarning?: (w: CalendarWarning) => void,
  ) {
    this.holidays = new Map();
    this.workdays = new Map();
    this.covered = new Set();
    for (const s of sources) {
      for (const [d, label] of Object.entries(s.holidays)) {
        this.workdays.delete(d);
        this.holidays.set(d, label);
      }
      for (const [d, label] of Object.entries(s.workdays)) {
        this.holidays.delete(d);
        this.workdays.set(d, label);
      }
      for (const y of s.coveredYears) this.covered.add(y);
    }
  }

  /** Years with a loaded schedule, ascending. */
  coveredYears(): number[] {
    return [...this.covered].sort((a, b) => a - b);
  }

  isCovered(date: IsoDate): boolean {
    return this.covered.has(Number(date.slice(0, 4)));
  }

  dayInfo(date: IsoDate): DayInfo {
    toDayNumber(date); // validates
    const covered = this.isCovered(date);
    if (!covered) this.warn(Number(date.slice(0, 4)));
    const holiday = this.holidays.get(date);
    if (holiday !== undefined) return { date, working: false, kind: 'holiday', label: holiday, covered };
    const workday = this.workdays.get(date);
    if (workday !== undefined) return { date, working: true, kind: 'makeupWorkday', label: workday, covered };
    const weekend = isoWeekday(date) >= 6;
    return { date, working: !weekend, kind: weekend ? 'weekend' : 'weekday', covered };
  }

  isWorkingDay(date: IsoDate): boolean {
    return this.dayInfo(date).working;
  }

  /** The date itself when it is a working day, otherwise the next working day. */
  onOrNextWorkingDay(date: IsoDate): IsoDate {
    let d = date;
    for (let i = 0; i < 366; i++, d = addDays(d, 1)) if (this.isWorkingDay(d)) return d;
    throw new RangeError(`no working day within a year of ${date}`);
  }

  /** The first working day strictly after the date. */
  nextWorkingDay(date: IsoDate): IsoDate {
    return this.onOrNextWorkingDay(addDays(date, 1));
  }

  /**
   * The working day n working days after `date`. A `date` that is not a working day is
   * first moved onto the next working day, as Chinese administrative practice treats an
   * event on a rest day as happening on the next working day; then n working days are
   * added. So from Fri 2025-09-26, 1 → Sun 9/28 (a make-up workday); from Sat 2025-09-27,
   * 0 → Sun 9/28 and 1 → Mon 9/29. n = 0 returns the date moved onto a working day.
   * Always a working day, and strictly increasing in n.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`addWorkingDays: n must be a whole number ≥ 0, got ${n}`);
    let d = this.onOrNextWorkingDay(date);
    for (let i = 0; i < n; i++) d = this.nextWorkingDay(d);
    return d;
  }

  /**
   * The last day of a period of n working days that starts on `start` (the start counts
   * when it is a working day). E.g. a 5-working-day public notice from Fri 2025-09-26
   * ends Thu 2025-10-09.
   */
  workingDaysPeriodEnd(start: IsoDate, n: number): IsoDate {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`workingDaysPeriodEnd: n must be ≥ 1, got ${n}`);
    return this.addWorkingDays(start, n - 1);
  }

  /** Working days in [from, to], both inclusive. */
  countWorkingDays(from: IsoDate, to: IsoDate): number {
    let count = 0;
    for (let n = toDayNumber(from); n <= toDayNumber(to); n++) if (this.isWorkingDay(fromDayNumber(n))) count++;
    return count;
  }

  private warn(year: number): void {
    if (this.warned.has(year)) return;
    this.warned.add(year);
    const w: CalendarWarning = {
      code: 'calendar.yearNotLoaded',
      year,
      message: {
        zh: `${year} 年的法定节假日与调休安排尚未载入，暂按周一至周五为工作日计算；请在 domain/data/calendar.json 中补充。`,
        en: `No holiday/make-up-workday schedule is loaded for ${year}; Mon–Fri are treated as working days. Add it to domain/data/calendar.json.`,
      },
    };
    this.warnings.push(w);
    this.onWarning?.(w);
  }
}

function yearsOf(data: { holidays: Record<string, string>; workdays: Record<string, string> }): number[] {
  const years = new Set<number>();
  for (const d of [...Object.keys(data.holidays), ...Object.keys(data.workdays)]) years.add(Number(d.slice(0, 4)));
  return [...years];
}

/** The library's schedule as calendar data; a year with any entry counts as covered. */
export const libraryCalendarData: CalendarData = {
  holidays: libraryData.holidays as Record<string, string>,
  workdays: libraryData.workdays as Record<string, string>,
  coveredYears: yearsOf(libraryData),
};

export const projectCalendarData: CalendarData = {
  holidays: projectData.holidays as Record<string, string>,
  workdays: projectData.workdays as Record<string, string>,
  coveredYears: projectData.coveredYears as number[],
};

/**
 * The merged schedule (library overlaid by the project's file) for the years
 * [fromYear, toYear], as plain data: what a long-running process pins at start, so a later
 * edit of the bundled data cannot change the due instants a replay recomputes. A process
 * takes newer data only when it is handed a new snapshot (an Update carrying it).
 */
export function calendarSnapshot(
  fromYear: number,
  toYear: number,
  sources: CalendarData[] = [libraryCalendarData, projectCalendarData],
): CalendarData {
  const inRange = (d: string) => Number(d.slice(0, 4)) >= fromYear && Number(d.slice(0, 4)) <= toYear;
  const holidays: Record<IsoDate, string> = {};
  const workdays: Record<IsoDate, string> = {};
  const covered = new Set<number>();
  for (const src of sources) {
    for (const [d, label] of Object.entries(src.holidays))
      if (inRange(d)) {
        delete workdays[d];
        holidays[d] = label;
      }
    for (const [d, label] of Object.entries(src.workdays))
      if (inRange(d)) {
        delete holidays[d];
        workdays[d] = label;
      }
    for (const y of src.coveredYears) if (y >= fromYear && y <= toYear) covered.add(y);
  }
  const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return { holidays: sorted(holidays), workdays: sorted(workdays), coveredYears: [...covered].sort((a, b) => a - b) };
}

/** A calendar with the library's data overlaid by the project's. */
export function createChinaCalendar(onWarning?: (w: CalendarWarning) => void, extra: CalendarData[] = []): WorkingCalendar {
  return new WorkingCalendar([libraryCalendarData, projectCalendarData, ...extra], onWarning);
}

/** A deadline: the instant it falls due and the instant to remind before it (ISO strings). */
export interface Deadline {
  dueDate: IsoDate;
  dueAt: string;
  remindAt: string;
}

/**
 * The deadline of a date at a wall-clock time in Asia/Shanghai, with a reminder
 * `reminderLeadHours` before it. The date is taken as given (move it onto a working day
 * first where the rule counts working days).
 */
export function dateDeadline(dueDate: IsoDate, time: string, reminderLeadHours: number): Deadline {
  if (!Number.isInteger(reminderLeadHours) || reminderLeadHours < 0)
    throw new RangeError(`reminderLeadHours must be a whole number ≥ 0, got ${reminderLeadHours}`);
  const due = shanghaiInstant(dueDate, time);
  return { dueDate, dueAt: due.toISOString(), remindAt: new Date(due.getTime() - reminderLeadHours * 3_600_000).toISOString() };
}
