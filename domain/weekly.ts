/**
 * Art. 5 — weekly work reports (工作周报): the schedule of periods, their due instants on
 * the Chinese working-day calendar, who may submit, and the escalation ladder.
 *
 * Art. 5 requires the working group to "扎实落实工作周报报送"; the three-miss escalation
 * is our design requirement (DOMAIN.md): 1st consecutive miss → the pilot lead;
 * 2nd → lead + college leader; 3rd and later → Academic Affairs as well, and the pilot is
 * marked escalated until its next on-time report.
 */
import { z } from 'zod';
import type { Actor } from './actor';
import { actorSchema, hasRole, isAcademicAffairs } from './actor';
import { addDays, isoWeekId, mondayOf, shanghaiDate, shanghaiInstant, toDayNumber, type IsoDate, type WorkingCalendar } from './calendar';
import type { RuleResult } from './errors';
import { patternString, requiredText } from './validation';
import type { PilotRecord, ReportPolicy } from './pilot';
import { documentRefSchema, documentRefsSchema } from './documents';

export const ART5 = { article: 5 } as const;

export interface WeeklyPeriod {
  /** ISO week id, e.g. `2026-W08`. */
  id: string;
  monday: IsoDate;
  /** The policy weekday of that week, before any holiday shift. */
  nominalDueDate: IsoDate;
  /** The due date after moving off holidays/weekends onto the next working day. */
  dueDate: IsoDate;
  dueAt: string;
  remindAt: string;
}

/** The period of the ISO week that starts on (or contains) `monday`. */
export function weeklyPeriod(monday: IsoDate, policy: ReportPolicy, calendar: WorkingCalendar): WeeklyPeriod {
  const m = mondayOf(monday);
  const nominalDueDate = addDays(m, policy.weekday - 1);
  const dueDate = calendar.onOrNextWorkingDay(nominalDueDate);
  const due = shanghaiInstant(dueDate, policy.time);
  return {
    id: isoWeekId(m),
    monday: m,
    nominalDueDate,
    dueDate,
    dueAt: due.toISOString(),
    remindAt: new Date(due.getTime() - policy.reminderLeadHours * 3_600_000).toISOString(),
  };
}

function withinPilot(p: WeeklyPeriod, pilot: Pick<PilotRecord, 'startDate' | 'endDate'>): boolean {
  return p.nominalDueDate >= pilot.startDate && p.nominalDueDate <= pilot.endDate;
}

/**
 * The pilot's first period: the first week whose nominal due date lies within
 * [startDate, endDate] and whose due instant is after `afterInstant` (the moment the
 * pilot workflow started: weeks already due then are not counted against it).
 */
export function firstWeeklyPeriod(
  pilot: Pick<PilotRecord, 'startDate' | 'endDate' | 'reportPolicy'>,
  afterInstant: string,
  calendar: WorkingCalendar,
): WeeklyPeriod | undefined {
  const from = [pilot.startDate, shanghaiDate(new Date(afterInstant))].sort()[1]!;
  // A holiday can push a week's due date into a later week, so look two weeks back.
  for (let monday = mondayOf(addDays(from, -14)); toDayNumber(monday) <= toDayNumber(pilot.endDate); monday = addDays(monday, 7)) {
    const p = weeklyPeriod(monday, pilot.reportPolicy, calendar);
    if (withinPilot(p, pilot) && p.dueAt > afterInstant) return p;
  }
  return undefined;
}

/**
 * The period after `previous` (the next ISO week), or undefined after the pilot's end.
 * Periods go week by week, so two weeks can fall due on the same instant when a long
 * holiday moves one of them (e.g. National Day): both are reported, neither is skipped.
 */
export function followingWeeklyPeriod(
  pilot: Pick<PilotRecord, 'startDate' | 'endDate' | 'reportPolicy'>,
  previous: Pick<WeeklyPeriod, 'monday'>,
  calendar: WorkingCalendar,
): WeeklyPeriod | undefined {
  const p = weeklyPeriod(addDays(previous.monday, 7), pilot.reportPolicy, calendar);
  return withinPilot(p, pilot) ? p : undefined;
}

export type PeriodOutcome = 'pending' | 'onTime' | 'late' | 'missed';

export const weeklyReportSchema = z.object({
  periodId: patternString(/^\d{4}-W\d{2}$/, '周次格式应为 2026-W08', 'expected an ISO week such as 2026-W08'),
  content: requiredText(5000, '周报内容不能为空', 'the report must not be empty'),
  /** The full text as kept in the document store (the API stores it); the workflow keeps this and an excerpt. */
  text: documentRefSchema.optional(),
  /** Documents attached to this record (references into the document store, never content). */
  documents: documentRefsSchema.optional(),
  actor: actorSchema,
});
export type WeeklyReportInput = z.input<typeof weeklyReportSchema>;
export type WeeklyReport = z.output<typeof weeklyReportSchema>;

/** Who may submit a pilot's weekly report (Art. 5 working group; Art. 6 the lead). */
export function mayReportWeekly(actor: Actor, pilot: Pick<PilotRecord, 'college' | 'lead'>): RuleResult | null {
  const ok =
    (hasRole(actor, 'pilotLead') && (actor.id === pilot.lead.userId || actor.id.toLowerCase() === pilot.lead.email.toLowerCase())) ||
    (hasRole(actor, 'collegeStaff', 'collegeLeader') && actor.college === pilot.college.id) ||
    (isAcademicAffairs(actor) && actor.onBehalfOf !== undefined);
  if (ok) return null;
  return {
    ruleId: 'art5.weeklyReport.actor',
    article: ART5,
    severity: 'hard',
    field: 'actor',
    message: {
      zh: '只有本试点负责人、本学院 1+X 证书试点工作小组成员，或代为录入的教务部人员（须注明代谁提交）可以提交工作周报',
      en: "only this pilot's lead, its college's 1+X working group, or Academic Affairs entering it on someone's behalf (onBehalfOf) may submit the weekly report",
    },
  };
}

/** `delegate`: someone an approver delegated a step to; `cc`: someone copied on an approval. */
export type RecipientRole = 'pilotLead' | 'collegeLeader' | 'academicAffairs' | 'schoolLeader' | 'delegate' | 'cc' | 'collegeStaff';
export interface Recipient {
  role: RecipientRole;
  email: string;
  name?: string;
}

/** Escalation level for a number of consecutive misses: 0 none, 1 lead, 2 + college leader, 3 + Academic Affairs. */
export function escalationLevel(consecutiveMisses: number, missesToEscalate: number): 0 | 1 | 2 | 3 {
  if (consecutiveMisses <= 0) return 0;
  if (consecutiveMisses >= missesToEscalate) return 3;
  return consecutiveMisses === 1 ? 1 : 2;
}

/** Who is told at each escalation level. */
export function escalationRecipients(
  level: 1 | 2 | 3,
  pilot: Pick<PilotRecord, 'lead' | 'collegeLeaderEmail' | 'academicAffairsEmail'>,
): Recipient[] {
  const out: Recipient[] = [{ role: 'pilotLead', email: pilot.lead.email, name: pilot.lead.name }];
  if (level >= 2) out.push({ role: 'collegeLeader', email: pilot.collegeLeaderEmail });
  if (level >= 3) out.push({ role: 'academicAffairs', email: pilot.academicAffairsEmail });
  return out;
}
