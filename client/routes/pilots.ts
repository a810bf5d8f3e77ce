/** Pilot routes: start, list, state, weekly reports (Art. 4, 5). */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../api-deps';
import { PilotService } from '../service';
import { withReportText } from './documents';

export function registerPilotRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const pilots = new PilotService(deps.client, deps.taskQueue);
  app.post('/api/pilots', async (req, reply) => reply.status(201).send(await pilots.startPilot(req.body)));
  app.get('/api/pilots', { config: { query: true } }, async (req) => ({ pilots: await pilots.listPilots(req.query) }));
  app.get<{ Params: { id: string } }>('/api/pilots/:id', async (req) => pilots.pilotState(req.params.id));
  app.post<{ Params: { id: string } }>('/api/pilots/:id/weekly-reports', async (req) => {
    const key = req.headers['idempotency-key'];
    // The full text goes to the document store; the workflow keeps its reference and an excerpt.
    const report = await withReportText(deps.documents, req.params.id, req.body, req.user!, req.id);
    try {
      return await pilots.submitWeeklyReport(req.params.id, report.body as never, typeof key === 'string' && key ? key : undefined);
    } catch (err) {
      report.undo();
      throw err;
    }
  });
}
