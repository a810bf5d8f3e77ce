/**
 * 我的待办: what waits on one user, computed from the pilots' state queries. Pure: the
 * states, the user, the instant and the working-day calendar in; items out, soonest first.
 *
 * - reports due and provincial material requests: the pilot's lead, and its college's staff;
 * - open rectifications: the same, for the college to follow up;
 * - approvals: client/web/approval-inbox.ts (only the step that waits on the user, and the four tabs);
 * - scheduled inspections whose date has come without a result: Academic Affairs;
 * - escalated pilots to chase: college leaders of the college.
 */
import { hasRole, isAcademicAffairs, readOnlyRoles } from '../../domain/actor';
import { WorkingCalendar, addDays, createChinaCalendar, shanghaiDate } from '../../domain/calendar';
import type { PublicUser } from '../auth/users';
import { approvalTabs, type ApprovalEntry } from './approval-inbox';
import type { InboxItem, InboxPilot, InboxTab } from './view';

const bundled = createChinaCalendar();

/**
 * The working days a pilot counts by: the schedule it pinned (its `calendar`, refreshed only
 * through refreshCalendar), so the inbox says what the pilot's own deadlines say; the bundled
 * data only for a state that carries no pinned schedule.
 */
export function pinnedCalendar(s: InboxPilot): WorkingCalendar {
  return s.calendar ? new WorkingCalendar([s.calendar]) : bundled;
}

export function timing(
  dueAt: string,
  now: number,
  cal: WorkingCalendar,
): Pick<InboxItem, 'dueAt' | 'overdue' | 'workingDaysLeft' | 'workingDaysOverdue'> {
  const today = shanghaiDate(now);
  const due = shanghaiDate(Date.parse(dueAt));
  if (Date.parse(dueAt) <= now) {
    return { dueAt, overdue: true, workingDaysOverdue: due < today ? cal.countWorkingDays(addDays(due, 1), today) : 0 };
  }
  return { dueAt, overdue: false, workingDaysLeft: due > today ? cal.countWorkingDays(addDays(today, 1), due) : 0 };
}

export function inboxFor(
  user: PublicUser,
  states: InboxPilot[],
  now: number,
  calendarOf: WorkingCalendar | ((s: InboxPilot) => WorkingCalendar) = pinnedCalendar,
): InboxItem[] {
  const items: InboxItem[] = [];
  for (const s of states) {
    if (s.status !== 'running') continue;
    const cal = typeof calendarOf === 'function' ? calendarOf(s) : calendarOf;
    const p = s.current ?? s.pilot;
    const college = p.college.id;
    const base = {
      pilotId: p.id,
      pilotName: `${p.college.name} ${p.major.name} ${p.certificate.name}`,
      college,
      collegeName: p.college.name,
    };
    const page = `/pilots/${encodeURIComponent(p.id)}`;
    const isLead = hasRole(user, 'pilotLead') && (user.id === p.lead.userId || user.email.toLowerCase() === p.lead.email.toLowerCase());
    const isStaff = hasRole(user, 'collegeStaff') && user.college === college;
    const isLeader = hasRole(user, 'collegeLeader') && user.college === college;
    const isAA = isAcademicAffairs(user);

    if (isLead || isStaff) {
      for (const period of s.periods) {
        if (period.outcome !== 'pending') continue;
        items.push({
          ...base,
          kind: 'weeklyReport',
          ref: period.id,
          title: { zh: `提交 ${period.id} 工作周报（第五条）`, en: `Submit the weekly report for ${period.id} (Art. 5)` },
          ...timing(period.dueAt, now, cal),
          href: `${page}?do=weeklyReport&ref=${encodeURIComponent(period.id)}`,
        });
      }
      for (const r of s.provincial ?? []) {
        if (r.outcome !== 'pending' && r.outcome !== 'missed') continue;
        items.push({
          ...base,
          kind: 'provincialSubmission',
          ref: r.id,
          title: { zh: `报送省厅材料：${r.title}（第十九条）`, en: `Send the province: ${r.title} (Art. 19(1))` },
          ...timing(r.dueAt, now, cal),
          href: `${page}?do=provincialSubmission&ref=${encodeURIComponent(r.id)}`,
        });
      }
      for (const r of s.rectifications ?? []) {
        if (r.status !== 'open' && r.status !== 'overdue') continue;
        items.push({
          ...base,
          kind: 'rectification',
          ref: r.id,
          title: { zh: `限期整改：检查 ${r.id}（第十八条）`, en: `Rectify the findings of inspection ${r.id} (Art. 18)` },
          ...timing(r.dueAt, now, cal),
          href: page,
        });
      }
    }
    if (isAA) {
      for (const i of s.schedule ?? []) {
        if (i.inspectionId || Date.parse(i.at) > now) continue;
        items.push({
          ...base,
          kind: 'inspection',
          ref: i.date,
          title: { zh: `登记 ${i.date} 定期检查结果（第十八条）`, en: `Record the scheduled inspection of ${i.date} (Art. 18)` },
          ...timing(i.at, now, cal),
          href: `${page}?do=inspection`,
        });
      }
    }
    if (isLeader && s.escalated) {
      items.push({
        ...base,
        kind: 'chase',
        title: {
          zh: `督办：连续 ${s.consecutiveMisses} 次未交工作周报`,
          en: `Follow up: ${s.consecutiveMisses} weekly reports missed in a row`,
        },
        overdue: true,
        href: page,
      });
    }
  }
  return items.sort(bySoonest);
}

/** Overdue first, then by due date; items without one last. */
export const bySoonest = (a: InboxItem, b: InboxItem) =>
  Number(b.overdue) - Number(a.overdue) || (a.dueAt ?? '9').localeCompare(b.dueAt ?? '9');

/**
 * The whole inbox: the pilots' obligations and the approvals' 待办, and the 已办 / 抄送我 /
 * 我发起的 tabs, with counts. A supervisor (read-only) has nothing to do.
 */
export function inboxTabsFor(
  user: PublicUser,
  states: InboxPilot[],
  approvals: readonly ApprovalEntry[],
  now: number,
  calendarOf: (s: InboxPilot) => WorkingCalendar = pinnedCalendar,
): { tabs: Record<InboxTab, InboxItem[]>; counts: Record<InboxTab, number> } {
  const a = approvalTabs(user, approvals, now, calendarOf, timing);
  const todo = readOnlyRoles.includes(user.role) ? [] : [...inboxFor(user, states, now, calendarOf), ...a.todo].sort(bySoonest);
  const tabs = { ...a, todo };
  return { tabs, counts: { todo: todo.length, done: a.done.length, cc: a.cc.length, mine: a.mine.length } };
}
