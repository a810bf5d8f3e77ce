/**
 * The pilot's implementation lifecycle over HTTP (Art. 11–20): provincial material
 * requests (one pilot or many at once, with a dry run), the fund ledger, assessments,
 * inspections, violations, cancellation, and the audit trail. Each body is the Update's
 * input (domain/pilot-actions.ts); the pilot id comes from the path.
 */
import { MAX_BULK_PILOTS } from '../auth/scope';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorSchema } from '../../domain/actor';
import { calendarSnapshot } from '../../domain/calendar';
import type { RuleResult } from '../../domain/errors';
import { idSchema, isoDateSchema } from '../../domain/pilot';
import {
  assessmentInputSchema,
  assessmentResultInputSchema,
  cancelPilotInputSchema,
  extendDeadlineInputSchema,
  refreshCalendarInputSchema,
  remindNowInputSchema,
  inspectionInputSchema,
  provincialRequestInputSchema,
  provincialSubmissionInputSchema,
  violationInputSchema,
} from '../../domain/pilot-actions';
import { parseOrRefuse, requiredText } from '../../domain/validation';
import {
  extendDeadline,
  refreshCalendar,
  remindNow,
  cancelPilot,
  recordAssessment,
  recordAssessmentResult,
  recordInspection,
  recordProvincialRequest,
  recordViolation,
  submitProvincialMaterial,
} from '../../workflows/messages';
import type { ApiDeps } from '../api-deps';
import { PilotService, ServiceError } from '../service';

type PilotReq = FastifyRequest<{ Params: { id: string; sub?: string } }>;

const keyOf = (req: FastifyRequest) => {
  const key = req.headers['idempotency-key'];
  return typeof key === 'string' && key ? key : undefined;
};

/** The body with the path's pilot id filled in where the subject names its pilot. */
function withPilot(body: unknown, pilotId: string, at?: string): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const b = body as Record<string, unknown>;
  if (!at) return { pilotId, ...b };
  const inner = b[at];
  return typeof inner === 'object' && inner !== null ? { ...b, [at]: { pilotId, ...(inner as object) } } : b;
}

/** Art. 19(1) in bulk: one request recorded for many pilots (Academic Affairs), with a dry run. */
export const bulkProvincialRequestSchema = z.object({
  pilotIds: z.array(idSchema).min(1).max(MAX_BULK_PILOTS),
  request: z.object({
    id: idSchema,
    title: requiredText(300, '材料名称不能为空', 'the title must not be blank'),
    requestedOn: isoDateSchema,
    dueDate: isoDateSchema,
  }),
  actor: actorSchema,
  dryRun: z.boolean().default(false),
});

export const bulkCalendarSchema = z.object({ actor: actorSchema, college: idSchema.optional(), dryRun: z.boolean().default(false) });

export const bulkRemindSchema = z.object({
  actor: actorSchema,
  note: z.string().trim().max(1000).optional(),
  college: idSchema.optional(),
  dryRun: z.boolean().default(false),
});

export const bulkExtendSchema = z.object({
  pilotIds: z.array(idSchema).min(1).max(MAX_BULK_PILOTS),
  target: extendDeadlineInputSchema.shape.target,
  newDueDate: isoDateSchema,
  reason: requiredText(1000, '延期须写明理由', 'an extension needs a written reason'),
  actor: actorSchema,
  dryRun: z.boolean().default(false),
});

