/**
 * Application-round routes (Art. 8, 9, 12): rounds, their applications, the programme's
 * pass records. Every action is a POST whose body carries the actor; an `Idempotency-Key`
 * header makes a retried request apply once.
 */
import { passRecordFilterSchema, recordPassRecordSchema } from '../../domain/round';
import { applicationListFilterSchema, roundListFilterSchema } from '../round-visibility';
import { applicationActionInputSchemas, atEdge, roundActionInputSchemas } from '../../domain/round-inputs';
import { describeRoute } from '../web/openapi';
import { openRoundSchema } from '../round-service';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RoundState } from '../../workflows/round-types';
import type { ApiDeps } from '../api-deps';
import { isCollegeScoped } from '../auth/users';
import { RoundService, applicationActions, roundActions, type ApplicationAction, type RoundAction } from '../round-service';

type RoundParams = { Params: { roundId: string } };
type ApplicationParams = { Params: { roundId: string; applicationId: string } };

const idempotencyKey = (req: FastifyRequest): string | undefined => {
  const key = req.headers['idempotency-key'];
  return typeof key === 'string' && key ? key : undefined;
};

export function registerRoundRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const rounds = new RoundService(deps.client, deps.taskQueue);

  app.post('/api/rounds', async (req, reply) => reply.status(201).send(await rounds.openRound(req.body)));
  app.get('/api/rounds', { config: { query: true } }, async (req) => ({ rounds: await rounds.listRounds(req.query) }));
  app.get<RoundParams>('/api/rounds/:roundId', async (req) => ownCollegeOnly(await rounds.roundState(req.params.roundId), req));
  app.get<RoundParams>('/api/rounds/:roundId/applications', { config: { query: true } }, async (req) => ({
    applications: await rounds.listApplications(req.params.roundId, req.query),
  }));
  describeRoute('GET', '/api/rounds', { summary: '申报轮次列表 / application rounds', query: roundListFilterSchema, tag: 'rounds' });
  describeRoute('GET', '/api/rounds/:roundId/applications', {
    summary: "本轮的申报 / the round's applications",
    query: applicationListFilterSchema,
    tag: 'rounds',
  });
  describeRoute('GET', '/api/pass-records', {
    summary: '试点通过率记录（第十二条）/ pass records (Art. 12)',
    query: passRecordFilterSchema,
    tag: 'rounds',
  });
  describeRoute('POST', '/api/rounds', {
    summary: '开启校内申报轮次（教务部，第八、九条）/ open an internal round (Academic Affairs, Art. 8, 9)',
    body: openRoundSchema,
    tag: 'rounds',
  });
  describeRoute('POST', '/api/pass-records', {
    summary: '录入或更正试点通过率记录（第十二条）/ record or correct a pass record (Art. 12)',
    body: recordPassRecordSchema,
    tag: 'rounds',
  });
  for (const action of Object.keys(roundActions) as RoundAction[]) {
    describeRoute('POST', `/api/rounds/:roundId/${action}`, {
      summary: `申报轮次：${action} / round action: ${action}`,
      body: atEdge(roundActionInputSchemas[action]),
      tag: 'rounds',
    });
    app.post<RoundParams>(`/api/rounds/:roundId/${action}`, async (req) =>
      rounds.roundAction(req.params.roundId, action, req.body, idempotencyKey(req)),
    );
  }

  app.get<ApplicationParams>('/api/rounds/:roundId/applications/:applicationId', async (req) =>
    rounds.applicationState(req.params.roundId, req.params.applicationId),
  );
  for (const action of Object.keys(applicationActions) as ApplicationAction[]) {
    describeRoute('POST', `/api/rounds/:roundId/applications/:applicationId/${action}`, {
      summary: `申报：${action} / application action: ${action}`,
      body: atEdge(applicationActionInputSchemas[action]),
      tag: 'rounds',
    });
    app.post<ApplicationParams>(`/api/rounds/:roundId/applications/:applicationId/${action}`, async (req) =>
      rounds.applicationAction(req.params.roundId, req.params.applicationId, action, req.body, idempotencyKey(req)),
    );
  }

  app.post('/api/pass-records', async (req, reply) => reply.status(201).send(await rounds.recordPassRecord(req.body)));
  app.get('/api/pass-records', { config: { query: true } }, async (req) => ({ records: await rounds.passRecords(req.query) }));
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
