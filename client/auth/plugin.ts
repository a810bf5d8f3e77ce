/**
 * Authentication for the admin API, as fastify hooks, so the subject routes need no change.
 * Every decision uses the route fastify matched (`req.routeOptions`), never the raw URL, so
 * no spelling of a path (percent-encoded, double slashes, dots, case, `;`, a trailing slash)
 * reaches a route without passing the same checks.
 *
 * 1. `onRequest`: deny by default. Every matched route needs a user unless it declares
 *    `config: { auth: 'public' }` — a session cookie (the web page) whose session is still
 *    alive on the server (./store.ts), or `Authorization: Bearer onex_…` (the CLI). A change
 *    made with a cookie must also carry the CSRF token in `x-csrf-token`, and a browser's
 *    Origin, when sent, must be this server. A request that matches no route gets 401 without
 *    a user, the 404 with one.
 * 2. `preValidation`: input integrity before anything reads the input: nesting depth, every
 *    path parameter checked as an id with one schema, no query fields on a route that takes
 *    none (`config: { query: true }` marks those that do; their own strict schema checks them).
 * 3. `preHandler`: the actor comes from the user. Every actor in the body (`actor`,
 *    `recordedBy`, `inspector`, … or any object with a role) must be the user; it is then
 *    replaced by the user's own actor (college filled in), so routes receive exactly the
 *    user. Only Academic Affairs may act `onBehalfOf` someone (and delegates, on approval
 *    routes, where the route checks for a live delegation). An `Idempotency-Key` is bound to
 *    the user, route and body (the same key reused otherwise is refused, 409) and handed to
 *    the route as a key of its own for that binding. Then college scoping (./scope.ts).
 *
 * Every refusal is logged as one structured line (`{"msg":"security",…}`).
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorSchema, isAcademicAffairs, readOnlyRoles, roleNames, roles } from '../../domain/actor';
import { actions, type ScopeName } from '../actions';
import { formatRuleResult, inputError, type RuleResult } from '../../domain/errors';
import { MAX_INPUT_DEPTH, nestedDeeperThan, parseOrRefuse, safeParseBilingual } from '../../domain/validation';
import { idSchema } from '../../domain/pilot';
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import { pilotListFilterSchema } from '../visibility';
import { checkLinkToken } from '../../worker/links';
import { dummyHash, verifyPassword } from './passwords';
import { checkScope, scopeContext, selfScopedRoutes, type ScopeContext } from './scope';
import { signOutEverywhere } from './accounts';
import { defaultThrottlePolicy, type ApiStateStore, type ThrottlePolicy } from './store';
import {
  CSRF_HEADER,
  SESSION_COOKIE,
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
  /** Sessions, sign-in attempts and idempotency keys, kept server-side (./store.ts). */
  state: ApiStateStore;
  /** The sign-in throttle; defaults in ./store.ts. */
  throttle?: ThrottlePolicy;
  /** Sign-ins per minute from one address (a coarse flood guard before the throttle); default 60. */
  signInsPerMinute?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
    session?: SessionPayload;
    /** The Idempotency-Key this request claimed first (released again if it is refused). */
    idempotencyClaim?: string;
    authVia?: 'session' | 'token';
  }
  interface FastifyContextConfig {
    /** `public`: no sign-in needed (the sign-in itself, the page's static files, health). */
    auth?: 'public';
    /** The route reads query fields (with its own strict schema); others take none. */
    query?: boolean;
    /** `actor`: a delegate may name a principal in the request's own actor (approval steps; the route checks the delegation). */
    onBehalfOf?: 'actor';
    /** `false`: the route takes no Idempotency-Key (reads; an action of the table that opts out). Unset: any change (POST …) takes one. */
    idempotency?: boolean;
    /** Who of a college-scoped role may reach the route (./scope.ts); from the action table. */
    scope?: ScopeName;
  }
}

export function defaultSecurityLog(e: SecurityEvent): void {
  process.stderr.write(`${JSON.stringify({ level: 'warn', time: new Date().toISOString(), msg: 'security', ...e })}\n`);
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** What a read-only role may still send: signing itself out, and opening a signed link. */
const OWN_SESSION_ROUTES = new Set(['/api/session', '/api/session/everywhere', '/api/links/verify']);
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
    if (isObj && (ACTOR_KEYS.has(k) || (roles as readonly unknown[]).includes((v as { role?: unknown }).role)))
      out.push({ path: p, value: v as Record<string, unknown> });
    else findActors(v, p, depth + 1, out);
  }
  return out;
}

