/**
 * Approvals (Art. 6(4), 7, 13) and rectifications (Art. 18) over HTTP. A budget plan, change
 * request or examiner-training plan is submitted through the pilot, which starts the approval
 * as a child workflow; decisions, resubmission, withdrawal, delegation, CC and the provincial
 * filing go to that child. Approval ids are `<kind>-<n>` (budget-1, changeRequest-2, …).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorSchema } from '../../domain/actor';
import {
  approvalKindNames,
  approvalKindSpec,
  ccApprovalInputSchema,
  decideApprovalInputSchema,
  delegateApprovalInputSchema,
  recordApprovalFilingInputSchema,
  resubmitApprovalInputSchema,
  withdrawApprovalInputSchema,
} from '../../domain/approval-kinds';
import { inputError, type RuleResult } from '../../domain/errors';
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
import type { ApprovalState } from '../../workflows/approval-types';
import type { ApiDeps } from '../api-deps';
import { PilotService, ServiceError } from '../service';

type Req = FastifyRequest<{ Params: { id: string; approvalId: string; inspectionId: string } }>;

const keyOf = (req: FastifyRequest) => {
  const key = req.headers['idempotency-key'];
  return typeof key === 'string' && key ? key : undefined;
};

/** `budget-1` → the child's workflow id, or a 404 naming the approval. */
function approvalWorkflowOf(pilotId: string, approvalId: string): string {
  const m = /^(budget|changeRequest|examinerPlan)-([1-9]\d{0,5})$/.exec(approvalId);
  if (!m)
    throw new ServiceError(404, [
      inputError(
        'approvalId',
        `没有审批 ${approvalId}（格式如 budget-1）`,
        `no approval ${approvalId} (ids look like budget-1)`,
        'approval.notFound',
      ),
    ]);
  return approvalWorkflowId(pilotWorkflowId(pilotId), m[1] as 'budget', Number(m[2]));
}

/**
 * `onBehalfOf` puts another person's name in the audit trail. The measures have no article
 * on delegation: Academic Affairs records for others (Art. 4), and otherwise only a delegate
 * may name the approver who delegated the current step to them, while that delegation is
 * valid (the approval's state shows it). Anyone else is refused (403), citing the approval's
 * own article; the approval workflow's validators hold the same rule for raw Updates.
 */
export function onBehalfOfRefusal(
  body: unknown,
  kind: unknown,
  approval?: Pick<ApprovalState, 'currentStep' | 'delegations'>,
  now = Date.now(),
): RuleResult | null {
  const parsed = actorSchema.safeParse((body as { actor?: unknown } | null)?.actor);
  if (!parsed.success) return null; // a malformed actor is refused by the route's schema (400)
  const actor = parsed.data;
  if (actor.onBehalfOf === undefined || actor.role === 'academicAffairs') return null;
  const step = approval?.currentStep;
  const held =
    step !== undefined &&
    (approval?.delegations ?? []).some(
      (d) =>
        d.stepId === step.id &&
        d.delegate.userId === actor.id &&
        d.delegator.id === actor.onBehalfOf &&
        Date.parse(d.validFrom) <= now &&
        Date.parse(d.validUntil) >= now,
    );
  if (held) return null;
  const article = (approvalKindNames as readonly unknown[]).includes(kind)
    ? approvalKindSpec(kind as 'budget').chain.rule.article
    : { article: 4 };
  return {
    ruleId: 'approval.onBehalfOf',
    article,
    severity: 'hard',
    field: 'actor.onBehalfOf',
    message: approval
      ? {
          zh: `${actor.id} 没有 ${actor.onBehalfOf} 对当前审批环节的有效委托，不能以其名义办理（委托由当前环节审批人办理；只有教务部可代他人录入，第四条）`,
          en: `${actor.id} holds no valid delegation from ${actor.onBehalfOf} for the current approval step and cannot act in their name (a delegation is given by the step's approver; only Academic Affairs records for others, Art. 4)`,
        }
      : {
          zh: `只有教务部可以代他人提交审批（第四条）；${actor.id} 不能以 ${actor.onBehalfOf} 的名义提交（委托只适用于审批环节）`,
          en: `only Academic Affairs may submit for approval on someone's behalf (Art. 4); ${actor.id} cannot submit in the name of ${actor.onBehalfOf} (delegations apply to approval steps only)`,
        },
  };
}

