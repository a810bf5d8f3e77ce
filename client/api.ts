/**
 * The admin HTTP JSON API (fastify). Every body and query is parsed with the domain's zod
 * schemas; a refusal answers with `{ error: { message, results: RuleResult[] } }` naming
 * the field, in Chinese and English, and citing the article where one applies.
 *
 * Every `/api/` route but the sign-in needs a signed-in user (session cookie + CSRF token
 * for the web page, bearer token for the CLI); the actor in a body must be that user, and
 * college-scoped users reach only their own college's processes (client/auth/plugin.ts).
 */
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { OnexRefusal, formatRuleResult, inputError, type RuleResult } from '../domain/errors';
import { registerAuth, type AuthDeps } from './auth/plugin';
import { collectRoutes } from './web/openapi';
import { registerWebRoutes } from './web/routes';
import { registerApprovalRoutes } from './routes/approvals';
import { registerLifecycleRoutes } from './routes/lifecycle';
import { registerPilotRoutes } from './routes/pilots';
import { registerRoundRoutes } from './routes/rounds';
import { ServiceError } from './service';

export interface ApiDeps {
  client: Client;
  taskQueue: string;
  /** Answers whether Temporal is reachable and a worker polls (with what is missing), for /readyz. */
  ready?: () => Promise<boolean | { ok: boolean }>;
  logger?: boolean;
  /** Users, secrets and the security log (client/auth). */
  auth: AuthDeps;
}

function errorBody(results: RuleResult[]) {
  return { error: { message: results.map(formatRuleResult).join('\n'), results } };
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit: 256 * 1024 });

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof ServiceError) return reply.status(err.status).send(errorBody(err.results));
    if (err instanceof OnexRefusal) return reply.status(400).send(errorBody(err.results));
    const status = (err as { statusCode?: number }).statusCode;
    const text = err instanceof Error ? err.message : String(err);
    if (status && status >= 400 && status < 500) {
      // fastify's own refusals (malformed JSON, body too large, wrong content type)
      return reply.status(status).send(errorBody([inputError('(body)', `请求无效：${text}`, `bad request: ${text}`, 'http.badRequest')]));
    }
    app.log.error(err);
    return reply.status(500).send(errorBody([inputError('(server)', '服务器内部错误，请稍后重试', 'internal server error; please retry later', 'http.internal')]));
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(errorBody([inputError('(path)', `没有这个接口：${req.method} ${req.url}`, `no such endpoint: ${req.method} ${req.url}`, 'http.notFound')])),
  );

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const r = deps.ready ? await deps.ready().catch((err: unknown) => ({ ok: false, reason: { zh: `就绪检查失败：${String(err)}`, en: `readiness check failed: ${String(err)}` } })) : true;
    const body = typeof r === 'boolean' ? { ok: r } : r;
    return reply.status(body.ok ? 200 : 503).send(body);
  });

  const openapi = collectRoutes(app);
  registerAuth(app, { ...deps.auth, client: deps.client });

  // One module of routes per subject.
  registerPilotRoutes(app, deps);
  registerWebRoutes(app, deps, openapi);
  registerRoundRoutes(app, deps);
  registerLifecycleRoutes(app, deps);
  registerApprovalRoutes(app, deps);

  return app;
}
