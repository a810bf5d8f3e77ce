/**
 * An application step's deadline: the first draft is due at the internal deadline (Art.
 * 9(2)), later steps the table's working days after they open; before the due date the
 * step's actors are reminded, after it they are told with the next level (escalation). And
 * what the application is waiting on, as its query shows it. The spine (index.ts) runs the
 * timers.
 */
import { formatShanghai } from '../../domain/calendar';
import type { Bilingual } from '../../domain/errors';
import { stepArticles, stepNames } from '../../domain/round';
import { nowIso } from '../round-support';
import type { ApplicationState, OpenStep } from '../round-types';
import type { ApplicationContext } from './context';

/** Before the step is due: a reminder to whoever acts at it (none once it is due). */
export function remindStep(ctx: ApplicationContext, st: OpenStep, n: number): void {
  const { s, mailer, workflowId, roundSummary, summary, actorsOf } = ctx;
  st.reminded = true;
  if (nowIso() < st.dueAt) {
    mailer.post({
      kind: 'stepReminder',
      workflowId,
      eventKey: `step:${n}:${st.step}:reminder`,
      occurredAt: nowIso(),
      to: actorsOf(st.step),
      article: stepArticles[st.step],
      round: roundSummary,
      application: summary(),
      step: st.step,
      dueAt: st.dueAt,
    });
    s.timeline.push({ at: nowIso(), event: 'reminded', step: st.step });
  }
}

/** The step is overdue: its actors and the next level are told; a first draft has missed the internal deadline. */
export function escalateStep(ctx: ApplicationContext, st: OpenStep, n: number): void {
  const { s, mailer, workflowId, roundSummary, summary, escalation } = ctx;
  st.overdue = true;
  if (st.step === 'draft' && !s.openReturn) s.missedInternalDeadline = true;
  const esc = escalation[st.step];
  mailer.post({
    kind: 'stepOverdue',
    workflowId,
    eventKey: `step:${n}:${st.step}:overdue`,
    occurredAt: nowIso(),
    to: esc.to(),
    article: stepArticles[st.step],
    round: roundSummary,
    application: summary(),
    step: st.step,
    dueAt: st.dueAt,
    escalatedTo: esc.name,
  });
  s.timeline.push({ at: nowIso(), event: 'overdue', step: st.step });
}

/** What the application waits on now, in both languages. */
export function waitingOn(s: ApplicationState): Bilingual {
  const st = s.step;
  if (st) {
    const who = stepNames[st.step];
    const due = formatShanghai(Date.parse(st.dueAt));
    return {
      zh: `等待${who.zh}（截止 ${due}${st.overdue ? '，已逾期' : ''}）`,
      en: `waiting for ${who.en} (due ${due}${st.overdue ? ', overdue' : ''})`,
    };
  }
  switch (s.status) {
    case 'approved':
      return { zh: '等待教务部确认报送名单', en: 'waiting for Academic Affairs to confirm the provincial submission' };
    case 'submitted':
      return { zh: '等待省教育厅评审结果', en: "waiting for the province's result" };
    case 'provinciallyApproved':
      return s.publicNotice
        ? {
            zh: `公示中（${s.publicNotice.start} 至 ${s.publicNotice.end}），期满后启动试点`,
            en: `public notice ${s.publicNotice.start} to ${s.publicNotice.end}; the pilot starts when it ends`,
          }
        : { zh: '等待教务部录入公示期', en: 'waiting for Academic Affairs to record the public notice' };
    default:
      return { zh: `已结束：${s.statusName.zh}`, en: `closed: ${s.statusName.en}` };
  }
}
