/**
 * The approval workflow (审批): one generic workflow over an approval chain given as data
 * (domain/approval-kinds.ts), for the budget and funding plan (Art. 13: college → Academic
 * Affairs → school leader), change requests (Art. 7: college → Academic Affairs, then the
 * provincial filing 备案 recorded) and the examiner-training plan (Art. 6(4): college →
 * Academic Affairs). The pilot workflow starts it as a child (parentClosePolicy ABANDON:
 * the pilot continues-as-new and the approval must survive that).
 *
 * Each step has a working-day due date (approvalStepDeadline), a reminder before it, and
 * after it one escalation to the next level; then it keeps waiting. A return goes to the
 * submitter or to a chosen earlier step; the resubmission (or the earlier step's approval)
 * goes straight back to the step that returned it. On conclusion it signals the parent
 * (approvalConcludedSignal) and completes; cancelled (the pilot was cancelled, Art. 19), it
 * records `cancelled` and stops quietly. Short-lived: no continue-as-new.
 *
 * This file is the spine: the state (context.ts), the handlers — the route through the
 * chain and the submitter's actions (steps.ts), the decisions and the filing
 * (decisions.ts), delegation and copies (delegation.ts) — and the timers of each open step
 * (deadlines.ts) until the conclusion.
 */
import { allHandlersFinished, condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { ApprovalResult, ApprovalState, ApprovalWorkflowInput } from '../approval-types';
import { runUnlessCancelled, signalParent } from '../child-support';
import { approvalConcludedSignal, approvalStateQuery } from '../messages';
import { nowIso, waitUntil } from '../round-support';
import { OnexCollege, OnexKind } from '../search-attributes';
import { approvalContext } from './context';
import { escalateStep, remindStep } from './deadlines';
import { registerDecisions, registerFiling } from './decisions';
import { registerDelegation } from './delegation';
import { openStep, registerSubmitterActions } from './steps';

export async function approvalWorkflow(input: ApprovalWorkflowInput): Promise<ApprovalResult> {
  const ctx = approvalContext(input);
  const { pilot, steps, s, outbox, note, searchAttributes } = ctx;

  // ── Queries and updates ───────────────────────────────────────────────────────────

  setHandler(approvalStateQuery, (): ApprovalState => s);
  registerDecisions(ctx);
  registerSubmitterActions(ctx);
  registerDelegation(ctx);
  registerFiling(ctx);

  // ── Main: timers per open step; conclusion; cancellation ─────────────────────────

  return runUnlessCancelled<ApprovalResult>(
    async () => {
      upsertSearchAttributes([
        { key: OnexKind, value: 'approval' },
        { key: OnexCollege, value: pilot.collegeId },
      ]);
      note({ event: 'submitted', actor: input.submittedBy.id });
      openStep(ctx, 0);

      while (!ctx.concluded) {
        outbox.throwIfFailed();
        const cur = s.currentStep;
        if (!cur) {
          // Returned to the submitter: nothing is due until the resubmission.
          await condition(() => ctx.concluded !== undefined || s.currentStep !== undefined);
          continue;
        }
        const seq = ctx.stepSeq;
        const moved = () => ctx.concluded !== undefined || ctx.stepSeq !== seq || s.currentStep === undefined || outbox.failed();
        const step = steps[ctx.stepIndex]!;
        await waitUntil(cur.remindAt, moved);
        if (!moved() && nowIso() < cur.dueAt) remindStep(ctx, cur, step, seq);
        await waitUntil(cur.dueAt, moved);
        // Overdue: tell the approver and the next level, once; then keep waiting.
        if (!moved()) escalateStep(ctx, cur, step, seq);
        await condition(moved);
      }

      const conclusion = ctx.concluded;
      const told = await signalParent(input.parentWorkflowId, approvalConcludedSignal, conclusion);
      note({ event: told ? 'parentSignalled' : 'parentSignalFailed', note: input.parentWorkflowId });
      await outbox.drained();
      await condition(allHandlersFinished);
      return { ...conclusion, status: 'concluded' };
    },
    () => {
      s.status = 'cancelled';
      s.currentStep = undefined;
      note({ event: 'cancelled' });
      searchAttributes('cancelled', undefined, false);
      return { status: 'cancelled', approvalId: input.approvalId, kind: input.kind, cancelledAt: nowIso() };
    },
  );
}
