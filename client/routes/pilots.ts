/** Pilot handlers: start, list, state, the audit trail, the ledger (Art. 4, 5(3)); routes and schemas are in client/actions.ts. */
import type { ApiDeps } from '../api-deps';
import { PilotService } from '../service';
import { mergeTimeline } from '../web/timeline';
import type { ActionHandlers } from './action-types';

export function pilotHandlers(deps: ApiDeps): ActionHandlers {
  const pilots = new PilotService(deps.client, deps.taskQueue);
  return {
    startPilot: ({ input }) => pilots.startPilot(input),
    listPilots: async ({ input }) => ({ pilots: await pilots.listPilots(input) }),
    // The state with its whole timeline: the audit trail, every approval event, document access.
    pilotState: async ({ params }) => {
      const s = await pilots.pilotState(params.id!);
      const approvals = await pilots.approvalStates(s);
      return { ...s, timeline: mergeTimeline(s.audit, approvals, deps.documents?.accessLog(params.id!) ?? []) };
    },
    pilotAudit: async ({ params }) => ({ audit: await pilots.audit(params.id!) }),
    // Art. 5(3): an entry is booked once per id; a repeat with the same content answers { replayed: true, entry }.
    recordExpense: ({ params, input, key }) => pilots.bookLedgerEntry(params.id!, 'expense', input, key),
    recordIncome: ({ params, input, key }) => pilots.bookLedgerEntry(params.id!, 'income', input, key),
  };
}