export function registerLifecycleRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const pilots = new PilotService(deps.client, deps.taskQueue);

  app.post('/api/pilots/:id/provincial-requests', async (req: PilotReq) =>
    pilots.update(req.params.id, recordProvincialRequest, provincialRequestInputSchema, withPilot(req.body, req.params.id), keyOf(req)),
  );
  app.post('/api/pilots/:id/provincial-requests/:sub/submissions', async (req: PilotReq) =>
    pilots.update(
      req.params.id,
      submitProvincialMaterial,
      provincialSubmissionInputSchema,
      { ...(req.body as object), requestId: req.params.sub },
      keyOf(req),
    ),
  );
  // Art. 5(3): an entry is booked once per id; a repeat with the same content answers { replayed: true, entry }.
  app.post('/api/pilots/:id/expenses', async (req: PilotReq) =>
    pilots.bookLedgerEntry(req.params.id, 'expense', withPilot(req.body, req.params.id), keyOf(req)),
  );
  app.post('/api/pilots/:id/incomes', async (req: PilotReq) =>
    pilots.bookLedgerEntry(req.params.id, 'income', withPilot(req.body, req.params.id), keyOf(req)),
  );
  app.post('/api/pilots/:id/assessments', async (req: PilotReq) =>
    pilots.update(req.params.id, recordAssessment, assessmentInputSchema, withPilot(req.body, req.params.id, 'session'), keyOf(req)),
  );
  app.post('/api/pilots/:id/assessments/:sub/result', async (req: PilotReq) =>
    pilots.update(
      req.params.id,
      recordAssessmentResult,
      assessmentResultInputSchema,
      { ...(req.body as object), sessionId: req.params.sub },
      keyOf(req),
    ),
  );
  app.post('/api/pilots/:id/inspections', async (req: PilotReq) =>
    pilots.update(req.params.id, recordInspection, inspectionInputSchema, withPilot(req.body, req.params.id), keyOf(req)),
  );
  app.post('/api/pilots/:id/violations', async (req: PilotReq) =>
    pilots.update(req.params.id, recordViolation, violationInputSchema, withPilot(req.body, req.params.id), keyOf(req)),
  );
  app.post('/api/pilots/:id/cancel', async (req: PilotReq) =>
    pilots.update(req.params.id, cancelPilot, cancelPilotInputSchema, req.body, keyOf(req)),
  );
  app.post('/api/pilots/:id/remind', async (req: PilotReq) =>
    pilots.update(req.params.id, remindNow, remindNowInputSchema, req.body, keyOf(req)),
  );
  app.post('/api/pilots/:id/extend-deadline', async (req: PilotReq) =>
    pilots.update(req.params.id, extendDeadline, extendDeadlineInputSchema, req.body, keyOf(req)),
  );

  // Bulk actions (Academic Affairs) with a dry run: remind every running pilot with something
  // overdue (OnexOverdue), or extend one deadline of many pilots (e.g. after a holiday change).
  app.post('/api/bulk/remind-overdue', async (req) => {
    const b = parseOrRefuse(bulkRemindSchema, req.body);
    const overdue = await pilots.listPilots({
      overdue: 'true',
      stage: 'implementation',
      limit: '1000',
      ...(b.college ? { college: b.college } : {}),
    });
    const results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] = [];
    for (const p of overdue) {
      if (b.dryRun) {
        results.push({ pilotId: p.pilotId, ok: true });
        continue;
      }
      try {
        await pilots.update(p.pilotId, remindNow, remindNowInputSchema, { actor: b.actor, ...(b.note ? { note: b.note } : {}) });
        results.push({ pilotId: p.pilotId, ok: true });
      } catch (err) {
        if (err instanceof ServiceError) results.push({ pilotId: p.pilotId, ok: false, errors: err.results });
        else throw err;
      }
    }
    return { dryRun: b.dryRun, results };
  });
  app.post('/api/bulk/extend-deadline', async (req) => {
    const b = parseOrRefuse(bulkExtendSchema, req.body);
    const results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] = [];
    for (const pilotId of b.pilotIds) {
      const input = { target: b.target, newDueDate: b.newDueDate, reason: b.reason, actor: b.actor };
      try {
        if (b.dryRun) {
          parseOrRefuse(extendDeadlineInputSchema, input);
          const state = await pilots.pilotState(pilotId);
          const pending =
            b.target.kind === 'provincialRequest'
              ? state.provincial.some((r) => r.id === b.target.id && r.outcome === 'pending')
              : state.nextDue?.periodId === b.target.id;
          if (!pending)
            throw new ServiceError(422, [
              {
                ruleId: 'deadline.unknown',
                article: null,
                severity: 'hard',
                field: 'target.id',
                message: { zh: `试点 ${pilotId} 没有待办事项 ${b.target.id}`, en: `pilot ${pilotId} has no pending item ${b.target.id}` },
              },
            ]);
        } else {
          await pilots.update(
            pilotId,
            extendDeadline,
            extendDeadlineInputSchema,
            input,
            `extend:${b.target.kind}:${b.target.id}:${b.newDueDate}:${pilotId}`,
          );
        }
        results.push({ pilotId, ok: true });
      } catch (err) {
        if (err instanceof ServiceError) results.push({ pilotId, ok: false, errors: err.results });
        else throw err;
      }
    }
    return { dryRun: b.dryRun, results };
  });

  // Hand every running pilot the current working-day schedule (e.g. after the State Council
  // publishes next year's holidays): each pilot keeps the schedule pinned at its start until
  // then, so a change of the bundled data never alters a running pilot behind its back.
  app.post('/api/calendar/refresh', async (req) => {
    const b = parseOrRefuse(bulkCalendarSchema, req.body);
    const running = await pilots.listPilots({ stage: 'implementation', limit: '1000', ...(b.college ? { college: b.college } : {}) });
    const results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] = [];
    for (const p of running) {
      try {
        const state = await pilots.pilotState(p.pilotId);
        const calendar = calendarSnapshot(Number(state.current.startDate.slice(0, 4)), Number(state.current.endDate.slice(0, 4)) + 1);
        if (!b.dryRun) await pilots.update(p.pilotId, refreshCalendar, refreshCalendarInputSchema, { calendar, actor: b.actor });
        results.push({ pilotId: p.pilotId, ok: true });
      } catch (err) {
        if (err instanceof ServiceError) results.push({ pilotId: p.pilotId, ok: false, errors: err.results });
        else throw err;
      }
    }
    return { dryRun: b.dryRun, results };
  });

  app.get('/api/pilots/:id/audit', async (req: PilotReq) => ({ audit: await pilots.audit(req.params.id) }));

  app.post('/api/provincial-requests', async (req) => {
    const bulk = parseOrRefuse(bulkProvincialRequestSchema, req.body);
    const results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] = [];
    for (const pilotId of bulk.pilotIds) {
      const input = { ...bulk.request, pilotId, recordedBy: bulk.actor };
      try {
        if (bulk.dryRun) {
          // Dry run: the same schema and the pilot's current state, nothing sent.
          parseOrRefuse(provincialRequestInputSchema, input);
          const state = await pilots.pilotState(pilotId);
          if (state.status !== 'running')
            throw new ServiceError(422, [
              {
                ruleId: 'pilot.closed',
                article: null,
                severity: 'hard',
                field: 'pilotIds',
                message: {
                  zh: `试点 ${pilotId} 已${state.status === 'cancelled' ? '取消' : '结项'}`,
                  en: `pilot ${pilotId} is ${state.status}`,
                },
              },
            ]);
          if (state.provincial.some((r) => r.id === bulk.request.id))
            throw new ServiceError(422, [
              {
                ruleId: 'provincial.duplicate',
                article: null,
                severity: 'hard',
                field: 'request.id',
                message: {
                  zh: `试点 ${pilotId} 已登记报送要求 ${bulk.request.id}`,
                  en: `pilot ${pilotId} already has request ${bulk.request.id}`,
                },
              },
            ]);
        } else {
          await pilots.update(pilotId, recordProvincialRequest, provincialRequestInputSchema, input, `${bulk.request.id}:${pilotId}`);
        }
        results.push({ pilotId, ok: true });
      } catch (err) {
        if (err instanceof ServiceError) results.push({ pilotId, ok: false, errors: err.results });
        else throw err;
      }
    }
    return { dryRun: bulk.dryRun, results };
  });
}
