/**
 * Which dates can belong to the programme: a window as data, each bound with its reason, so
 * a date like 0000-01-01, 1900-12-31 or 9999-12-31 is refused where it enters (the schema)
 * and every refusal names the field and the reason.
 *
 * - From 2019-01-01: the 1+X certificate pilot began in 2019 (Art. 1 cites 国发〔2019〕4号 and
 *   教职成〔2019〕6号); nothing of the programme can be dated before it.
 * - To 2100-12-31: the same bound as the years of rounds and pass records (2019–2100); the
 *   working-day calendar and the rule tables are not maintained beyond it.
 * - A pilot lasts at most 6 years: pilots run "typically one to three years" (Art. 9(4),
 *   组织项目实施) and an application plans at most 60 months; 6 years leaves room for an
 *   Art. 7 change of schedule without letting a typo run for decades.
 * - A pilot's own records (ledger entries, assessments, inspections, violations, provincial
 *   requests, extended deadlines) are dated within its period, with a margin of 90 days
 *   before the start (preparation, an allocation booked ahead) and after the end (closing
 *   the books, the last inspection, Art. 20's assessment of the task).
 * - An application round's deadlines lie within a year of the round's year.
 *
 * Pure and deterministic: the workflows' validators use it too. Changing a value changes
 * what new input is accepted, never how a recorded history replays (validators do not run
 * on replay, and every recorded date lies well inside the window).
 */
import { addDays } from './calendar';
import type { Bilingual, RuleResult } from './errors';
import { breach, defineRule } from './rules';

export const programmeDateWindow = Object.freeze({
  earliest: '2019-01-01',
  latest: '2100-12-31',
  maxPilotYears: 6,
  pilotMarginDays: 90,
  roundMarginYears: 1,
});

export const programmeWindowReason: Bilingual = {
  zh: `1+X 证书制度试点始于 2019 年（第一条所引国发〔2019〕4号、教职成〔2019〕6号），本系统受理 ${programmeDateWindow.earliest} 至 ${programmeDateWindow.latest} 之间的日期`,
  en: `the 1+X certificate pilot began in 2019 (the documents cited in Art. 1); onex takes dates from ${programmeDateWindow.earliest} to ${programmeDateWindow.latest}`,
};

export const dateRules = {
  window: defineRule({
    id: 'date.window',
    article: { article: 1 },
    severity: 'hard',
    title: {
      zh: '日期须在本项目的时间范围内：2019 年（1+X 证书制度试点开始）至 2100 年',
      en: "dates lie inside the programme's window: from 2019 (the start of the 1+X pilot) to 2100",
    },
    enforcedIn: ['domain/pilot.ts#isoDateSchema'],
  }),
  pilotLength: defineRule({
    id: 'date.pilotLength',
    article: { article: 9, item: 4 },
    severity: 'hard',
    title: {
      zh: '试点期不超过 6 年（试点一般实施一至三年）',
      en: 'a pilot lasts at most 6 years (pilots typically run one to three years)',
    },
    enforcedIn: ['domain/date-window.ts#pilotLengthResult', 'domain/pilot.ts#pilotRecordSchema', 'domain/change.ts#checkChangeRequest'],
  }),
  outsidePilot: defineRule({
    id: 'date.outsidePilot',
    article: { article: 18 },
    severity: 'hard',
    title: {
      zh: '试点的收支、考核、检查、违规与省厅材料日期须在试点期内（前后各留 90 天）',
      en: "a pilot's ledger, assessment, inspection, violation and provincial dates lie inside its period (90 days' margin either side)",
    },
    enforcedIn: ['domain/date-window.ts#pilotDateResult', 'workflows/pilot/guards.ts'],
  }),
  outsideRound: defineRule({
    id: 'date.outsideRound',
    article: { article: 9 },
    severity: 'hard',
    title: { zh: '年度申报的截止日期须在该年度前后一年内', en: "a round's deadlines lie within a year of the round's year" },
    enforcedIn: ['domain/date-window.ts#roundDateResult', 'domain/round.ts#roundRecordSchema'],
  }),
} as const;

/** True for a date (YYYY-MM-DD, already a real calendar date) inside the programme's window. */
export function withinProgramme(date: string): boolean {
  return date >= programmeDateWindow.earliest && date <= programmeDateWindow.latest;
}

/** The latest end date a pilot starting on `startDate` may have (start + N years − 1 day). */
export function latestPilotEnd(startDate: string): string {
  const y = Number(startDate.slice(0, 4)) + programmeDateWindow.maxPilotYears;
  const md = startDate.slice(5);
  // 02-29 + N years may not exist: the day before 03-01 of that year.
  const sameDay = md === '02-29' ? addDays(`${y}-03-01`, -1) : `${y}-${md}`;
  return addDays(sameDay, -1);
}

export function pilotLengthResult(startDate: string, endDate: string): RuleResult | null {
  const latest = latestPilotEnd(startDate);
  if (endDate <= latest) return null;
  return breach(dateRules.pilotLength, 'endDate', {
    zh: `试点期不能超过 ${programmeDateWindow.maxPilotYears} 年（试点一般实施一至三年，第九条（四））：开始于 ${startDate} 的试点最迟于 ${latest} 结束，不能是 ${endDate}`,
    en: `a pilot lasts at most ${programmeDateWindow.maxPilotYears} years (pilots typically run one to three years, Art. 9(4)): one starting ${startDate} ends by ${latest}, not ${endDate}`,
  });
}

/** The dates a pilot's own records may carry: its period widened by the margin. */
export function pilotRecordWindow(period: { startDate: string; endDate: string }): { from: string; to: string } {
  const m = programmeDateWindow.pilotMarginDays;
  return { from: addDays(period.startDate, -m), to: addDays(period.endDate, m) };
}

/**
 * Refuses a record's date outside the pilot's period (± the margin), naming the field and
 * the article the record belongs to; null when inside.
 */
export function pilotDateResult(
  field: string,
  date: string,
  period: { startDate: string; endDate: string },
  article: number,
  what: Bilingual,
): RuleResult | null {
  const w = pilotRecordWindow(period);
  if (date >= w.from && date <= w.to) return null;
  const m = programmeDateWindow.pilotMarginDays;
  // Cites the article of the record itself (Art. 5 ledger, 12 assessments, 18 inspections, 19 …).
  return {
    ...breach(dateRules.outsidePilot, field, {
      zh: `${what.zh}的日期 ${date} 不在本试点期内（${period.startDate} 至 ${period.endDate}，前后各留 ${m} 天，即 ${w.from} 至 ${w.to}）`,
      en: `the date ${date} of ${what.en} lies outside this pilot's period (${period.startDate} to ${period.endDate}, with ${m} days' margin either side: ${w.from} to ${w.to})`,
    }),
    article: { article },
  };
}

/** An application round's deadlines lie within a year of its year (a call for year Y is made in Y−1 or Y). */
export function roundDateResult(field: string, date: string, year: number): RuleResult | null {
  const m = programmeDateWindow.roundMarginYears;
  const from = `${year - m}-01-01`;
  const to = `${year + m}-12-31`;
  if (date >= from && date <= to) return null;
  return breach(dateRules.outsideRound, field, {
    zh: `${year} 年度申报的日期须在 ${from} 至 ${to} 之间（第九条，省教育厅发布的年度申报），不能是 ${date}`,
    en: `dates of the ${year} application round lie between ${from} and ${to} (Art. 9, the province's yearly call), not ${date}`,
  });
}
