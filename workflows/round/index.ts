/**
 * The round workflow (申报轮次): one per provincial call, id `round:<roundId>` (Art. 9).
 *
 * Academic Affairs records the call and opens the internal round (the client starts this
 * workflow); every college is told by e-mail. Colleges draft applications — each one an
 * application workflow, a child of the round. At the internal deadline the round stops
 * taking new applications; Academic Affairs confirms the consolidated list before the
 * provincial deadline (a reminder before, an escalation to the school leader after). The
 * province's result is recorded per application, then the public notice (公示) in working
 * days with its end date stored; objections are recorded during it. When it ends, each
 * approved application starts its pilot workflow (a child with ParentClosePolicy.ABANDON:
 * pilots run for years after the round closes) and the round closes.
 *
 * This file is the spine: the state (context.ts), the query (overview.ts), the handlers of
 * each part of Art. 9 — the call and the colleges' applications (call.ts), the consolidated
 * submission (consolidation.ts), the province's review and the public notice
 * (provincial.ts) — and the run from opening to closure. Human actions are Updates whose
 * validators refuse without a trace in history.
 */
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { Actor } from '../../domain/actor';
import { roundWorkflowId, type RoundRecord } from '../../domain/round';
import { roundStateQuery } from '../messages';
import { nowIso, waitUntil } from '../round-support';
import type { RoundOutcome, RoundState, RoundWorkflowInput } from '../round-types';
import { OnexKind, OnexRound, OnexStage } from '../search-attributes';
import { announceCall, registerCall } from './call';
import { escalateConsolidation, registerConsolidation, remindConsolidation } from './consolidation';
import { roundContext } from './context';
import { addCounts, emptyCounts, overview, waitingOn } from './overview';
import { registerProvincialReview, startPilots } from './provincial';

export async function roundWorkflow(input: RoundWorkflowInput): Promise<RoundOutcome> {
  const ctx = roundContext(input);
  const { round, s, progressById, mailer, internal, conf, confirmed, setStage, tell, submittedIds, resultOf } = ctx;

  // ── Query ────────────────────────────────────────────────────────────────
  setHandler(roundStateQuery, (): RoundState => {
    const colleges = overview(round.colleges, [...progressById.values()]);
    const totals = colleges.reduce((t, c) => addCounts(t, c.counts), emptyCounts());
    return { ...s, colleges, totals, waitingOn: waitingOn(s, confirmed()) };
  });

  // ── Updates and signals, per part of Art. 9 ──────────────────────────────
  registerCall(ctx);
  registerConsolidation(ctx);
  registerProvincialReview(ctx);

  // ── Main: open → consolidation → provincial review → public notice → pilots ─
  announceCall(ctx);

  await waitUntil(internal.dueAt, confirmed);
  if (!confirmed()) {
    setStage('consolidation');
    s.timeline.push({ at: nowIso(), event: 'internalDeadline' });
    await waitUntil(conf.remindAt, confirmed);
  }
  if (!confirmed() && nowIso() < conf.dueAt) {
    remindConsolidation(ctx);
    await waitUntil(conf.dueAt, confirmed);
  }
  if (!confirmed()) {
    escalateConsolidation(ctx);
    await condition(confirmed);
  }

  for (;;) {
    if (s.stage === 'closed') break;
    const submitted = submittedIds();
    if (submitted.length > 0 && submitted.every((id) => resultOf(id)?.outcome === 'rejected')) break;
    const v = ctx.version;
    if (s.publicNotice) {
      await waitUntil(s.publicNotice.endsAt, () => ctx.version !== v);
      if (ctx.version !== v) continue;
      await startPilots(ctx);
      break;
    }
    await condition(() => ctx.version !== v);
  }

  setStage('closed');
  const closedAt = nowIso();
  s.timeline.push({ at: closedAt, event: 'closed' });
  for (const id of submittedIds()) {
    if (progressById.get(id)?.status !== 'pilotStarted') await tell(id, { kind: 'closed', at: closedAt });
  }
  await condition(() => mailer.idle() && allHandlersFinished());
  return {
    roundId: round.id,
    submitted: submittedIds().length,
    approved: s.results.filter((r) => r.outcome === 'approved').length,
    rejected: s.results.filter((r) => r.outcome === 'rejected').length,
    pilots: s.pilots.filter((p) => !p.error).map((p) => p.pilotId),
  };
}

/** The round's start options: its id, input and the search attributes its lists run on. */
export function roundStartOptions(
  round: RoundRecord,
  openedBy: Actor,
): { workflowId: string; args: [RoundWorkflowInput]; typedSearchAttributes: SearchAttributePair[] } {
  return {
    workflowId: roundWorkflowId(round.id),
    args: [{ round, openedBy }],
    typedSearchAttributes: [
      { key: OnexKind, value: 'round' },
      { key: OnexRound, value: round.id },
      { key: OnexStage, value: 'open' },
    ],
  };
}
