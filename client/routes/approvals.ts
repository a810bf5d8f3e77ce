/**
 * Approvals (Art. 6(4), 7, 13) and rectifications (Art. 18): the handlers that are more than
 * one Update (routes and schemas are in client/actions.ts). A budget plan, change
 * request or examiner-training plan is submitted through the pilot, which starts the approval
 * as a child workflow; decisions, resubmission, withdrawal, delegation, CC and the provincial
 * filing go to that child. Approval ids are `<kind>-<n>` (budget-1, changeRequest-2, …).
 */
import { actorSchema, isAcademicAffairs } from '../../domain/actor';
import { approvalKindNames, approvalKindSpec } from '../../domain/approval-kinds';
import { inputError, type RuleResult } from '../../domain/errors';
import { pilotWorkflowId } from '../../domain/pilot';
import { approvalSubmissionInputSchema } from '../../domain/pilot-actions';
import {
  approvalStateQuery,
  approvalWorkflowId,
  rectificationStateQuery,
  rectificationWorkflowId,
  submitForApproval,
} from '../../workflows/messages';
import type { ApprovalState } from '../../workflows/approval-types';
import type { ApiDeps } from '../api-deps';
import { PilotService, ServiceError } from '../service';
import type { ActionHandlers } from './action-types';

/** `budget-1` → the child's workflow id, or a 404 naming the approval. */
export function approvalWorkflowOf(pilotId: string, approvalId: string): string {
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
  if (actor.onBehalfOf === undefined || isAcademicAffairs(actor)) return null;
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

export function approvalHandlers(deps: ApiDeps): ActionHandlers {
  const pilots = new PilotService(deps.client, deps.taskQueue);
  return {
    // The subject's defaults (its pilot, a change request's requester) are filled in by the table's `input`.
    submitForApproval: async ({ params, input, key }) => {
      const denied = onBehalfOfRefusal(input, (input as { kind?: unknown } | null)?.kind);
      if (denied) throw new ServiceError(403, [denied]);
      return pilots.update(params.id!, submitForApproval, approvalSubmissionInputSchema, input, key);
    },
    approvalState: ({ params }) => pilots.childQuery(params.id!, approvalWorkflowOf(params.id!, params.approvalId!), approvalStateQuery),
    rectificationState: ({ params }) =>
      pilots.childQuery(params.id!, rectificationWorkflowId(pilotWorkflowId(params.id!), params.inspectionId!), rectificationStateQuery),
  };
}
