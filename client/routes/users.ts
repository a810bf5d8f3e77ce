/**
 * User administration over HTTP (the `admin` role, 系统管理员): list users; add one (a first
 * password given or generated and shown once); change a user's name, e-mail, role or college
 * (a new role or college ends their sessions); disable and enable an account; sign a user out
 * everywhere; reset a password (generated, shown once); issue an API token (the secret shown
 * once, only its hash kept) and revoke one. Disabling ends the user's sessions at once (on the
 * server) and revokes their API tokens; a new password does the same; "sign out everywhere"
 * ends every session and keeps the tokens. Every action and every refusal is a line of the
 * security log with its request id. The same operations exist for scripts as
 * `npm run user:add` / `npm run user:admin` (both call client/auth/accounts.ts).
 */
import { hasRole, roleNames, type Role } from '../../domain/actor';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { inputError, OnexRefusal, type Bilingual, type RuleResult } from '../../domain/errors';
import { safeParseBilingual } from '../../domain/validation';
import {
  AccountConflict,
  createAccount,
  issueToken,
  resetPassword,
  revokeToken,
  setDisabled,
  signOutEverywhere,
  updateAccount,
} from '../auth/accounts';
import { passwordProblem } from '../auth/passwords';
import { selfScopedRoutes } from '../auth/scope';
import type { ApiStateStore } from '../auth/store';
import { isCollegeScoped, publicUser, userFields, type User, type UserStore } from '../auth/users';
import { ServiceError } from '../service-error';
import { describeRoute } from '../web/openapi';

type UserReq = FastifyRequest<{ Params: { userId: string } }>;
type TokenReq = FastifyRequest<{ Params: { userId: string; tokenId: string } }>;

/** What each field is called, so a refusal names the field in both languages. */
const fieldNames: Record<string, Bilingual> = {
  id: { zh: '账号', en: 'user id' },
  name: { zh: '姓名', en: 'name' },
  email: { zh: '邮箱', en: 'e-mail' },
  role: { zh: '角色', en: 'role' },
  college: { zh: '所属学院', en: 'college' },
  password: { zh: '初始密码', en: 'first password' },
  label: { zh: '令牌用途', en: 'token label' },
};

/** College exactly when the role is college-scoped (学院角色必须有学院，全校角色不能有). */
function checkCollege(role: Role | undefined, college: string | null | undefined, ctx: z.RefinementCtx, required: boolean): void {
  if (role === undefined) return;
  const name = roleNames[role];
  if (isCollegeScoped({ role }) && !college && required)
    ctx.addIssue({
      code: 'custom',
      path: ['college'],
      message: `college: a ${name.en} belongs to a college; choose it`,
      params: { zh: `所属学院：${name.zh}属于某个二级学院，请选择学院`, ruleId: 'user.collegeRequired' },
    });
  if (!isCollegeScoped({ role }) && college)
    ctx.addIssue({
      code: 'custom',
      path: ['college'],
      message: `college: a ${name.en} works for the whole school and has no college; leave it empty`,
      params: { zh: `所属学院：${name.zh}面向全校，不属于某个学院，请不要填写学院`, ruleId: 'user.collegeNotAllowed' },
    });
}

/** POST /api/users: a new account. */
export const newUserSchema = z
  .strictObject({
    id: userFields.id,
    name: userFields.name,
    email: userFields.email,
    role: userFields.role,
    college: userFields.college.optional(),
    /** The first password; leave it out to have one generated and shown once. */
    password: z.string().optional(),
  })
  .superRefine((u, ctx) => {
    checkCollege(u.role, u.college, ctx, true);
    const problem = u.password === undefined ? null : passwordProblem(u.password);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        path: ['password'],
        message: `first password: ${problem.en}`,
        params: { zh: `初始密码：${problem.zh}`, ruleId: 'user.passwordPolicy' },
      });
  });

/** POST /api/users/:userId: what changes (at least one field; `college: null` removes the college). */
export const userChangesSchema = z
  .strictObject({
    name: userFields.name.optional(),
    email: userFields.email.optional(),
    role: userFields.role.optional(),
    college: userFields.college.nullable().optional(),
  })
  .superRefine((c, ctx) => {
    if (Object.keys(c).length === 0)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'nothing to change: give a name, e-mail, role or college',
        params: { zh: '没有要修改的内容：请填写姓名、邮箱、角色或学院', ruleId: 'user.noChange' },
      });
  });

/** POST /api/users/:userId/tokens: what the token is for. */
export const newTokenSchema = z.strictObject({ label: z.string().trim().min(1).max(100) });

/** These actions take no fields: anything sent is refused by name. */
const noBody = z.strictObject({});

