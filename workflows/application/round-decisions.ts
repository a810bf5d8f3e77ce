/**
 * What the round tells an application (Art. 9(2)–(4)): it was submitted to the province or
 * left off the list, the province's result, objections and the public notice (公示), the
 * pilot started, and the round's closure, which ends the workflow.
 */
import { setHandler } from '@temporalio/workflow';
import { roundDecision } from '../messages';
import type { ApplicationContext } from './context';

/** The roundDecision signal. */
export function registerRoundDecisions(ctx: ApplicationContext): void {
  const { s, isFinal, closeSteps } = ctx;

  setHandler(roundDecision, (d) => {
    switch (d.kind) {
      case 'submittedToProvince':
        closeSteps('submitted');
        s.timeline.push({ at: d.at, event: 'submittedToProvince', actor: d.by });
        break;
      case 'notSubmitted':
        closeSteps('notSubmitted');
        s.timeline.push({ at: d.at, event: 'notSubmitted', comment: d.reason.zh });
        break;
      case 'provincialResult':
        s.provincial = { outcome: d.outcome, ...(d.reason ? { reason: d.reason } : {}), at: d.at, by: d.by };
        closeSteps(d.outcome === 'approved' ? 'provinciallyApproved' : 'provinciallyRejected');
        s.timeline.push({
          at: d.at,
          event: 'provincialResult',
          actor: d.by,
          comment: d.outcome === 'approved' ? 'approved' : `rejected: ${d.reason ?? ''}`,
        });
        break;
      case 'objection':
        s.objections.push({ content: d.content, by: d.by, at: d.at });
        s.timeline.push({ at: d.at, event: 'objection', actor: d.by, comment: d.content });
        break;
      case 'publicNotice':
        s.publicNotice = d.notice;
        s.timeline.push({ at: d.at, event: 'publicNotice', comment: `${d.notice.start} – ${d.notice.end}` });
        break;
      case 'pilotStarted':
        s.pilot = { pilotId: d.pilotId, workflowId: d.workflowId };
        closeSteps('pilotStarted');
        s.timeline.push({ at: d.at, event: 'pilotStarted', comment: d.pilotId });
        break;
      case 'closed':
        s.timeline.push({ at: d.at, event: 'closed' });
        if (!isFinal()) closeSteps(s.status === 'provinciallyApproved' ? 'provinciallyApproved' : 'provinciallyRejected');
        ctx.version++;
        ctx.closedByRound = true;
        break;
    }
  });
}
