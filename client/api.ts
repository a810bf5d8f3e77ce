/**
 * The admin HTTP JSON API (fastify). Every body and query is parsed with the domain's zod
 * schemas; a refusal answers with `{ error: { message, results: RuleResult[] } }` naming
 * the field, in Chinese and English, and citing the article where one applies.
 *
 * Every `/api/` route but the sign-in needs a signed-in user (session cookie + CSRF token
 * for the web page, bearer token for the CLI); the actor in a body must be that user, and
 * college-scoped users reach only their own college's processes (client/auth/plugin.ts).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { stripControlCharacters } from '../domain/validation';
import { OnexRefusal, formatRuleResult, inputError, type RuleResult } from '../domain/errors';
import { defaultSecurityLog, registerAuth } from './auth/plugin';
import type { ApiDeps } from './api-deps';
import { documentHandlers, registerDocumentRefCheck, registerMultipart } from './routes/documents';
import { registerDirectoryRoutes } from './routes/directory';
import { registerUserRoutes } from './routes/users';
import { collectRoutes } from './web/openapi';
import { registerWebRoutes } from './web/routes';
import { registerActionRoutes } from './routes/actions';
import { approvalHandlers } from './routes/approvals';
import { bulkHandlers } from './routes/bulk';
import { pilotHandlers } from './routes/pilots';
import { roundHandlers } from './routes/rounds';
import { webHandlers } from './web/routes';
import { exportHandlers } from './web/export-routes';
import { ServiceError } from './service';

function errorBody(results: RuleResult[], requestId?: string) {
  return { error: { message: results.map(formatRuleResult).join('\n'), results, ...(requestId ? { requestId } : {}) } };
}

/** fastify's own refusals, in words a person can act on. */
function httpRefusal(status: number, code: string | undefined, text: string): RuleResult {
  const known: Record<number, [string, string]> = {
    413: ['请求内容过大（上限 256 KB）', 'the request body is too large (limit 256 KB)'],
    414: ['请求地址过长', 'the request URL is too long'],
    415: ['请求格式不支持：请以 JSON（application/json）提交', 'unsupported content type: send JSON (application/json)'],
  };
  const [zh, en] =
    known[status] ??
    (code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/i.test(text)
      ? ['请求内容不是有效的 JSON', 'the body is not valid JSON']
      : [`请求无效：${text}`, `bad request: ${text}`]);
  return inputError('(body)', zh, en, `http.${status}`);
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const logger =
    deps.logger === false ? false : { level: 'info', ...(deps.logger === true || deps.logger === undefined ? {} : deps.logger) };
  const app = Fastify({
    logger,
    bodyLimit: 256 * 1024,
    routerOptions: { maxParamLength: 200 },
    trustProxy: deps.trustedProxies && deps.trustedProxies.length > 0 ? deps.trustedProxies : false,
    // Our own request ids (never a caller's), in every log line and on every answer.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
  });
  // JSON only: fastify's text/plain parser would hand routes a string (refused as 415 instead).
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ServiceError) {
      if (err.status >= 500) req.log.error({ err, status: err.status }, 'service unavailable');
      return reply.status(err.status).send(errorBody(err.results, err.status >= 500 ? req.id : undefined));
    }
    if (err instanceof OnexRefusal) return reply.status(400).send(errorBody(err.results));
    const status = (err as { statusCode?: number }).statusCode;
    const text = err instanceof Error ? err.message : String(err);
    if (status && status >= 400 && status < 500) {
      // fastify's own refusals (malformed JSON, body too large, wrong content type)
      return reply.status(status).send(errorBody([httpRefusal(status, (err as { code?: string }).code, text)]));
    }
    req.log.error({ err }, 'internal error');
    return reply
      .status(500)
      .send(
        errorBody(
          [
            inputError(
              '(server)',
              `服务器内部错误，请稍后重试；如需报告，请提供请求编号 ${req.id}`,
              `internal server error; please retry later, and quote request id ${req.id} if you report it`,
              'http.internal',
            ),
          ],
          req.id,
        ),
      );
  });
  app.setNotFoundHandler((req, reply) => {
    const path = stripControlCharacters(req.url.split('?')[0]!).slice(0, 200);
    return reply
      .status(404)
      .send(
        errorBody([
          inputError('(path)', `没有这个接口：${req.method} ${path}`, `no such endpoint: ${req.method} ${path}`, 'http.notFound'),
        ]),
      );
  });

  app.get('/healthz', { config: { auth: 'public' } }, async () => ({ ok: true }));
  app.get('/readyz', { config: { auth: 'public' } }, async (_req, reply) => {
    const r = deps.ready
      ? await deps.ready().catch((err: unknown) => ({
          ok: false,
          reason: { zh: `就绪检查失败：${String(err)}`, en: `readiness check failed: ${String(err)}` },
        }))
      : true;
    const body = typeof r === 'boolean' ? { ok: r } : r;
    return reply.status(body.ok ? 200 : 503).send(body);
  });

  const openapi = collectRoutes(app);
  registerAuth(app, { ...deps.auth, client: deps.client });

  registerMultipart(app, deps.documents);
  registerDocumentRefCheck(app, deps.documents);
  // The page and its static files; then every action and read of the table (client/actions.ts),
  // with one module of handlers per subject for what is more than one Update.
  registerWebRoutes(app, openapi);
  registerActionRoutes(app, deps, {
    ...pilotHandlers(deps),
    ...bulkHandlers(deps),
    ...approvalHandlers(deps),
    ...roundHandlers(deps),
    ...webHandlers(deps),
    ...exportHandlers(deps),
    ...documentHandlers(deps),
  });
  registerDirectoryRoutes(app, { users: deps.auth.users });
  registerUserRoutes(app, { users: deps.auth.users, state: deps.auth.state, securityLog: deps.auth.securityLog ?? defaultSecurityLog });

  return app;
}
