/** What a handler of the action table receives (client/routes/actions.ts registers them). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ActionName } from '../actions';

export interface ActionCall {
  req: FastifyRequest;
  reply: FastifyReply;
  params: Record<string, string>;
  /** A POST's input (the body with the path's ids filled in), already parsed by the action's schema; a GET's query. */
  input: unknown;
  /** The Idempotency-Key as the edge bound it (client/auth/plugin.ts). */
  key: string | undefined;
}
export type ActionHandler = (call: ActionCall) => Promise<unknown>;
export type ActionHandlers = Partial<Record<ActionName, ActionHandler>>;