/**
 * Checks and rewrites the body's actors in place; returns the first mismatch.
 * `allowOnBehalfOf`: 'any' (Academic Affairs records for anyone), 'actor' (only the top-level
 * `actor`, whose delegation the approval route checks), or false.
 */
export function bindActors(
  payload: unknown,
  user: User,
  allowOnBehalfOf: 'any' | 'actor' | boolean,
): { field: string; given: string } | null {
  // A malformed actor is left to the route's schema, which refuses it naming the field (400).
  const found = findActors(payload).filter((f) => actorSchema.safeParse(f.value).success);
  for (const { path, value } of found) {
    const sameId = value.id === user.id;
    const sameRole = value.role === user.role;
    const sameCollege = value.college === undefined || value.college === user.college;
    if (!sameId || !sameRole || !sameCollege)
      return { field: path, given: `${String(value.id)}:${String(value.role)}${value.college ? `:${String(value.college)}` : ''}` };
    const mayName = allowOnBehalfOf === true || allowOnBehalfOf === 'any' || (allowOnBehalfOf === 'actor' && path === 'actor');
    if (value.onBehalfOf !== undefined && !mayName) return { field: `${path}.onBehalfOf`, given: String(value.onBehalfOf) };
  }
  for (const { value } of found) {
    const onBehalfOf = value.onBehalfOf;
    for (const k of Object.keys(value)) delete value[k];
    Object.assign(value, actorOf(user), onBehalfOf !== undefined ? { onBehalfOf } : {});
  }
  return null;
}

const signInSchema = z.object({ id: z.string().trim().min(1).max(254), password: z.string().min(1).max(1024) });
const linkBodySchema = z.object({ token: z.string().min(1).max(4096) });

/** An Idempotency-Key as clients may send it. */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** JSON with object keys sorted, so the same body written in another key order is the same body. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** Where an Idempotency-Key applies: the method, the matched route and its path parameters. */
export function idempotencyScope(method: string, route: string, params: unknown): string {
  return `${method} ${route} ${JSON.stringify(params ?? {})}`;
}

/** The key a route receives (and Temporal sees as the Update id) for a user's Idempotency-Key in a scope. */
export function boundIdempotencyKey(userId: string, scope: string, key: string): string {
  return `k-${sha256(`${userId}\n${scope}\n${key}`).slice(0, 48)}`;
}

