/**
 * Registers every route of the action table (client/actions.ts): its method and path, the
 * edge's config (query fields, onBehalfOf, college scope), its OpenAPI entry, and a handler
 * that parses the input with the action's strict schema before any workflow is touched (a
 * bad body is a 400 naming the field). Actions that are one Update of a pilot, an approval,
 * a rectification, a round or an application need no code of their own; the others
 * (`target: 'service'`) name a handler in their subject's module.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorSchema, isAcademicAffairs, roleNames } from '../../domain/actor';
import { pilotWorkflowId } from '../../domain/pilot';
import { parseOrRefuse } from '../../domain/validation';
import { approvalStateQuery, rectificationWorkflowId } from '../../workflows/messages';
import { actionNames, actions, noInput, type ActionSpec } from '../actions';
import type { ApiDeps } from '../api-deps';
import { RoundService } from '../round-service';
import { PilotService, ServiceError } from '../service';
import { describeRoute } from '../web/openapi';
import { approvalWorkflowOf, onBehalfOfRefusal } from './approvals';
import type { ActionHandler, ActionHandlers } from './action-types';

export type { ActionCall, ActionHandler, ActionHandlers } from './action-types';

const keyOf = (req: FastifyRequest) => {
  const key = req.headers['idempotency-key'];
  return typeof key === 'string' && key ? key : undefined;
};

/** The handler of an action that is one Update of a process, from its table entry alone. */
function updateHandler(spec: ActionSpec, pilots: PilotService, rounds: RoundService): ActionHandler | undefined {
  const def = spec.update;
  if (!def) return undefined;
  switch (spec.target) {
    case 'pilot':
      return ({ params, input, key }) => pilots.update(params.id!, def, spec.schema, input, key);
    case 'approval':
      return async ({ params, input, key }) => {
        const workflowId = approvalWorkflowOf(params.id!, params.approvalId!);
        // A delegate naming their principal: the approval's state shows whether a live delegation backs it (403 otherwise).
        const actor = actorSchema.safeParse((input as { actor?: unknown } | null)?.actor);
        if (actor.success && actor.data.onBehalfOf !== undefined && !isAcademicAffairs(actor.data)) {
          const state = await pilots.childQuery(params.id!, workflowId, approvalStateQuery);
          const denied = onBehalfOfRefusal(input, state.kind, state);
          if (denied) throw new ServiceError(403, [denied]);
        }
        return pilots.childUpdate(params.id!, workflowId, def, spec.schema, input, key);
      };
    case 'rectification':
      return ({ params, input, key }) =>
        pilots.childUpdate(
          params.id!,
          rectificationWorkflowId(pilotWorkflowId(params.id!), params.inspectionId!),
          def,
          spec.schema,
          input,
          key,
        );
    case 'round':
      return ({ params, input, key }) => rounds.roundAction(params.roundId!, def, input, key);
    case 'application':
      return ({ params, input, key }) => rounds.applicationAction(params.roundId!, params.applicationId!, def, input, key);
    default:
      return undefined;
  }
}

function whoMay(spec: ActionSpec): string {
  if (spec.roles === 'any') return '登录用户（在其学院范围内）/ any signed-in user, within their college';
  return `${spec.roles.map((r) => roleNames[r].zh).join('、')} / ${spec.roles.map((r) => roleNames[r].en).join(', ')}`;
}

/** Registers every action of the table; a missing handler is an error at start-up, not a 404 at run time. */
export function registerActionRoutes(app: FastifyInstance, deps: ApiDeps, handlers: ActionHandlers): void {
  const pilots = new PilotService(deps.client, deps.taskQueue);
  const rounds = new RoundService(deps.client, deps.taskQueue);
  for (const name of actionNames) {
    const spec: ActionSpec = actions[name];
    const handle = handlers[name] ?? (spec.target === 'service' ? undefined : updateHandler(spec, pilots, rounds));
    if (!handle) throw new Error(`action ${name} (${spec.method} ${spec.route}) has no handler`);
    const takesQuery = spec.method === 'GET' && spec.schema !== noInput;
    app.route({
      method: spec.method,
      url: spec.route,
      config: {
        query: takesQuery,
        scope: spec.scope,
        idempotency: spec.method === 'POST' && spec.idempotent !== false,
        ...(spec.onBehalfOf ? { onBehalfOf: spec.onBehalfOf } : {}),
      },
      handler: async (req, reply) => {
        const params = (req.params ?? {}) as Record<string, string>;
        let input: unknown;
        if (spec.method === 'POST' && spec.multipart) {
          input = undefined; // the handler reads the parts (and refuses what is not multipart)
        } else if (spec.method === 'POST') {
          input = spec.input ? spec.input(req.body, params) : req.body;
          // The strict parse at the edge: unknown fields, control characters and bad values are a 400 naming the field.
          parseOrRefuse(spec.schema, input);
        } else {
          input = req.query;
          if (takesQuery) parseOrRefuse(spec.schema, input);
        }
        const result = await handle({ req, reply, params, input, key: keyOf(req) });
        if (reply.sent) return reply;
        return spec.status ? reply.status(spec.status).send(result) : result;
      },
    });
    describeRoute(spec.method, spec.route, {
      summary: `${spec.summary.zh} / ${spec.summary.en}`,
      description: `可办理 / who may: ${whoMay(spec)}${spec.cli ? `; CLI: \`onex ${spec.cli}\`` : ''}`,
      ...(spec.method === 'POST' ? { body: spec.body ?? spec.schema } : takesQuery ? { query: spec.schema } : {}),
      tag: spec.tag,
    });
  }
}