/** A refusal of a field names the field in both languages (`姓名：…` / `name: …`). */
function named(r: RuleResult): RuleResult {
  const f = fieldNames[r.field];
  if (!f || r.ruleId === 'input.unknownField' || r.message.zh.startsWith(f.zh)) return r;
  return { ...r, message: { zh: `${f.zh}：${r.message.zh}`, en: `${f.en}: ${r.message.en}` } };
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = safeParseBilingual(schema, body ?? {});
  if (!r.ok) throw new OnexRefusal(r.errors.map(named));
  return r.value;
}

function existing(users: UserStore, id: string): User {
  const u = users.all().find((x) => x.id === id);
  if (!u) throw new ServiceError(404, [inputError('userId', `没有用户 ${id}`, `no user ${id}`, 'user.notFound')]);
  return u;
}

function conflict(err: unknown): never {
  if (err instanceof AccountConflict) throw new ServiceError(409, [inputError(err.field, err.zh, err.en, `user.${err.field}Taken`)]);
  throw err;
}

/** An administrator may not lock themselves out (disable their own account, or give up their own role). */
function notSelf(req: FastifyRequest, id: string, what: Bilingual): void {
  if (req.user!.id === id)
    throw new ServiceError(422, [
      inputError(
        'userId',
        `不能${what.zh}自己的账号：请由另一位系统管理员操作`,
        `you cannot ${what.en} your own account; ask another administrator`,
        'user.self',
      ),
    ]);
}