export function registerAuth(app: FastifyInstance, deps: AuthDeps & { client: Client }): { scope: ScopeContext } {
  const log = deps.securityLog ?? defaultSecurityLog;
  const ttl = deps.sessionTtlSeconds ?? 8 * 3600;
  const secure = deps.secureCookies ?? false;
  const policy = deps.throttle ?? defaultThrottlePolicy;
  const scope = scopeContext(deps.client);

  const refuse = (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    event: string,
    reason: string,
    result: RuleResult,
    extra: Record<string, unknown> = {},
  ) => {
    log({
      event,
      reason,
      user: req.user?.id,
      ip: req.ip,
      method: req.method,
      url: req.url.split('?')[0],
      route: req.routeOptions.url,
      requestId: req.id,
      ...extra,
    });
    return reply.status(status).send(body([result]));
  };

  app.addHook('onRequest', async (req, reply) => {
    // The matched route decides, never the raw URL. Only a route declared public skips
    // sign-in; a path that matches no route is not public either (401 before the 404).
    if (req.routeOptions.url !== undefined && req.routeOptions.config?.auth === 'public') return;
    const cookies = parseCookies(req.headers.cookie);
    const authz = req.headers.authorization;
    if (authz !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      const user = m ? deps.users.byToken(m[1]!) : undefined;
      if (!user) {
        return refuse(
          req,
          reply,
          401,
          'auth.refused',
          'bad bearer token',
          authError('(authorization)', 'API 令牌无效或已撤销', 'the API token is invalid or revoked', 'auth.token'),
        );
      }
      req.user = user;
      req.authVia = 'token';
    } else if (cookies[SESSION_COOKIE]) {
      const s = checkSession(deps.sessionSecret, cookies[SESSION_COOKIE], (id) => deps.users.byId(id));
      if (s.ok && deps.state.sessionAlive(s.payload.sid, s.user.id, s.user.sessionsValidFrom ? Date.parse(s.user.sessionsValidFrom) : 0)) {
        req.user = s.user;
        req.session = s.payload;
        req.authVia = 'session';
      } else if (!s.ok && s.reason === 'expired') {
        // an expired session is the ordinary end of a day's work, not an attack
      } else {
        log({
          event: 'auth.refused',
          reason: `session ${s.ok ? 'ended' : s.reason}`,
          ip: req.ip,
          method: req.method,
          url: req.url.split('?')[0],
          requestId: req.id,
        });
      }
    }
    if (!req.user) {
      return refuse(
        req,
        reply,
        401,
        'auth.refused',
        'not signed in',
        authError('(session)', '请先登录', 'please sign in first', 'auth.required'),
      );
    }
    if (req.routeOptions.url === undefined) return; // signed in: the 404 handler answers
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
          return refuse(
            req,
            reply,
            403,
            'csrf.refused',
            `cross-origin request from ${origin}`,
            authError('(origin)', '跨站请求被拒绝', 'cross-site request refused', 'auth.csrf'),
          );
        }
      }
      const given = req.headers[CSRF_HEADER];
      if (!csrfValid(deps.sessionSecret, req.session!, typeof given === 'string' ? given : undefined)) {
        return refuse(
          req,
          reply,
          403,
          'csrf.refused',
          'missing or wrong CSRF token',
          authError(
            '(csrf)',
            '缺少或错误的防跨站令牌，请刷新页面后重试',
            'missing or wrong CSRF token; reload the page and retry',
            'auth.csrf',
          ),
        );
      }
    }
  });

  // Input integrity, before any route or hook reads the input.
  app.addHook('preValidation', async (req, reply) => {
    if (req.routeOptions.url === undefined) return;
    if (nestedDeeperThan(req.body)) {
      return refuse(
        req,
        reply,
        400,
        'input.refused',
        'body nested too deep',
        authError(
          '(body)',
          `请求内容嵌套超过 ${MAX_INPUT_DEPTH} 层`,
          `the body is nested more than ${MAX_INPUT_DEPTH} levels deep`,
          'input.tooDeep',
        ),
      );
    }
    for (const [name, value] of Object.entries((req.params ?? {}) as Record<string, string>)) {
      if (name === '*') continue; // the page's `/l/*` (a signed link's token), checked by its signature
      const r = safeParseBilingual(idSchema, value, name);
      if (!r.ok || r.value !== value) {
        const result = r.ok
          ? authError(name, '编号前后不能有空格', 'an id must not start or end with spaces', 'input.invalid')
          : r.errors[0]!;
        return refuse(req, reply, 400, 'input.refused', `bad path parameter ${name}`, result, { field: name });
      }
    }
    const query = (req.query ?? {}) as Record<string, unknown>;
    if (req.routeOptions.config?.query !== true) {
      const unknown = Object.keys(query);
      if (unknown.length > 0) {
        const k = unknown[0]!;
        return refuse(
          req,
          reply,
          400,
          'input.refused',
          `query field on a route without one: ${k}`,
          authError(k, `该接口不接受查询参数“${k}”`, `this endpoint takes no query parameter “${k}”`, 'input.unknownField'),
          { field: k },
        );
      }
    }
  });

  // A refused request (4xx) changed nothing: it does not keep its Idempotency-Key (as with
  // Stripe's keys, only a request that ran is remembered), so a corrected retry may reuse it.
  app.addHook('onResponse', async (req, reply) => {
    if (req.idempotencyClaim !== undefined && reply.statusCode >= 400 && reply.statusCode < 500)
      deps.state.releaseIdempotencyKey(req.idempotencyClaim);
  });

  app.addHook('preHandler', async (req, reply) => {
    const user = req.user;
    if (!user || req.routeOptions.url === undefined || req.routeOptions.config?.auth === 'public') return;
    const route = req.routeOptions.url;
    if (readOnlyRoles.includes(user.role) && MUTATING.has(req.method) && !OWN_SESSION_ROUTES.has(route)) {
      return refuse(
        req,
        reply,
        403,
        'readonly.refused',
        `${user.role} may not ${req.method} ${route}`,
        authError(
          '(role)',
          `${roleNames[user.role].zh}为只读角色：可以查看所有事项，不能办理或修改任何事项`,
          `${roleNames[user.role].en} is a read-only role: it sees every process and can act on none`,
          'auth.readOnly',
        ),
      );
    }
    if (MUTATING.has(req.method) && req.body !== undefined) {
      const mismatch = bindActors(
        req.body,
        user,
        isAcademicAffairs(user) ? 'any' : req.routeOptions.config?.onBehalfOf === 'actor' ? 'actor' : false,
      );
      if (mismatch) {
        return refuse(
          req,
          reply,
          403,
          'actor.refused',
          `body names ${mismatch.given}`,
          authError(
            mismatch.field,
            `操作人必须是登录用户本人（${user.id}），请求中写的是 ${mismatch.given}；只有教务部可以代他人录入（onBehalfOf）`,
            `the actor must be the signed-in user (${user.id}), the request names ${mismatch.given}; only Academic Affairs may act on someone's behalf (onBehalfOf)`,
            'auth.actor',
          ),
          { field: mismatch.field },
        );
      }
    }
    const key = req.headers['idempotency-key'];
    if (key !== undefined) {
      if (
        typeof key !== 'string' ||
        !IDEMPOTENCY_KEY.test(key) ||
        !MUTATING.has(req.method) ||
        req.routeOptions.config?.idempotency === false
      ) {
        return refuse(
          req,
          reply,
          400,
          'input.refused',
          'bad Idempotency-Key',
          authError(
            'Idempotency-Key',
            '幂等键须为 1–128 位字母、数字或 . _ : -，且只用于提交类请求',
            'an Idempotency-Key is 1–128 letters, digits or . _ : - and goes only with a change (POST)',
            'input.idempotencyKey',
          ),
        );
      }
      // Bound to who, which route (with its path) and which body. Routes see a key of their
      // own for that binding, so the same key from someone else can never meet this one.
      const where = idempotencyScope(req.method, route, req.params);
      const claim = deps.state.claimIdempotencyKey(user.id, key, where, canonicalJson(req.body ?? null));
      if (claim === 'new') req.idempotencyClaim = key;
      if (claim === 'conflict') {
        return refuse(
          req,
          reply,
          409,
          'idempotency.refused',
          'Idempotency-Key reused for another request',
          authError(
            'Idempotency-Key',
            `幂等键“${key}”已用于另一个请求（其他用户、其他接口或不同内容），本次操作未执行；请换一个新的键`,
            `the Idempotency-Key “${key}” was already used for another request (another user, endpoint or body); nothing was done — use a new key`,
            'input.idempotencyKeyReused',
          ),
        );
      }
      req.headers['idempotency-key'] = boundIdempotencyKey(user.id, where, key);
    }
    if (req.method === 'GET' && route === actions.listPilots.route) {
      // A filter is a value, never query syntax: anything the strict schema refuses
      // (quotes, operators, unknown stages) is refused here and logged as an attempt.
      const f = safeParseBilingual(pilotListFilterSchema, req.query);
      if (!f.ok)
        return refuse(req, reply, 400, 'filter.refused', `invalid list filter ${JSON.stringify(req.query)}`, f.errors[0]!, {
          query: req.query,
        });
    }
    const denied = await checkScope(req, user, scope);
    if (denied) {
      return refuse(
        req,
        reply,
        403,
        'scope.refused',
        denied,
        authError(
          '(college)',
          `无权访问：您只能查看和办理本学院（${user.college ?? '—'}）的事项`,
          `not allowed: you may see and act only on your own college's (${user.college ?? '—'}) processes`,
          'auth.scope',
        ),
      );
    }
  });

  // Sign-in, the current session, sign-out. A coarse per-address flood guard
  // (@fastify/rate-limit) stands before the throttle, which counts each attempt before the
  // (slow) password check, per account (every alias) and per address (./store.ts).
  void app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (req, ctx) => {
      log({
        event: 'auth.throttled',
        reason: 'sign-in flood from one address',
        ip: req.ip,
        method: req.method,
        url: req.url.split('?')[0],
        requestId: req.id,
      });
      return {
        statusCode: 429,
        ...body([
          authError(
            'id',
            `登录请求过于频繁，请 ${Math.ceil(ctx.ttl / 1000)} 秒后再试`,
            `too many sign-in requests; try again in ${Math.ceil(ctx.ttl / 1000)} seconds`,
            'auth.throttled',
          ),
        ]),
      };
    },
  });
  // In a plugin of its own, registered after the rate limiter, so that its onRoute hook sees the route.
  void app.register(async (scoped) =>
    scoped.post(
      '/api/session',
      { config: { auth: 'public', rateLimit: { max: deps.signInsPerMinute ?? 60, timeWindow: 60_000 } } },
      async (req, reply) => {
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
          return refuse(
            req,
            reply,
            415,
            'auth.refused',
            'sign-in without a JSON body',
            authError('(body)', '请求格式无效', 'expected a JSON body', 'auth.contentType'),
          );
        }
        const parsed = safeParseBilingual(signInSchema, req.body);
        if (!parsed.ok) {
          const unknown = parsed.errors.find((e) => e.ruleId === 'input.unknownField');
          return reply
            .status(400)
            .send(body([unknown ?? authError('id', '请输入账号和密码', 'enter your user id and password', 'auth.input')]));
        }
        const { id, password } = parsed.value;
        const user = deps.users.byId(id) ?? (id.includes('@') ? deps.users.byEmail(id) : undefined);
        // One account, whichever alias (id or e-mail) names it; an unknown name is its own account.
        const account = user ? `user:${user.id}` : `unknown:${id.toLowerCase()}`;
        const attempt = deps.state.signInAttempt(account, req.ip, policy);
        if (!attempt.ok) {
          void reply.header('retry-after', String(attempt.retryAfterSeconds));
          return refuse(
            req,
            reply,
            429,
            'auth.throttled',
            `too many failed sign-ins (${attempt.reason})`,
            authError(
              'id',
              `登录失败次数过多，请 ${attempt.retryAfterSeconds} 秒后再试`,
              `too many failed sign-ins; try again in ${attempt.retryAfterSeconds} seconds`,
              'auth.throttled',
            ),
            { attempted: id, by: attempt.reason },
          );
        }
        const ok = user?.passwordHash
          ? await verifyPassword(password, user.passwordHash)
          : (await verifyPassword(password, await dummyHash()), false);
        if (!user || !ok) {
          return refuse(
            req,
            reply,
            401,
            'auth.signInFailed',
            'wrong id or password',
            authError('password', '账号或密码错误', 'wrong user id or password', 'auth.signIn'),
            { attempted: id },
          );
        }
        deps.state.signInSucceeded(attempt.attemptId, account);
        const s = newSession(deps.sessionSecret, user, ttl);
        deps.state.createSession(s.payload.sid, user.id, s.payload.exp * 1000, req.ip);
        void reply.header('set-cookie', sessionCookie(s.token, ttl, secure));
        return {
          user: publicUser(user),
          csrfToken: csrfToken(deps.sessionSecret, s.payload),
          expiresAt: new Date(s.payload.exp * 1000).toISOString(),
        };
      },
    ),
  );
  app.get('/api/session', async (req) => ({
    user: publicUser(req.user!),
    via: req.authVia,
    ...(req.session
      ? { csrfToken: csrfToken(deps.sessionSecret, req.session), expiresAt: new Date(req.session.exp * 1000).toISOString() }
      : {}),
  }));
  // Sign-out ends the session on the server: the cookie, copied or not, no longer works.
  app.delete('/api/session', async (req, reply) => {
    if (req.session) deps.state.endSession(req.session.sid);
    log({ event: 'auth.signedOut', user: req.user?.id, ip: req.ip, requestId: req.id });
    void reply.header('set-cookie', sessionCookie('', 0, secure));
    return { ok: true };
  });
  // Sign out everywhere: every session of this user, on every device, ends.
  app.post('/api/session/everywhere', async (req, reply) => {
    parseOrRefuse(z.object({}), req.body ?? {});
    const user = req.user!;
    signOutEverywhere(deps.users.path, user.id);
    const ended = deps.state.endUserSessions(user.id);
    log({ event: 'auth.signedOutEverywhere', user: user.id, ip: req.ip, requestId: req.id, ended });
    void reply.header('set-cookie', sessionCookie('', 0, secure));
    return { ok: true, ended };
  });
  selfScopedRoutes.add('/api/session/everywhere');

  // A one-click link from an e-mail, opened after sign-in: which page does it lead to?
  app.post('/api/links/verify', async (req, reply) => {
    const { token } = parseOrRefuse(linkBodySchema, req.body);
    const check = checkLinkToken(deps.linkSecret, token, req.user!.email);
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
