/**
 * The supervisors' dashboard as the page reads it (GET /api/dashboard): each listed pilot
 * with its name and its college's name (never only ids), why it is escalated or at risk,
 * counts per college and stage, the calendar warnings, and the two charts' series — weekly
 * reports per week (on time, late, missed) and pass rates per year — all from the pilots'
 * own states.
 */
import type { Bilingual } from '../../domain/errors';
import type { PilotState } from '../../workflows/pilot-state';
import { collegeName, type Catalogue } from '../programme-catalogue';
import type { PilotListItem } from '../service';

export interface DashboardPilot extends PilotListItem {
  /** 学院 专业 证书, as the inbox names a pilot. */
  name: string;
  collegeName: string;
  leadName?: string;
  escalationReasons: Bilingual[];
  riskReasons: Bilingual[];
  waitingOn: Bilingual[];
}

export interface DashboardCollege {
  id: string;
  name: string;
  total: number;
  escalated: number;
  overdue: number;
  cancellationRisk: number;
  /** Pilots per stage code (the page names each stage). */
  stages: Record<string, number>;
}

export interface DashboardView {
  pilots: DashboardPilot[];
  colleges: DashboardCollege[];
  /** Per college id (kept for readers of the earlier answer). */
  counts: Record<string, { total: number; escalated: number; overdue: number; cancellationRisk: number }>;
  /** One per missing calendar year, naming the pilots it affects. */
  calendarWarnings: { year: number; message: Bilingual; pilots: { pilotId: string; pilotName: string }[] }[];
  /** The last 12 weeks that have a due report, oldest first. */
  weeks: { week: string; onTime: number; late: number; missed: number; pending: number }[];
  passRates: { year: number; candidates: number; passed: number }[];
}

const WEEKS = 12;

function escalationReasons(s: PilotState, escalated: boolean): Bilingual[] {
  const out: Bilingual[] = [];
  if (s.consecutiveMisses > 0)
    out.push({ zh: `连续 ${s.consecutiveMisses} 周未按时提交周报`, en: `${s.consecutiveMisses} weekly reports in a row not on time` });
  if (s.consecutiveProvincialMisses > 0)
    out.push({
      zh: `连续 ${s.consecutiveProvincialMisses} 次未按时报送省级材料`,
      en: `${s.consecutiveProvincialMisses} provincial submissions in a row missed`,
    });
  if (escalated && out.length === 0) out.push({ zh: '已上报督办', en: 'escalated' });
  return out;
}

/** What a supervisor reads of a missing calendar year (the workflow's own text names a data file, for engineers). */
function calendarWarningText(year: number): Bilingual {
  return {
    zh: `${year} 年的法定节假日与调休安排尚未载入，暂按周一至周五为工作日计算截止日期；请联系系统管理员更新工作日历。`,
    en: `The ${year} holiday and make-up-workday schedule is not loaded yet; deadlines count Mon–Fri as working days. Ask the administrator to update the working-day calendar.`,
  };
}

export function dashboardView(rows: PilotListItem[], states: (PilotState | undefined)[], catalogue: Catalogue): DashboardView {
  const pilots: DashboardPilot[] = [];
  const colleges = new Map<string, DashboardCollege>();
  const counts: DashboardView['counts'] = {};
  const calendarWarnings = new Map<number, DashboardView['calendarWarnings'][number]>();
  const weeks = new Map<string, { onTime: number; late: number; missed: number; pending: number }>();
  const years = new Map<number, { candidates: number; passed: number }>();
  rows.forEach((r, i) => {
    const s = states[i];
    const cname = s?.current.college.name ?? collegeName(catalogue, r.college) ?? '—';
    const name = s ? `${s.current.college.name} ${s.current.major.name} ${s.current.certificate.name}` : r.pilotId;
    const escalated = r.escalated === true || s?.escalated === true;
    pilots.push({
      ...r,
      escalated,
      name,
      collegeName: cname,
      ...(s ? { leadName: s.current.lead.name } : {}),
      escalationReasons: s && escalated ? escalationReasons(s, escalated) : [],
      riskReasons: s?.cancellationRisk.reasons.map((x) => x.reason) ?? [],
      waitingOn: s?.waitingOn ?? [],
    });
    const id = r.college ?? '—';
    const c = colleges.get(id) ?? { id, name: cname, total: 0, escalated: 0, overdue: 0, cancellationRisk: 0, stages: {} };
    colleges.set(id, c);
    c.total++;
    if (escalated) c.escalated++;
    if (r.overdue) c.overdue++;
    if (r.cancellationRisk) c.cancellationRisk++;
    const stage = r.stage ?? 'implementation';
    c.stages[stage] = (c.stages[stage] ?? 0) + 1;
    counts[id] = { total: c.total, escalated: c.escalated, overdue: c.overdue, cancellationRisk: c.cancellationRisk };
    if (!s) return;
    for (const w of s.calendarWarnings) {
      const e = calendarWarnings.get(w.year) ?? { year: w.year, message: calendarWarningText(w.year), pilots: [] };
      calendarWarnings.set(w.year, e);
      e.pilots.push({ pilotId: r.pilotId, pilotName: name });
    }
    for (const p of s.periods) {
      const week = p.id;
      const e = weeks.get(week) ?? { onTime: 0, late: 0, missed: 0, pending: 0 };
      weeks.set(week, e);
      e[p.outcome]++;
    }
    for (const y of s.passYears) {
      const e = years.get(y.year) ?? { candidates: 0, passed: 0 };
      years.set(y.year, e);
      e.candidates += y.candidates;
      e.passed += y.passed;
    }
  });
  return {
    pilots,
    colleges: [...colleges.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
    counts,
    calendarWarnings: [...calendarWarnings.values()].sort((a, b) => a.year - b.year),
    weeks: [...weeks.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(-WEEKS)
      .map(([week, e]) => ({ week, ...e })),
    passRates: [...years.entries()].sort(([a], [b]) => a - b).map(([year, e]) => ({ year, ...e })),
  };
}