export function registerUserRoutes(
  app: FastifyInstance,
  deps: { users: UserStore; state: ApiStateStore; securityLog: (e: Record<string, unknown> & { event: string }) => void },
): void {
  const view = (u: User) => ({
    ...publicUser(u),
    disabled: u.disabled,
    hasPassword: u.passwordHash !== undefined,
    tokens: u.tokens.map((t) => ({ id: t.id, label: t.label, createdAt: t.createdAt })),
    activeSessions: deps.state.activeSessions(u.id),
  });
  const log = (req: FastifyRequest, event: string, extra: Record<string, unknown> = {}) =>
    deps.securityLog({ event, user: req.user?.id, ip: req.ip, requestId: req.id, ...extra });

  function adminOnly(req: FastifyRequest): void {
    if (!hasRole(req.user, 'admin')) {
      log(req, 'users.refused', { reason: `${req.user?.role ?? 'nobody'} may not ${req.method} ${req.routeOptions.url}` });
      throw new ServiceError(403, [
        inputError('actor.role', '只有系统管理员可以管理用户', 'only an administrator may manage users', 'auth.adminOnly'),
      ]);
    }
  }
  /** Answers with a secret: never cached anywhere on the way. */
  const secret = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  app.get('/api/users', async (req) => {
    adminOnly(req);
    return { users: deps.users.all().map(view) };
  });

  app.post('/api/users', async (req, reply) => {
    adminOnly(req);
    const spec = parse(newUserSchema, req.body);
    // The same request again under its Idempotency-Key (the page retrying after a lost answer):
    // the account was made by the first; it is not made twice, and its password is not shown
    // again (only its hash is kept; a reset makes a new one).
    const replay = req.headers['idempotency-key'] !== undefined && req.idempotencyClaim === undefined;
    const made = replay ? deps.users.all().find((u) => u.id === spec.id) : undefined;
    if (made) return reply.send({ user: view(made), replayed: true });
    const { user, generatedPassword } = await createAccount(deps.users.path, spec).catch(conflict);
    log(req, 'user.created', { target: user.id, role: user.role, college: user.college, passwordGenerated: !!generatedPassword });
    return secret(reply)
      .status(201)
      .send({ user: view(user), ...(generatedPassword ? { password: generatedPassword } : {}) });
  });

  app.post('/api/users/:userId', async (req: UserReq) => {
    adminOnly(req);
    const changes = parse(userChangesSchema, req.body);
    const before = existing(deps.users, req.params.userId);
    const role = changes.role ?? before.role;
    if (changes.role !== undefined && changes.role !== before.role) notSelf(req, before.id, { zh: '更改', en: 'change the role of' });
    // The college the account would have, checked as on creation.
    const college =
      changes.college !== undefined ? changes.college : role !== before.role && !isCollegeScoped({ role }) ? null : before.college;
    const check = z.object({}).superRefine((_, ctx) => checkCollege(role, college, ctx, true));
    parse(check, {});
    let result: ReturnType<typeof updateAccount>;
    try {
      result = updateAccount(deps.users.path, before.id, changes);
    } catch (err) {
      conflict(err);
    }
    const ended = result.scopeChanged ? deps.state.endUserSessions(before.id) : 0;
    log(req, 'user.updated', { target: before.id, fields: Object.keys(changes), scopeChanged: result.scopeChanged, ended });
    return { user: view(result.user), endedSessions: ended };
  });

  const act = (name: string, run: (req: UserReq, id: string) => void) =>
    app.post(`/api/users/:userId/${name}`, async (req: UserReq) => {
      adminOnly(req);
      parse(noBody, req.body);
      existing(deps.users, req.params.userId);
      run(req, req.params.userId);
      const ended = deps.state.endUserSessions(req.params.userId);
      log(req, `user.${name}`, { target: req.params.userId, ended });
      return { user: view(existing(deps.users, req.params.userId)), endedSessions: ended };
    });
  act('disable', (req, id) => {
    notSelf(req, id, { zh: '停用', en: 'disable' });
    setDisabled(deps.users.path, id, true);
  });
  act('enable', (_req, id) => setDisabled(deps.users.path, id, false));
  act('sign-out-everywhere', (_req, id) => signOutEverywhere(deps.users.path, id));

  app.post('/api/users/:userId/reset-password', async (req: UserReq, reply) => {
    adminOnly(req);
    parse(noBody, req.body);
    const { id } = existing(deps.users, req.params.userId);
    const { user, password } = await resetPassword(deps.users.path, id);
    const ended = deps.state.endUserSessions(id);
    log(req, 'user.passwordReset', { target: id, ended });
    return secret(reply).send({ user: view(user), password, endedSessions: ended });
  });

  app.post('/api/users/:userId/tokens', async (req: UserReq, reply) => {
    adminOnly(req);
    const { label } = parse(newTokenSchema, req.body);
    const { id } = existing(deps.users, req.params.userId);
    const { user, token, record } = issueToken(deps.users.path, id, label);
    log(req, 'user.tokenIssued', { target: id, tokenId: record.id, label });
    return secret(reply)
      .status(201)
      .send({ user: view(user), token: { id: record.id, label: record.label, createdAt: record.createdAt }, secret: token });
  });

  app.post('/api/users/:userId/tokens/:tokenId/revoke', async (req: TokenReq) => {
    adminOnly(req);
    parse(noBody, req.body);
    const { id } = existing(deps.users, req.params.userId);
    if (!revokeToken(deps.users.path, id, req.params.tokenId))
      throw new ServiceError(404, [
        inputError('tokenId', `${id} 没有令牌 ${req.params.tokenId}`, `${id} has no token ${req.params.tokenId}`, 'user.tokenNotFound'),
      ]);
    log(req, 'user.tokenRevoked', { target: id, tokenId: req.params.tokenId });
    return { user: view(existing(deps.users, id)) };
  });

  for (const r of [
    '/api/users',
    '/api/users/:userId',
    '/api/users/:userId/disable',
    '/api/users/:userId/enable',
    '/api/users/:userId/sign-out-everywhere',
    '/api/users/:userId/reset-password',
    '/api/users/:userId/tokens',
    '/api/users/:userId/tokens/:tokenId/revoke',
  ])
    selfScopedRoutes.add(r);
  describeRoute('GET', '/api/users', { summary: '用户列表（系统管理员）/ users (administrator)', tag: 'users' });
  describeRoute('POST', '/api/users', {
    summary:
      '添加用户：不填密码则生成初始密码，仅在本次回复中显示 / add a user: without a password one is generated and shown in this answer only',
    description:
      '学院角色（二级学院工作人员、二级学院负责人、试点负责人）必须选择学院，全校角色不能选择学院；账号或邮箱已存在时返回 409 / college-scoped roles need a college, school-wide roles take none; an existing id or e-mail answers 409',
    body: newUserSchema,
    tag: 'users',
  });
  describeRoute('POST', '/api/users/:userId', {
    summary:
      '修改姓名、邮箱、角色或学院；角色或学院变更时该用户的会话结束 / change name, e-mail, role or college; a new role or college ends the user’s sessions',
    body: userChangesSchema,
    tag: 'users',
  });
  describeRoute('POST', '/api/users/:userId/disable', {
    summary: '停用账号：会话立即结束，API 令牌撤销 / disable: sessions end at once, API tokens revoked',
    body: noBody,
    tag: 'users',
  });
  describeRoute('POST', '/api/users/:userId/enable', {
    summary: '启用账号（旧会话与令牌不会恢复）/ enable (old sessions and tokens stay ended)',
    body: noBody,
    tag: 'users',
  });
  describeRoute('POST', '/api/users/:userId/sign-out-everywhere', {
    summary: '让该用户在所有设备上退出 / sign the user out everywhere',
    body: noBody,
    tag: 'users',
  });
  describeRoute('POST', '/api/users/:userId/reset-password', {
    summary:
      '重置密码：生成新密码，仅显示一次；会话结束，API 令牌撤销 / reset the password: a new one generated and shown once; sessions end, API tokens revoked',
    body: noBody,
    tag: 'users',
  });
  describeRoute('POST', '/api/users/:userId/tokens', {
    summary: '生成 API 令牌：令牌仅显示一次，只保存其哈希 / issue an API token: shown once, only its hash is kept',
    body: newTokenSchema,
    tag: 'users',
  });
  describeRoute('POST', '/api/users/:userId/tokens/:tokenId/revoke', {
    summary: '撤销一个 API 令牌 / revoke one API token',
    body: noBody,
    tag: 'users',
  });
}
