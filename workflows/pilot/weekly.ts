/**
 * Weekly work reports — Art. 5 (第五条): the pilot's working group files a report every week
 * (by default Friday 17:00, moved to the next working day over holidays); the lead is reminded
 * before the due instant; consecutive misses escalate (the lead, then the college leader, then
 * Academic Affairs, and the pilot is marked escalated); an on-time report resets the count.
 * One period is open at a time; the next opens when it closes.
 */
import { setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { formatShanghai, shanghaiInstant } from '../../domain/calendar';
import type { Bilingual } from '../../domain/errors';
import {
  ART5,
  escalationRecipients,
  firstWeeklyPeriod,
  followingWeeklyPeriod,
  mayReportWeekly,
  weeklyReportSchema,
  type WeeklyPeriod,
} from '../../domain/weekly';
import { submitWeeklyReport } from '../messages';
import type { SubmitWeeklyReportResult } from '../pilot-state';
import { refuse } from '../refusal';
import { OnexEscalated, OnexNextDue } from '../search-attributes';
import { nowIso, type Obligation, type PilotContext } from './context';
import { parseInput, requireRunning } from './guards';

const EXCERPT_CHARS = 200;

function register(ctx: PilotContext): void {
  const s = ctx.s;
  setHandler(
    submitWeeklyReport,
    (raw): SubmitWeeklyReportResult => {
      const report = weeklyReportSchema.parse(raw);
      const period = s.periods.find((p) => p.id === report.periodId)!;
      const now = nowIso();
      const onTime = period.outcome === 'pending' && now <= period.dueAt;
      period.outcome = onTime ? 'onTime' : 'late';
      period.submittedAt = now;
      period.by = report.actor;
      period.excerpt = report.content.slice(0, EXCERPT_CHARS);
      period.chars = report.content.length;
      if (report.text) period.text = report.text;
      if (report.documents?.length) period.documents = report.documents;
      if (onTime) {
        // Art. 5: an on-time report resets the consecutive count and clears the mark.
        s.consecutiveMisses = 0;
        if (s.escalated) {
          s.escalated = false;
          delete s.escalatedAt;
          upsertSearchAttributes([{ key: OnexEscalated, value: false }]);
        }
        ctx.syncOverdue();
      }
      ctx.dirty = true;
      ctx.audit(
        'weeklyReport.submit',
        report.actor,
        {
          zh: `提交 ${period.id} 工作周报（${onTime ? '按时' : '迟交'}）`,
          en: `weekly report for ${period.id} submitted (${onTime ? 'on time' : 'late'})`,
        },
        {
          ruleIds: ['art5.weeklyReport'],
          ...(report.text || report.documents?.length
            ? { documents: [...(report.text ? [report.text] : []), ...(report.documents ?? [])] }
            : {}),
        },
      );
      return {
        periodId: period.id,
        outcome: onTime ? 'onTime' : 'late',
        submittedAt: now,
        consecutiveMisses: s.consecutiveMisses,
        escalated: s.escalated,
      };
    },
    {
      validator: (raw) => {
        const report = parseInput(weeklyReportSchema, raw);
        const actorRefusal = mayReportWeekly(report.actor, s.current);
        if (actorRefusal) refuse([actorRefusal]);
        requireRunning(ctx, 'periodId');
        const period = s.periods.find((p) => p.id === report.periodId);
        if (!period) {
          const open = s.periods.filter((p) => p.outcome === 'pending' || p.outcome === 'missed').map((p) => p.id);
          refuse([
            {
              ruleId: 'art5.weeklyReport.period',
              article: ART5,
              severity: 'hard',
              field: 'periodId',
              message: {
                zh: `周次 ${report.periodId} 不是本试点可提交的周次（尚未开始或不在试点期内）；可提交：${open.join('、') || '无'}`,
                en: `period ${report.periodId} is not open for this pilot (not started yet or outside the pilot); open: ${open.join(', ') || 'none'}`,
              },
            },
          ]);
        }
        // At most the coming week may be reported ahead: a week starting more than seven days
        // from now is refused, so reports cannot be filed for weeks on end in advance.
        if (period.monday && Date.now() < shanghaiInstant(period.monday, '00:00').getTime() - 7 * 86_400_000) {
          refuse([
            {
              ruleId: 'art5.weeklyReport.period',
              article: ART5,
              severity: 'hard',
              field: 'periodId',
              message: {
                zh: `周次 ${period.id} 尚未开始（${period.monday} 起），不能提前提交工作周报`,
                en: `week ${period.id} has not started yet (it starts ${period.monday}); a report cannot be filed that far ahead`,
              },
            },
          ]);
        }
        if (period.outcome === 'onTime' || period.outcome === 'late') {
          const at = formatShanghai(Date.parse(period.submittedAt ?? ''));
          refuse([
            {
              ruleId: 'art5.weeklyReport.duplicate',
              article: ART5,
              severity: 'hard',
              field: 'periodId',
              message: {
                zh: `周次 ${period.id} 的工作周报已于 ${at} 提交，不能重复提交`,
                en: `the weekly report for ${period.id} was already submitted at ${at}; duplicates are refused`,
              },
            },
          ]);
        }
      },
    },
  );
}

/** Opens the next week when the last has closed, reminds before its due instant, counts a miss at it. */
function due(ctx: PilotContext, now: string): void {
  const s = ctx.s;
  for (;;) {
    let p = ctx.openPeriod();
    if (!p) {
      const last = s.periods[s.periods.length - 1];
      const next: WeeklyPeriod | undefined = last?.monday
        ? // After a change of schedule (Art. 7) the following week may lie before the new start.
          (followingWeeklyPeriod(s.current, { monday: last.monday }, ctx.calendar) ??
          firstWeeklyPeriod(s.current, last.dueAt, ctx.calendar))
        : last
          ? undefined
          : firstWeeklyPeriod(s.current, s.startedAt, ctx.calendar);
      if (!next) break;
      p = {
        id: next.id,
        monday: next.monday,
        dueAt: next.dueAt,
        remindAt: next.remindAt,
        shifted: next.dueDate !== next.nominalDueDate,
        outcome: 'pending',
        reminded: false,
        closed: false,
      };
      s.periods.push(p);
      upsertSearchAttributes([{ key: OnexNextDue, value: new Date(p.dueAt) }]);
    }
    if (now >= p.remindAt && !p.reminded && p.outcome === 'pending' && now < p.dueAt) {
      p.reminded = true;
      ctx.outbox.post({
        kind: 'notify',
        notification: {
          kind: 'weeklyReminder',
          workflowId: ctx.workflowId,
          eventKey: `weekly:${p.id}:reminder${p.extended ? `:${p.dueAt}` : ''}`,
          occurredAt: now,
          to: escalationRecipients(1, s.current),
          pilot: ctx.summary(),
          article: ART5,
          periodId: p.id,
          dueAt: p.dueAt,
        },
      });
    }
    // An on-time report closes the week at once, so the next week is open to report on.
    if (now < p.dueAt && p.outcome !== 'onTime') break;
    p.closed = true;
    if (p.outcome !== 'onTime') {
      // A miss: no report by the due instant (a late one may already have arrived).
      if (p.outcome === 'pending') p.outcome = 'missed';
      s.consecutiveMisses += 1;
      const lvl = ctx.level() as 1 | 2 | 3;
      if (lvl === 3 && !s.escalated) {
        s.escalated = true;
        s.escalatedAt = now;
        upsertSearchAttributes([{ key: OnexEscalated, value: true }]);
      }
      ctx.audit(
        'weeklyReport.missed',
        undefined,
        {
          zh: `${p.id} 工作周报未按时报送（连续第 ${s.consecutiveMisses} 次）`,
          en: `weekly report for ${p.id} missed (${s.consecutiveMisses} in a row)`,
        },
        { ruleIds: ['art5.weeklyReport.escalation'] },
      );
      ctx.outbox.post({
        kind: 'notify',
        notification: {
          kind: 'weeklyMissed',
          workflowId: ctx.workflowId,
          eventKey: `weekly:${p.id}:missed`,
          occurredAt: now,
          to: escalationRecipients(lvl, s.current),
          pilot: ctx.summary(),
          article: ART5,
          periodId: p.id,
          dueAt: p.dueAt,
          consecutiveMisses: s.consecutiveMisses,
          level: lvl,
        },
      });
      ctx.syncOverdue();
    }
  }
}

function nextWake(ctx: PilotContext): string[] {
  const times: string[] = [];
  const p = ctx.openPeriod();
  if (p) {
    if (!p.reminded && p.outcome === 'pending') times.push(p.remindAt);
    times.push(p.dueAt);
  }
  return times;
}

function waitingOn(ctx: PilotContext): Bilingual[] {
  const open = ctx.openPeriod();
  if (!open || open.outcome !== 'pending') return [];
  const due = formatShanghai(Date.parse(open.dueAt));
  return [
    {
      zh: `等待试点负责人提交 ${open.id} 工作周报（截止 ${due}）`,
      en: `waiting for the pilot lead's weekly report for ${open.id} (due ${due})`,
    },
  ];
}

export const weekly: Obligation = { register, due, nextWake, waitingOn };
