/**
 * Authentication for the admin API, as fastify hooks, so the subject routes need no change:
 *
 * 1. `onRequest`: every `/api/` route but the sign-in needs a user — a session cookie (the
 *    web page) or `Authorization: Bearer onex_…` (the CLI, ONEX_TOKEN). A change made with
 *    a cookie must also carry the CSRF token in `x-csrf-token`, and a browser's Origin, when
 *    sent, must be this server.
 * 2. `preHandler`: the actor comes from the user. Every actor in the body (`actor`,
 *    `recordedBy`, `inspector`, … or any object with a role) must be the user; it is then
 *    replaced by the user's own actor (college filled in), so routes receive exactly the
 *    user. Only Academic Affairs may act `onBehalfOf` someone (and delegates, on approval
 *    routes, where the approval workflow checks the delegation). Then college scoping
 *    (./scope.ts).
 *
 * Every refusal is logged as one structured line (`{"msg":"security",…}`).
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorSchema, roles } from '../../domain/actor';
import { formatRuleResult, inputError, type RuleResult } from '../../domain/errors';
import { safeParseBilingual } from '../../domain/validation';
import { pilotListFilterSchema } from '../visibility';
import { checkLinkToken } from './links';
import { dummyHash, verifyPassword } from './passwords';
import { checkScope, scopeContext, selfScopedRoutes, type ScopeContext } from './scope';
import {
  CSRF_HEADER,
  SESSION_COOKIE,
  SignInThrottle,
  checkSession,
  csrfToken,
  csrfValid,
  newSession,
  parseCookies,
  sessionCookie,
  type SessionPayload,
} from './sessions';
import { actorOf, publicUser, type User, type UserStore } from './users';

export interface SecurityEvent {
  event: string;
  reason?: string;
  user?: string;
  ip?: string;
  method?: string;
  url?: string;
  [k: string]: unknown;
}

export interface AuthDeps {
  users: UserStore;
  /** Signs session cookies and CSRF tokens (ONEX_SESSION_SECRET). */
  sessionSecret: string;
  /** Signs one-click links in e-mails (ONEX_LINK_SECRET). */
  linkSecret: string;
  /** Session lifetime; default 8 hours. */
  sessionTtlSeconds?: number;
  /** Mark cookies Secure (serve over HTTPS); default false, as the local stack is plain HTTP on loopback. */
  secureCookies?: boolean;
  /** Where refused attempts go; default one JSON line on stderr. */
  securityLog?: (e: SecurityEvent) => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
    session?: SessionPayload;
    authVia?: 'session' | 'token';
  }
  interface FastifyContextConfig {
    /** `public`: no sign-in needed (the sign-in itself). */
    auth?: 'public';
  }
}

export function defaultSecurityLog(e: SecurityEvent): void {
  process.stderr.write(`${JSON.stringify({ level: 'warn', time: new Date().toISOString(), msg: 'security', ...e })}\n`);
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ACTOR_KEYS = new Set(['actor', 'recordedBy', 'inspector', 'requestedBy', 'grantedBy', 'decidedBy', 'submittedBy']);

function body(results: RuleResult[]) {
  return { error: { message: results.map(formatRuleResult).join('\n'), results } };
}

export function authError(field: string, zh: string, en: string, ruleId: string): RuleResult {
  return inputError(field, zh, en, ruleId);
}

type Found = { path: string; value: Record<string, unknown> };

/** Every actor-shaped object in a body: under a known actor key, or any object whose `role` is a role. */
export function findActors(value: unknown, path = '', depth = 0, out: Found[] = []): Found[] {
  if (depth > 6 || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => findActors(v, `${path}[${i}]`, depth + 1, out));
    return out;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const p = path ? `${path}.${k}` : k;
    const isObj = v !== null && typeof v === 'object' && !Array.isArray(v);
    if (isObj && (ACTOR_KEYS.has(k) || (roles as readonly unknown[]).includes((v as { role?: unknown }).role))) out.push({ path: p, value: v as Record<string, unknown> });
    else findActors(v, p, depth + 1, out);
  }
  return out;
}

