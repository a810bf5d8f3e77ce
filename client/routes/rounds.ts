/**
 * Application-round handlers (Art. 8, 9, 12): opening a round, the lists and overviews, the
 * programme's pass records. Round and application actions are one Update each and need no
 * handler here; every route, body schema and summary is in client/actions.ts.
 */
import type { FastifyRequest } from 'fastify';
import type { RoundState } from '../../workflows/round-types';
import type { ApiDeps } from '../api-deps';
import { isCollegeScoped } from '../auth/users';
import { RoundService } from '../round-service';
import type { ActionHandlers } from './action-types';

export function roundHandlers(deps: ApiDeps): ActionHandlers {
  const rounds = new RoundService(deps.client, deps.taskQueue);
  return {
    openRound: ({ input }) => rounds.openRound(input),
    listRounds: async ({ input }) => ({ rounds: await rounds.listRounds(input) }),
    roundState: async ({ req, params }) => ownCollegeOnly(await rounds.roundState(params.roundId!), req),
    listApplications: async ({ params, input }) => ({ applications: await rounds.listApplications(params.roundId!, input) }),
    applicationState: ({ params }) => rounds.applicationState(params.roundId!, params.applicationId!),
    recordPassRecord: ({ input }) => rounds.recordPassRecord(input),
    passRecords: async ({ input }) => ({ records: await rounds.passRecords(input) }),
  };
}

/**
 * A round is school-wide: a college-scoped user sees it, but only its own college's
 * applications, results, objections and pilots.
 */
function ownCollegeOnly(s: RoundState, req: FastifyRequest): RoundState {
  const user = req.user;
  if (!user || !isCollegeScoped(user) || !user.college) return s;
  const colleges = s.colleges.filter((c) => c.collegeId === user.college);
  const mine = new Set(colleges.flatMap((c) => c.applications.map((a) => a.applicationId)));
  return {
    ...s,
    colleges,
    totals: colleges[0]?.counts ?? s.totals,
    results: s.results.filter((r) => mine.has(r.applicationId)),
    objections: s.objections.filter((o) => mine.has(o.applicationId)),
    pilots: s.pilots.filter((p) => mine.has(p.applicationId)),
    timeline: s.timeline.filter((e) => e.applicationId === undefined || mine.has(e.applicationId)),
    emails: [],
  };
}
