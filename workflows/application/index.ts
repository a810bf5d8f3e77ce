/**
 * The application workflow (试点申报): one per application, a child of its round, id
 * `application:<roundId>:<applicationId>`. Draft → validation with the domain rules
 * (Art. 8, the Art. 12 restriction, waivers) → the college leader signs off, declaring the
 * materials authentic (Art. 5(2)) → Academic Affairs reviews: approve, return for revision
 * to a chosen step (the resubmission goes straight back to whoever returned it), reject,
 * or waive a waivable rule with a reason → included in the provincial submission by the
 * round → the province's result, the public notice, the pilot.
 *
 * Validation: hard breaches (Art. 8(1), 8(4), 8(6)) refuse the submission at once; waivable
 * ones (Art. 8(2), 8(3), Art. 12) travel with the application, shown to every step, and
 * Academic Affairs cannot approve it — so it cannot reach the province — until each one is
 * waived (by Academic Affairs, with a reason). Advisory results (Art. 8(5)) never block.
 *
 * Each step has a due date (the first draft: the internal deadline; later steps: the
 * table's working days), a reminder before it and an escalation to the next level after
 * it. Human actions are Updates whose validators refuse without a trace in history.
 *
 * This file is the spine: the state (context.ts), the handlers — drafting and submission
 * (drafting.ts), the college's sign-off and Academic Affairs' review (review.ts), what the
 * round tells (round-decisions.ts) — and one open step at a time with its timers
 * (deadlines.ts).
 */
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { applicationStateQuery } from '../messages';
import { waitUntil } from '../round-support';
import type { ApplicationOutcome, ApplicationState, ApplicationWorkflowInput } from '../round-types';
import { applicationContext } from './context';
import { escalateStep, remindStep, waitingOn } from './deadlines';
import { registerDrafting } from './drafting';
import { registerReview } from './review';
import { registerRoundDecisions } from './round-decisions';

export async function applicationWorkflow(input: ApplicationWorkflowInput): Promise<ApplicationOutcome> {
  const ctx = applicationContext(input);
  const { s, mailer, app, done, loadPassRecords, openStep, progress } = ctx;

  // ── Queries ──────────────────────────────────────────────────────────────
  setHandler(applicationStateQuery, (): ApplicationState => ({ ...s, waitingOn: waitingOn(s) }));

  // ── Updates and the round's signal ───────────────────────────────────────
  registerDrafting(ctx);
  registerReview(ctx);
  registerRoundDecisions(ctx);

  // ── Main loop: one open step at a time, with its reminder and escalation ──
  await loadPassRecords();
  openStep('draft');
  await progress();

  while (!done()) {
    const v = ctx.version;
    const changed = () => ctx.version !== v || done();
    const st = s.step;
    if (!st) {
      await condition(changed);
      continue;
    }
    const n = ctx.stepCount;
    if (!st.reminded) {
      await waitUntil(st.remindAt, changed);
      if (changed()) continue;
      remindStep(ctx, st, n);
    }
    if (!st.overdue) {
      await waitUntil(st.dueAt, changed);
      if (changed()) continue;
      escalateStep(ctx, st, n);
      await progress();
    }
    await condition(changed);
  }

  await condition(() => mailer.idle() && allHandlersFinished());
  return { applicationId: app().id, status: s.status, ...(s.pilot ? { pilotId: s.pilot.pilotId } : {}) };
}
