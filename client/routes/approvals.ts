/**
 * Approvals (Art. 6(4), 7, 13) and rectifications (Art. 18) over HTTP. A budget plan, change
 * request or examiner-training plan is submitted through the pilot, which starts the approval
 * as a child workflow; decisions, resubmission, withdrawal, delegation, CC and the provincial
 * filing go to that child. Approval ids are `<kind>-<n>` (budget-1, changeRequest-2, …).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ccApprovalInputSchema,
  decideApprovalInputSchema,
  delegateApprovalInputSchema,
  recordApprovalFilingInputSchema,
  resubmitApprovalInputSchema,
  withdrawApprovalInputSchema,
} from '../../domain/approval-kinds';
import { inputError } from '../../domain/errors';
import { pilotWorkflowId } from '../../domain/pilot';
import { approvalSubmissionInputSchema } from '../../domain/pilot-actions';
import { inspectionInputSchema } from '../../domain/pilot-actions';
import {
  approvalStateQuery,
  approvalWorkflowId,
  ccApproval,
  decideApproval,
  delegateApproval,
  recordApprovalFiling,
  recordReinspection,
  rectificationStateQuery,
  rectificationWorkflowId,
  resubmitApproval,
  submitForApproval,
  withdrawApproval,
} from '../../workflows/messages';
import type { ApiDeps } from '../api';
import { PilotService, ServiceError } from '../service';

type Req = FastifyRequest<{ Params: { id: string; approvalId: string; inspectionId: string } }>;

const keyOf = (req: FastifyRequest) => {
  const key = req.headers['idempotency-key'];
  return typeof key === 'string' && key ? key : undefined;
};

/** `budget-1` → the child's workflow id, or a 404 naming the approval. */
function approvalWorkflowOf(pilotId: string, approvalId: string): string {
  const m = /^(budget|changeRequest|examinerPlan)-([1-9]\d{0,5})$/.exec(approvalId);
  if (!m) throw new ServiceError(404, [inputError('approvalId', `没有审批 ${approvalId}（格式如 budget-1）`, `no approval ${approvalId} (ids look like budget-1)`, 'approval.notFound')]);
  return approvalWorkflowId(pilotWorkflowId(pilotId), m[1] as 'budget', Number(m[2]));
}

/** A submitted subject names its pilot (the path's) and, for a change request, who asks and when. */
function withSubjectDefaults(body: unknown, pilotId: string): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const b = body as { kind?: unknown; subject?: unknown; actor?: unknown };
  if (typeof b.subject !== 'object' || b.subject === null) return body;
  const subject: Record<string, unknown> = { pilotId, ...(b.subject as Record<string, unknown>) };
  if (b.kind === 'changeRequest') {
    subject.requestedBy ??= b.actor;
    subject.requestedAt ??= new Date().toISOString();
  }
  return { ...b, subject };
}

export function registerApprovalRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const pilots = new PilotService(deps.client, deps.taskQueue);

  app.post('/api/pilots/:id/approvals', async (req: Req, reply) =>
    reply.status(201).send(await pilots.update(req.params.id, submitForApproval, approvalSubmissionInputSchema, withSubjectDefaults(req.body, req.params.id), keyOf(req))));
  app.get('/api/pilots/:id/approvals/:approvalId', async (req: Req) =>
    pilots.childQuery(req.params.id, approvalWorkflowOf(req.params.id, req.params.approvalId), approvalStateQuery));

  const child = [
    ['decide', decideApproval, decideApprovalInputSchema],
    ['resubmit', resubmitApproval, resubmitApprovalInputSchema],
    ['withdraw', withdrawApproval, withdrawApprovalInputSchema],
    ['delegate', delegateApproval, delegateApprovalInputSchema],
    ['cc', ccApproval, ccApprovalInputSchema],
    ['filing', recordApprovalFiling, recordApprovalFilingInputSchema],
  ] as const;
  for (const [path, def, schema] of child) {
    app.post(`/api/pilots/:id/approvals/:approvalId/${path}`, async (req: Req) =>
      pilots.childUpdate(req.params.id, approvalWorkflowOf(req.params.id, req.params.approvalId), def as never, schema, req.body, keyOf(req)));
  }

  app.get('/api/pilots/:id/rectifications/:inspectionId', async (req: Req) =>
    pilots.childQuery(req.params.id, rectificationWorkflowId(pilotWorkflowId(req.params.id), req.params.inspectionId), rectificationStateQuery));
  app.post('/api/pilots/:id/rectifications/:inspectionId/reinspection', async (req: Req) => {
    const body = typeof req.body === 'object' && req.body !== null ? { pilotId: req.params.id, reinspectionOf: req.params.inspectionId, ...(req.body as object) } : req.body;
    return pilots.childUpdate(req.params.id, rectificationWorkflowId(pilotWorkflowId(req.params.id), req.params.inspectionId), recordReinspection, inspectionInputSchema, body, keyOf(req));
  });
}