/** A submitted subject names its pilot (the path's) and, for a change request, who asks and when. */
function withSubjectDefaults(body: unknown, pilotId: string): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const b = body as { kind?: unknown; subject?: unknown; actor?: unknown };
  if (typeof b.subject !== 'object' || b.subject === null) return body;
  const subject: Record<string, unknown> = { pilotId, ...(b.subject as Record<string, unknown>) };
  if (b.kind === 'changeRequest') {
    // Who asks and when: the submitter, now. Only Academic Affairs may record a request
    // written earlier or by someone else (Art. 4); anyone else's values are replaced.
    const aa = (b.actor as { role?: unknown } | undefined)?.role === 'academicAffairs';
    if (!aa || subject.requestedBy === undefined) subject.requestedBy = b.actor;
    if (!aa || subject.requestedAt === undefined) subject.requestedAt = new Date().toISOString();
  }
  return { ...b, subject };
}

export function registerApprovalRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const pilots = new PilotService(deps.client, deps.taskQueue);

  app.post('/api/pilots/:id/approvals', async (req: Req, reply) => {
    const denied = onBehalfOfRefusal(req.body, (req.body as { kind?: unknown } | null)?.kind);
    if (denied) throw new ServiceError(403, [denied]);
    return reply
      .status(201)
      .send(
        await pilots.update(
          req.params.id,
          submitForApproval,
          approvalSubmissionInputSchema,
          withSubjectDefaults(req.body, req.params.id),
          keyOf(req),
        ),
      );
  });
  app.get('/api/pilots/:id/approvals/:approvalId', async (req: Req) =>
    pilots.childQuery(req.params.id, approvalWorkflowOf(req.params.id, req.params.approvalId), approvalStateQuery),
  );

  const child = [
    ['decide', decideApproval, decideApprovalInputSchema],
    ['resubmit', resubmitApproval, resubmitApprovalInputSchema],
    ['withdraw', withdrawApproval, withdrawApprovalInputSchema],
    ['delegate', delegateApproval, delegateApprovalInputSchema],
    ['cc', ccApproval, ccApprovalInputSchema],
    ['filing', recordApprovalFiling, recordApprovalFilingInputSchema],
  ] as const;
  for (const [path, def, schema] of child) {
    app.post(`/api/pilots/:id/approvals/:approvalId/${path}`, async (req: Req) => {
      const workflowId = approvalWorkflowOf(req.params.id, req.params.approvalId);
      const actor = actorSchema.safeParse((req.body as { actor?: unknown } | null)?.actor);
      if (actor.success && actor.data.onBehalfOf !== undefined && actor.data.role !== 'academicAffairs') {
        const state = await pilots.childQuery(req.params.id, workflowId, approvalStateQuery);
        const denied = onBehalfOfRefusal(req.body, state.kind, state);
        if (denied) throw new ServiceError(403, [denied]);
      }
      return pilots.childUpdate(req.params.id, workflowId, def as never, schema, req.body, keyOf(req));
    });
  }

  app.get('/api/pilots/:id/rectifications/:inspectionId', async (req: Req) =>
    pilots.childQuery(
      req.params.id,
      rectificationWorkflowId(pilotWorkflowId(req.params.id), req.params.inspectionId),
      rectificationStateQuery,
    ),
  );
  app.post('/api/pilots/:id/rectifications/:inspectionId/reinspection', async (req: Req) => {
    const body =
      typeof req.body === 'object' && req.body !== null
        ? { pilotId: req.params.id, reinspectionOf: req.params.inspectionId, ...(req.body as object) }
        : req.body;
    return pilots.childUpdate(
      req.params.id,
      rectificationWorkflowId(pilotWorkflowId(req.params.id), req.params.inspectionId),
      recordReinspection,
      inspectionInputSchema,
      body,
      keyOf(req),
    );
  });
}
