/**
 * Rectification — Art. 18 (第十八条): a failed inspection sends a notice and sets a deadline
 * for rectification, run as a child workflow (workflows/rectification.ts) that reminds,
 * escalates and takes the re-inspection; it signals the pilot when the rectification becomes
 * overdue, when a re-inspection fails again, and when it is closed. Overdue or failing again
 * puts the pilot at risk of cancellation (Art. 19).
 */
import { setHandler } from '@temporalio/workflow';
import { formatShanghai, shanghaiDate } from '../../domain/calendar';
import { rectificationFor, type Inspection } from '../../domain/inspection';
import { rectificationEventSignal, rectificationWorkflowId } from '../messages';
import type { RectificationEvent } from '../rectification-types';
import type { Obligation, PilotContext } from './context';

function register(ctx: PilotContext): void {
  setHandler(rectificationEventSignal, (e: RectificationEvent) => rectificationEvent(ctx, e));
}

/** Art. 18: a failed inspection sends a notice and opens a rectification (a child workflow). */
export function openRectification(ctx: PilotContext, i: Inspection): void {
  // The deadline counts from the day the notice goes out (a failure recorded late is not overdue at once).
  const today = shanghaiDate(Date.now());
  const deadline = rectificationFor({ ...i, inspectedOn: i.inspectedOn > today ? i.inspectedOn : today }, ctx.rules, ctx.calendar);
  if (!deadline) return;
  const workflowId = rectificationWorkflowId(ctx.workflowId, i.id);
  ctx.s.rectifications.push({
    id: i.id,
    workflowId,
    noticeOn: deadline.noticeOn,
    dueAt: deadline.dueAt,
    status: 'open',
    reinspectionFailures: 0,
  });
  ctx.outbox.post({
    kind: 'startRectification',
    workflowId,
    input: {
      rectificationId: i.id,
      parentWorkflowId: ctx.workflowId,
      pilot: ctx.childPilot(),
      recipients: ctx.childRecipients(),
      inspection: i,
      deadline,
      rulesVersion: ctx.pilot.rulesVersion,
    },
  });
  ctx.audit(
    'rectification.open',
    undefined,
    {
      zh: `检查 ${i.id} 不合格，通报并限期整改至 ${formatShanghai(Date.parse(deadline.dueAt))}`,
      en: `inspection ${i.id} failed: notice sent, rectification due ${formatShanghai(Date.parse(deadline.dueAt))}`,
    },
    { after: { dueAt: deadline.dueAt }, ruleIds: ['art18.rectification'] },
  );
}

function rectificationEvent(ctx: PilotContext, e: RectificationEvent): void {
  const rec = ctx.s.rectifications.find((r) => r.id === e.rectificationId);
  if (!rec || rec.status === 'closed' || rec.status === 'cancelled' || ctx.s.status !== 'running') return;
  if (e.event === 'overdue') {
    if (rec.status === 'overdue') return;
    rec.status = 'overdue';
    ctx.audit(
      'rectification.overdue',
      undefined,
      { zh: `检查 ${rec.id} 的整改逾期未完成`, en: `the rectification of inspection ${rec.id} is overdue` },
      { ruleIds: ['art18.rectification'] },
    );
    ctx.flagRisk({ zh: `整改逾期未完成（检查 ${rec.id}）`, en: `rectification overdue (inspection ${rec.id})` });
  } else if (e.event === 'reinspectionFailed') {
    rec.reinspectionFailures += 1;
    rec.status = 'open';
    rec.dueAt = e.dueAt;
    ctx.s.inspections.push({
      id: e.reinspectionId,
      inspectedOn: e.at.slice(0, 10),
      kind: 'reinspection',
      outcome: 'fail',
      failed: [],
      reinspectionOf: rec.id,
      recordedBy: { id: 'rectification', role: 'academicAffairs' },
    });
    ctx.audit(
      'rectification.reinspectionFailed',
      undefined,
      {
        zh: `复查 ${e.reinspectionId} 不合格，整改期限延至 ${formatShanghai(Date.parse(e.dueAt))}`,
        en: `re-inspection ${e.reinspectionId} failed; rectification now due ${formatShanghai(Date.parse(e.dueAt))}`,
      },
      { after: { dueAt: e.dueAt } },
    );
    ctx.flagRisk({ zh: `复查再次不合格（${e.reinspectionId}）`, en: `the re-inspection failed again (${e.reinspectionId})` });
  } else {
    rec.status = 'closed';
    rec.closedAt = e.at;
    ctx.s.inspections.push({
      id: e.reinspectionId,
      inspectedOn: e.at.slice(0, 10),
      kind: 'reinspection',
      outcome: 'pass',
      failed: [],
      reinspectionOf: rec.id,
      recordedBy: { id: 'rectification', role: 'academicAffairs' },
    });
    ctx.audit('rectification.closed', undefined, {
      zh: `复查 ${e.reinspectionId} 合格，检查 ${rec.id} 的整改完成`,
      en: `re-inspection ${e.reinspectionId} passed; the rectification of ${rec.id} is closed`,
    });
  }
  ctx.syncOverdue();
}

export const rectifications: Obligation = { register };
