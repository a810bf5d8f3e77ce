/**
 * Deadlines and extensions — Art. 4 (第四条: Academic Affairs manages the programme), on the
 * deadlines of Art. 5 and Art. 19(1): Academic Affairs reminds a pilot of what is overdue,
 * moves the due date of the open week's report or of a provincial request not yet due (onto a
 * working day), and loads a new working-day schedule (statutory holidays and 调休) that every
 * later deadline is computed from.
 */
import { setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { WorkingCalendar, formatShanghai, shanghaiInstant } from '../../domain/calendar';
import { inputError, type Bilingual } from '../../domain/errors';
import { extendDeadlineInputSchema, refreshCalendarInputSchema, remindNowInputSchema } from '../../domain/pilot-actions';
import * as notices from '../../domain/pilot-notices';
import { provincialMaterialDeadline } from '../../domain/violation';
import { followingWeeklyPeriod } from '../../domain/weekly';
import { extendDeadline, refreshCalendar, remindNow } from '../messages';
import type { ActionResult } from '../pilot-state';
import { refuse } from '../refusal';
import { OnexNextDue } from '../search-attributes';
import type { Obligation, PilotContext } from './context';
import { parseInput, requireAcademicAffairs, requireInPilot, requireRunning } from './guards';

function register(ctx: PilotContext): void {
  const s = ctx.s;
  setHandler(
    remindNow,
    (raw): ActionResult => {
      const r = remindNowInputSchema.parse(raw);
      const items = pendingItems(ctx);
      const seq = s.audit.filter((a) => a.action === 'reminder.manual').length + 1;
      ctx.notice(`reminder:manual:${seq}`, ctx.recipients('pilotLead', 'collegeLeader'), notices.manualReminderNotice(items, r.note));
      return {
        audit: ctx.audit(
          'reminder.manual',
          r.actor,
          { zh: `教务部发送提醒（${items.length} 项）`, en: `Academic Affairs sent a reminder (${items.length} item(s))` },
          { after: { items: items.map((i) => i.en) } },
        ),
      };
    },
    {
      validator: (raw) => {
        const r = parseInput(remindNowInputSchema, raw);
        requireRunning(ctx);
        requireAcademicAffairs(r.actor, { zh: '发送提醒', en: 'send reminders' }, 4);
        if (!ctx.overdue())
          refuse([
            inputError(
              '(pilot)',
              '该试点没有逾期事项，无需提醒',
              'nothing of this pilot is overdue; no reminder is needed',
              'reminder.nothingOverdue',
            ),
          ]);
      },
    },
  );
  setHandler(
    extendDeadline,
    (raw): ActionResult => {
      const e = extendDeadlineInputSchema.parse(raw);
      const item = extensionTarget(ctx, e.target)!;
      const before = item.dueAt;
      const due = extendedDue(ctx, e.target.kind, e.newDueDate);
      item.dueAt = due.dueAt;
      item.remindAt = due.remindAt;
      item.reminded = false;
      item.extended = true;
      if ('dueDate' in item) item.dueDate = due.dueDate;
      if (e.target.kind === 'weeklyPeriod') upsertSearchAttributes([{ key: OnexNextDue, value: new Date(due.dueAt) }]);
      const what =
        e.target.kind === 'weeklyPeriod'
          ? { zh: `${e.target.id} 工作周报`, en: `the weekly report for ${e.target.id}` }
          : { zh: `省厅材料“${item.title ?? e.target.id}”`, en: `provincial material “${item.title ?? e.target.id}”` };
      ctx.notice(
        `extend:${e.target.kind}:${e.target.id}:${due.dueAt}`,
        ctx.recipients('pilotLead', 'collegeLeader'),
        notices.deadlineExtendedNotice(what, before, due.dueAt, e.reason),
      );
      ctx.dirty = true;
      return {
        audit: ctx.audit(
          'deadline.extend',
          e.actor,
          {
            zh: `${what.zh}截止时间延至 ${formatShanghai(Date.parse(due.dueAt))}：${e.reason}`,
            en: `${what.en} extended to ${formatShanghai(Date.parse(due.dueAt))}: ${e.reason}`,
          },
          { before: { dueAt: before }, after: { dueAt: due.dueAt } },
        ),
      };
    },
    {
      validator: (raw) => {
        const e = parseInput(extendDeadlineInputSchema, raw);
        requireRunning(ctx);
        requireAcademicAffairs(e.actor, { zh: '调整截止时间', en: 'extend a deadline' }, 4);
        requireInPilot(ctx, 'newDueDate', e.newDueDate, e.target.kind === 'weeklyPeriod' ? 5 : 19, {
          zh: '延期后的截止日期',
          en: 'the extended deadline',
        });
        const item = extensionTarget(ctx, e.target);
        if (!item) {
          refuse([
            inputError(
              'target.id',
              `没有可延期的待办事项 ${e.target.id}（须为未截止的省厅材料要求或当前周次）`,
              `no pending item ${e.target.id} to extend (a provincial request not yet due, or the open week)`,
              'deadline.unknown',
            ),
          ]);
        }
        const due = extendedDue(ctx, e.target.kind, e.newDueDate);
        const open = ctx.openPeriod();
        const following =
          e.target.kind === 'weeklyPeriod' && open?.monday
            ? followingWeeklyPeriod(ctx.s.current, { monday: open.monday }, ctx.calendar)
            : undefined;
        if (following && due.dueAt >= following.dueAt) {
          refuse([
            inputError(
              'newDueDate',
              `本周周报的截止时间须早于下一周的截止时间 ${formatShanghai(Date.parse(following.dueAt))}`,
              `a week's report must stay due before the next week's, ${formatShanghai(Date.parse(following.dueAt))}`,
              'deadline.pastNextWeek',
            ),
          ]);
        }
        if (due.dueAt <= item.dueAt) {
          refuse([
            inputError(
              'newDueDate',
              `新的截止时间 ${formatShanghai(Date.parse(due.dueAt))} 须晚于原截止时间 ${formatShanghai(Date.parse(item.dueAt))}`,
              `the new deadline ${formatShanghai(Date.parse(due.dueAt))} must be after the current one, ${formatShanghai(Date.parse(item.dueAt))}`,
              'deadline.notLater',
            ),
          ]);
        }
      },
    },
  );

  // A new working-day schedule (e.g. the State Council publishes next year's holidays): the
  // data travels in the Update, so a replay rebuilds the very same calendar.
  setHandler(
    refreshCalendar,
    (raw): ActionResult => {
      const r = refreshCalendarInputSchema.parse(raw);
      const before = ctx.calendarData?.coveredYears ?? null;
      ctx.calendarData = r.calendar;
      ctx.calendar = new WorkingCalendar([r.calendar], ctx.onCalendarWarning);
      ctx.dirty = true;
      return {
        audit: ctx.audit(
          'calendar.refresh',
          r.actor,
          {
            zh: `更新节假日与调休安排（已载入 ${r.calendar.coveredYears.join('、')} 年）`,
            en: `working-day schedule updated (years loaded: ${r.calendar.coveredYears.join(', ')})`,
          },
          { before: { coveredYears: before }, after: { coveredYears: r.calendar.coveredYears } },
        ),
      };
    },
    {
      validator: (raw) => {
        const r = parseInput(refreshCalendarInputSchema, raw);
        requireRunning(ctx);
        requireAcademicAffairs(r.actor, { zh: '更新节假日安排', en: 'update the working-day schedule' }, 4);
      },
    },
  );
}

/** What is overdue or pending now, for a reminder. */
function pendingItems(ctx: PilotContext): Bilingual[] {
  const s = ctx.s;
  const out: Bilingual[] = [];
  for (const p of s.periods.filter((x) => x.outcome === 'missed').slice(-3))
    out.push({ zh: `${p.id} 工作周报逾期未交（第五条）`, en: `weekly report for ${p.id} missed (Art. 5)` });
  for (const r of s.provincial.filter((x) => x.outcome === 'missed' || x.outcome === 'pending')) {
    out.push({
      zh: `省厅材料“${r.title}”${r.outcome === 'missed' ? '逾期未报送' : `截止 ${formatShanghai(Date.parse(r.dueAt))}`}（第十九条）`,
      en: `provincial material “${r.title}” ${r.outcome === 'missed' ? 'missed' : `due ${formatShanghai(Date.parse(r.dueAt))}`} (Art. 19)`,
    });
  }
  for (const r of s.rectifications.filter((x) => x.status === 'overdue'))
    out.push({ zh: `检查 ${r.id} 的整改逾期（第十八条）`, en: `rectification of inspection ${r.id} overdue (Art. 18)` });
  const open = ctx.openPeriod();
  if (open && open.outcome === 'pending')
    out.push({
      zh: `${open.id} 工作周报截止 ${formatShanghai(Date.parse(open.dueAt))}`,
      en: `weekly report for ${open.id} due ${formatShanghai(Date.parse(open.dueAt))}`,
    });
  return out;
}

function extensionTarget(
  ctx: PilotContext,
  t: {
    kind: 'provincialRequest' | 'weeklyPeriod';
    id: string;
  },
): { dueAt: string; remindAt: string; reminded: boolean; extended?: boolean; title?: string; dueDate?: string } | undefined {
  if (t.kind === 'provincialRequest') return ctx.s.provincial.find((r) => r.id === t.id && r.outcome === 'pending');
  const open = ctx.openPeriod();
  return open && open.id === t.id && open.outcome === 'pending' ? open : undefined;
}

/** A new due instant on a working day at the policy's (weekly) or the table's (provincial) time. */
function extendedDue(
  ctx: PilotContext,
  kind: 'provincialRequest' | 'weeklyPeriod',
  date: string,
): { dueDate: string; dueAt: string; remindAt: string } {
  if (kind === 'provincialRequest') return provincialMaterialDeadline({ dueDate: date }, ctx.rules, ctx.calendar);
  const policy = ctx.s.current.reportPolicy;
  const dueDate = ctx.calendar.onOrNextWorkingDay(date);
  const due = shanghaiInstant(dueDate, policy.time);
  return { dueDate, dueAt: due.toISOString(), remindAt: new Date(due.getTime() - policy.reminderLeadHours * 3_600_000).toISOString() };
}

export const deadlines: Obligation = { register };
