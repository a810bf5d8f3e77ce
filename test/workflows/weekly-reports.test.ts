/**
 * Art. 5 weekly work reports on the time-skipping test server: weeks of timers in seconds.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createChinaCalendar, shanghaiDate, addDays } from '../../domain/calendar';
import type { WeeklyMissedNotification } from '../../domain/notifications';
import { pilotRecordSchema, pilotWorkflowId } from '../../domain/pilot';
import { firstWeeklyPeriod, followingWeeklyPeriod, type WeeklyPeriod } from '../../domain/weekly';
import { pilotStateQuery, submitWeeklyReport } from '../../workflows/messages';
import { pilotWorkflow } from '../../workflows/pilot';
import { samplePilot } from '../../scripts/support/pilots';
import { recordingActivities, useTimeSkippingWorker } from '../helpers/temporal';
import { eventually, queryUntil, sleepUntil as sleepUntilOf } from '../helpers/wait';

let env: TestWorkflowEnvironment;
const activities = recordingActivities();
const taskQueue = 'weekly-test';

useTimeSkippingWorker(taskQueue, activities, (e) => (env = e));

const calendar = createChinaCalendar();
const lead = { id: 'zhang', role: 'pilotLead' as const };

async function startPilot(id: string, years: number) {
  const now = await env.currentTimeMs();
  const today = shanghaiDate(now);
  const pilot = pilotRecordSchema.parse(samplePilot({ id, startDate: today, endDate: addDays(today, Math.round(365 * years)) }));
  const handle = await env.client.workflow.start(pilotWorkflow, {
    taskQueue,
    workflowId: pilotWorkflowId(id),
    args: [{ pilot }],
  });
  const periods: WeeklyPeriod[] = [];
  let p = firstWeeklyPeriod(pilot, new Date(now).toISOString(), calendar);
  while (p && periods.length < 10) {
    periods.push(p);
    p = followingWeeklyPeriod(pilot, p, calendar);
  }
  return { handle, pilot, periods };
}

const sleepUntil = (instant: string) => sleepUntilOf(env, instant);

describe('weekly work reports (Art. 5)', () => {
  it('escalates three consecutive misses: lead, then + college leader, then + Academic Affairs; an on-time report resets', async () => {
    const { handle, periods } = await startPilot('esc-1', 1);
    const [p1, p2, p3, p4] = periods as [WeeklyPeriod, WeeklyPeriod, WeeklyPeriod, WeeklyPeriod];

    await sleepUntil(p3.dueAt);
    const weeklyMails = () =>
      activities.sent.filter((n) => n.workflowId === handle.workflowId && (n.kind === 'weeklyReminder' || n.kind === 'weeklyMissed'));
    // The third miss is handled (and mailed) after the clock passed p3's due instant: wait for it.
    const mine = await eventually(() => (weeklyMails().length >= 6 ? weeklyMails() : undefined), 'the third missed-report mail');
    expect(mine.map((n) => `${n.kind}:${'periodId' in n ? n.periodId : ''}`)).toEqual([
      `weeklyReminder:${p1.id}`,
      `weeklyMissed:${p1.id}`,
      `weeklyReminder:${p2.id}`,
      `weeklyMissed:${p2.id}`,
      `weeklyReminder:${p3.id}`,
      `weeklyMissed:${p3.id}`,
    ]);
    const misses = mine.filter((n): n is WeeklyMissedNotification => n.kind === 'weeklyMissed');
    expect(misses.map((n) => [n.level, n.consecutiveMisses, n.to.map((r) => r.email)])).toEqual([
      [1, 1, ['lead@college.test']],
      [2, 2, ['lead@college.test', 'dean@college.test']],
      [3, 3, ['lead@college.test', 'dean@college.test', 'jwb@college.test']],
    ]);
    // Reminders go to the lead alone, before the due instant.
    for (const r of mine.filter((n) => n.kind === 'weeklyReminder')) {
      expect(r.to.map((x) => x.email)).toEqual(['lead@college.test']);
      expect(r.occurredAt < (r as { dueAt: string }).dueAt).toBe(true);
    }

    let state = await queryUntil(handle, pilotStateQuery, (st) => st.consecutiveMisses === 3);
    expect(state.consecutiveMisses).toBe(3);
    expect(state.escalationLevel).toBe(3);
    expect(state.escalated).toBe(true);
    expect(state.periods.map((p) => p.outcome)).toEqual(['missed', 'missed', 'missed', 'pending']);
    expect(state.nextDue?.periodId).toBe(p4.id);
    const described = await handle.describe();
    expect(described.typedSearchAttributes.getAll().find((p) => p.key.name === 'OnexEscalated')?.value).toBe(true);

    const result = await handle.executeUpdate(submitWeeklyReport, {
      args: [{ periodId: p4.id, content: '本周完成考评员培训。', actor: lead }],
    });
    expect(result).toMatchObject({ periodId: p4.id, outcome: 'onTime', consecutiveMisses: 0, escalated: false });
    state = await handle.query(pilotStateQuery);
    expect(state.consecutiveMisses).toBe(0);
    expect(state.escalated).toBe(false);
    expect(state.periods.find((p) => p.id === p4.id)).toMatchObject({ outcome: 'onTime', excerpt: '本周完成考评员培训。', by: lead });

    // After p4's due instant nothing more is sent for p4 (no miss), and a late report for p1 is recorded as late.
    await sleepUntil(p4.dueAt);
    const late = await handle.executeUpdate(submitWeeklyReport, { args: [{ periodId: p1.id, content: '补交第一周周报', actor: lead }] });
    expect(late.outcome).toBe('late');
    state = await handle.query(pilotStateQuery);
    expect(state.periods.slice(0, 4).map((p) => p.outcome)).toEqual(['late', 'missed', 'missed', 'onTime']);
    expect(activities.sent.filter((n) => n.workflowId === handle.workflowId && n.kind === 'weeklyMissed')).toHaveLength(3);
    await handle.terminate('test done');
  });

  it('writes OnexOverdue only when it changes: three misses in a row are one upsert of it (issue 14, fewer events)', async () => {
    const { handle, periods } = await startPilot('overdue-1', 1);
    const p3 = periods[2]!;
    await sleepUntil(p3.dueAt);
    await queryUntil(handle, pilotStateQuery, (st) => st.consecutiveMisses === 3);
    const events = (await handle.fetchHistory()).events ?? [];
    const overdueWrites = events.filter((e) =>
      Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}).includes('OnexOverdue'),
    );
    // v1 wrote it at every miss (3 times); v2 once, when it turned true.
    expect(overdueWrites).toHaveLength(1);
    expect((await handle.describe()).typedSearchAttributes.getAll().find((p) => p.key.name === 'OnexOverdue')?.value).toBe(true);
    await handle.terminate('test done');
  });

  it('runs a two-year pilot across continue-as-new, keeping counts and every period', async () => {
    const { handle } = await startPilot('long-1', 2);
    await env.sleep('365 days');
    // Wait until every due instant the clock has passed is handled (none still pending).
    const now = await env.currentTimeMs();
    const mid = await queryUntil(handle, pilotStateQuery, (st) =>
      st.periods.every((p) => p.outcome !== 'pending' || Date.parse(p.dueAt) > now),
    );
    const open = mid.periods.find((p) => p.outcome === 'pending');
    expect(open).toBeDefined();
    const missesBefore = mid.consecutiveMisses;
    expect(missesBefore).toBe(mid.periods.length - 1);
    await handle.executeUpdate(submitWeeklyReport, { args: [{ periodId: open!.id, content: '年度中期周报', actor: lead }] });

    const outcome = await handle.result();
    const state = await handle.query(pilotStateQuery);
    expect(outcome.runs).toBeGreaterThanOrEqual(2);
    expect(state.runIndex).toBe(outcome.runs);
    expect(outcome.periods).toBeGreaterThanOrEqual(103);
    expect(outcome.periods).toBeLessThanOrEqual(106);
    expect(state.periods).toHaveLength(outcome.periods);
    expect(outcome.onTime).toBe(1);
    expect(outcome.missed).toBe(outcome.periods - 1);
    // The count carried across runs: every period after the on-time one was missed in a row.
    const afterReport = state.periods.length - 1 - state.periods.findIndex((p) => p.id === open!.id);
    expect(state.consecutiveMisses).toBe(afterReport);
    expect(state.escalated).toBe(true);
    // Period ids are unique and consecutive weeks.
    expect(new Set(state.periods.map((p) => p.id)).size).toBe(state.periods.length);
    // Every run stayed well below Temporal's suggested limit.
    expect(state.historyLength).toBeLessThan(4096);
  });
});