/** Checks and rewrites the body's actors in place; returns the first mismatch. */
export function bindActors(payload: unknown, user: User, allowOnBehalfOf: boolean): { field: string; given: string } | null {
  // A malformed actor is left to the route's schema, which refuses it naming the field (400).
  const found = findActors(payload).filter((f) => actorSchema.safeParse(f.value).success);
  for (const { path, value } of found) {
    const sameId = value.id === user.id;
    const sameRole = value.role === user.role;
    const sameCollege = value.college === undefined || value.college === user.college;
    if (!sameId || !sameRole || !sameCollege) return { field: path, given: `${String(value.id)}:${String(value.role)}${value.college ? `:${String(value.college)}` : ''}` };
    if (value.onBehalfOf !== undefined && !allowOnBehalfOf) return { field: `${path}.onBehalfOf`, given: String(value.onBehalfOf) };
  }
  for (const { value } of found) {
    const onBehalfOf = value.onBehalfOf;
    for (const k of Object.keys(value)) delete value[k];
    Object.assign(value, actorOf(user), onBehalfOf !== undefined ? { onBehalfOf } : {});
  }
  return null;
}

const signInSchema = z.object({ id: z.string().trim().min(1).max(254), password: z.string().min(1).max(1024) });

export function registerAuth(app: FastifyInstance, deps: AuthDeps & { client: Client }): { scope: ScopeContext } {
  const log = deps.securityLog ?? defaultSecurityLog;
  const ttl = deps.sessionTtlSeconds ?? 8 * 3600;
  const secure = deps.secureCookies ?? false;
  const throttle = new SignInThrottle();
  const scope = scopeContext(deps.client);

  const refuse = (req: FastifyRequest, reply: FastifyReply, status: number, event: string, reason: string, result: RuleResult, extra: Record<string, unknown> = {}) => {
    log({ event, reason, user: req.user?.id, ip: req.ip, method: req.method, url: req.url.split('?')[0], ...extra });
    return reply.status(status).send(body([result]));
  };

  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    const cookies = parseCookies(req.headers.cookie);
    const authz = req.headers.authorization;
    if (authz !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      const user = m ? deps.users.byToken(m[1]!) : undefined;
      if (!user) {
        return refuse(req, reply, 401, 'auth.refused', 'bad bearer token', authError('(authorization)', 'API 令牌无效或已撤销', 'the API token is invalid or revoked', 'auth.token'));
      }
      req.user = user;
      req.authVia = 'token';
    } else if (cookies[SESSION_COOKIE]) {
      const s = checkSession(deps.sessionSecret, cookies[SESSION_COOKIE], (id) => deps.users.byId(id));
      if (s.ok) {
        req.user = s.user;
        req.session = s.payload;
        req.authVia = 'session';
      } else if (s.reason !== 'expired') {
        log({ event: 'auth.refused', reason: `session ${s.reason}`, ip: req.ip, method: req.method, url: req.url.split('?')[0] });
      }
    }
    if (req.routeOptions.config?.auth === 'public') return;
    if (!req.user) {
      return refuse(req, reply, 401, 'auth.refused', 'not signed in', authError('(session)', '请先登录', 'please sign in first', 'auth.required'));
    }
    if (req.authVia === 'session' && MUTATING.has(req.method)) {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== 'null') {
        let host: string | undefined;
        try {
          host = new URL(origin).host;
        } catch {
          host = undefined;
        }
        if (host !== req.headers.host) {
          return refuse(req, reply, 403, 'csrf.refused', `cross-origin request from ${origin}`, authError('(origin)', '跨站请求被拒绝', 'cross-site request refused', 'auth.csrf'));
        }
      }
      const given = req.headers[CSRF_HEADER];
      if (!csrfValid(deps.sessionSecret, req.session!, typeof given === 'string' ? given : undefined)) {
        return refuse(req, reply, 403, 'csrf.refused', 'missing or wrong CSRF token', authError('(csrf)', '缺少或错误的防跨站令牌，请刷新页面后重试', 'missing or wrong CSRF token; reload the page and retry', 'auth.csrf'));
      }
    }
  });

  app.addHook('preHandler', async (req, reply) => {
    const user = req.user;
    if (!user || !req.url.startsWith('/api/')) return;
    if (MUTATING.has(req.method) && req.body !== undefined) {
      const route = req.routeOptions.url ?? '';
      const mismatch = bindActors(req.body, user, user.role === 'academicAffairs' || route.includes('/approvals'));
      if (mismatch) {
        return refuse(req, reply, 403, 'actor.refused', `body names ${mismatch.given}`, authError(mismatch.field,
          `操作人必须是登录用户本人（${user.id}），请求中写的是 ${mismatch.given}；只有教务部可以代他人录入（onBehalfOf）`,
          `the actor must be the signed-in user (${user.id}), the request names ${mismatch.given}; only Academic Affairs may act on someone's behalf (onBehalfOf)`,
          'auth.actor'), { field: mismatch.field });
      }
    }
    if (req.method === 'GET' && req.routeOptions.url === '/api/pilots') {
      // A filter is a value, never query syntax: anything the strict schema refuses
      // (quotes, operators, unknown stages) is refused here and logged as an attempt.
      const f = safeParseBilingual(pilotListFilterSchema, req.query);
      if (!f.ok) return refuse(req, reply, 400, 'filter.refused', `invalid list filter ${JSON.stringify(req.query)}`, f.errors[0]!, { query: req.query });
    }
    const denied = await checkScope(req, user, scope);
    if (denied) {
      return refuse(req, reply, 403, 'scope.refused', denied, authError('(college)',
        `无权访问：您只能查看和办理本学院（${user.college ?? '—'}）的事项`,
        `not allowed: you may see and act only on your own college's (${user.college ?? '—'}) processes`,
        'auth.scope'));
    }
  });

  // Sign-in, the current session, sign-out.
  app.post('/api/session', { config: { auth: 'public' } }, async (req, reply) => {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return refuse(req, reply, 415, 'auth.refused', 'sign-in without a JSON body', authError('(body)', '请求格式无效', 'expected a JSON body', 'auth.contentType'));
    }
    const parsed = signInSchema.safeParse(req.body);
    if (!parsed.success) return reply.status(400).send(body([authError('id', '请输入账号和密码', 'enter your user id and password', 'auth.input')]));
    const { id, password } = parsed.data;
    const key = `${req.ip}|${id.toLowerCase()}`;
    if (throttle.blocked(key)) {
      return refuse(req, reply, 429, 'auth.throttled', `too many failed sign-ins for ${id}`, authError('id', '登录失败次数过多，请 15 分钟后再试', 'too many failed sign-ins; try again in 15 minutes', 'auth.throttled'));
    }
    const user = deps.users.byId(id) ?? (id.includes('@') ? deps.users.byEmail(id) : undefined);
    const ok = user?.passwordHash ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await dummyHash()), false);
    if (!user || !ok) {
      throttle.fail(key);
      return refuse(req, reply, 401, 'auth.signInFailed', 'wrong id or password', authError('password', '账号或密码错误', 'wrong user id or password', 'auth.signIn'), { attempted: id });
    }
    throttle.succeed(key);
    const s = newSession(deps.sessionSecret, user, ttl);
    void reply.header('set-cookie', sessionCookie(s.token, ttl, secure));
    return { user: publicUser(user), csrfToken: csrfToken(deps.sessionSecret, s.payload), expiresAt: new Date(s.payload.exp * 1000).toISOString() };
  });
  app.get('/api/session', async (req) => ({
    user: publicUser(req.user!),
    via: req.authVia,
    ...(req.session ? { csrfToken: csrfToken(deps.sessionSecret, req.session), expiresAt: new Date(req.session.exp * 1000).toISOString() } : {}),
  }));
  app.delete('/api/session', async (_req, reply) => {
    void reply.header('set-cookie', sessionCookie('', 0, secure));
    return { ok: true };
  });

  // A one-click link from an e-mail, opened after sign-in: which page does it lead to?
  app.post('/api/links/verify', async (req, reply) => {
    const token = (req.body as { token?: unknown } | undefined)?.token;
    const check = typeof token === 'string' ? checkLinkToken(deps.linkSecret, token, req.user!.email) : ({ ok: false, reason: 'malformed' } as const);
    if (!check.ok) {
      const msg = {
        malformed: ['链接无效', 'the link is not valid'],
        signature: ['链接无效或被篡改', 'the link is forged or altered'],
        expired: ['链接已过期，请在系统中直接办理', 'the link has expired; open the item in the admin client instead'],
        otherUser: ['该链接是发给其他用户的', 'this link was sent to another user'],
      }[check.reason];
      return refuse(req, reply, 403, 'link.refused', check.reason, authError('token', msg[0]!, msg[1]!, `link.${check.reason}`));
    }
    return { action: check.payload.action, pilotId: check.payload.pilotId, ref: check.payload.ref, target: check.target };
  });
  selfScopedRoutes.add('/api/session');
  selfScopedRoutes.add('/api/links/verify');

  return { scope };
}
