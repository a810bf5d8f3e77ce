/**
 * The OpenAPI 3.1 description served at /openapi.json: every route the API registered (seen
 * through fastify's onRoute hook), with request schemas generated from the same zod schemas
 * the API parses with (zod 4's z.toJSONSchema) where a route has described itself with
 * {@link describeRoute}.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

interface RouteDoc {
  summary: string;
  description?: string;
  body?: z.ZodType;
  query?: z.ZodType;
  tag?: string;
}

const docs = new Map<string, RouteDoc>();

/** `method` in capitals, `url` as registered (`/api/pilots/:id`). */
export function describeRoute(method: string, url: string, doc: RouteDoc): void {
  docs.set(`${method} ${url}`, doc);
}

function jsonSchema(s: z.ZodType): unknown {
  try {
    return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
  } catch {
    return {};
  }
}

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        message: { type: 'string' },
        results: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              ruleId: { type: 'string' },
              article: {},
              severity: { type: 'string' },
              field: { type: 'string' },
              message: { type: 'object', properties: { zh: { type: 'string' }, en: { type: 'string' } } },
            },
          },
        },
      },
    },
  },
};

const err = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } });

/** Every refusal the API can answer, each with the same bilingual error body. */
const errorResponses = {
  400: err(
    '输入无效（字段、未知字段、控制字符、编号、嵌套过深）/ bad input (a field, an unknown field, a control character, an id, nesting too deep)',
  ),
  401: err('未登录或凭据无效 / not signed in, or the credentials are invalid'),
  403: err('无权：操作人、学院范围、防跨站令牌、委托 / not allowed: actor, college scope, CSRF, delegation'),
  404: err('不存在 / not found'),
  409: err('冲突：已存在，或幂等键已用于另一请求 / conflict: exists already, or the Idempotency-Key was used for another request'),
  413: err('请求内容过大 / body too large'),
  414: err('请求地址过长 / URL too long'),
  415: err('请求格式不支持（须为 JSON）/ unsupported content type (JSON only)'),
  422: err('被规则拒绝（注明条款）/ refused by a rule (cites the article)'),
  429: err('请求过于频繁（登录限流）/ too many requests (sign-in throttle); see Retry-After'),
  500: err('服务器内部错误（附请求编号）/ internal error (with the request id)'),
  503: err('工作流服务暂时不可用 / the workflow service is unavailable'),
};

/** Collects the routes as they are registered; call before registering any. */
export function collectRoutes(app: FastifyInstance): { document(): unknown } {
  const routes: { method: string; url: string; public: boolean }[] = [];
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const m of methods)
      if (m !== 'HEAD' && r.url.startsWith('/api/'))
        routes.push({ method: m, url: r.url, public: (r.config as { auth?: string } | undefined)?.auth === 'public' });
  });
  return {
    document() {
      const paths: Record<string, Record<string, unknown>> = {};
      for (const r of routes) {
        const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
        const doc = docs.get(`${r.method} ${r.url}`);
        const params = [...r.url.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
          name: m[1],
          in: 'path',
          required: true,
          description: '编号 / id',
          schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' },
        }));
        const query = doc?.query
          ? Object.entries((jsonSchema(doc.query) as { properties?: Record<string, unknown> }).properties ?? {}).map(([name, schema]) => ({
              name,
              in: 'query',
              required: false,
              schema,
            }))
          : [];
        (paths[path] ??= {})[r.method.toLowerCase()] = {
          summary: doc?.summary ?? `${r.method} ${r.url}`,
          ...(doc?.description ? { description: doc.description } : {}),
          tags: [doc?.tag ?? r.url.split('/')[2] ?? 'api'],
          ...(params.length + query.length ? { parameters: [...params, ...query] } : {}),
          ...(doc?.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(doc.body) } } } } : {}),
          ...(r.public ? { security: [] } : {}),
          responses: {
            200: { description: '成功 / OK' },
            ...(r.method === 'POST' ? { 201: { description: '已创建 / created' } } : {}),
            ...errorResponses,
          },
        };
      }
      return {
        openapi: '3.1.0',
        info: {
          title: 'onex 管理接口 / admin API',
          version: '0.1.0',
          description:
            '1+X 证书制度试点工作流与审批引擎 / the 1+X pilot workflow and approval engine. 错误以中文和英文说明并引用条款 / refusals are bilingual and cite the article.',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: 'API 令牌（npm run user:add -- --token）/ API token' },
            session: {
              type: 'apiKey',
              in: 'cookie',
              name: 'onex_session',
              description: '网页会话；修改类请求须带 x-csrf-token / web session; changes need x-csrf-token',
            },
          },
        },
        security: [{ bearer: [] }, { session: [] }],
        paths,
      };
    },
  };
}
