/**
 * User administration over HTTP (the `admin` role): list users, disable and enable an
 * account, and sign a user out everywhere. Disabling ends the user's sessions at once (on
 * the server) and revokes their API tokens; "sign out everywhere" ends every session and
 * keeps the tokens. The same operations exist for scripts as `npm run user:admin`.
 */
import { hasRole } from '../../domain/actor';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { inputError } from '../../domain/errors';
import { parseOrRefuse } from '../../domain/validation';
import { setDisabled, signOutEverywhere } from '../auth/accounts';
import { selfScopedRoutes } from '../auth/scope';
import type { ApiStateStore } from '../auth/store';
import { publicUser, type UserStore } from '../auth/users';
import { ServiceError } from '../service-error';
import { describeRoute } from '../web/openapi';

type UserReq = FastifyRequest<{ Params: { userId: string } }>;

/** These actions take no fields: anything sent is refused by name. */
const noBody = z.object({});

function adminOnly(req: FastifyRequest): void {
  if (!hasRole(req.user, 'admin')) {
    throw new ServiceError(403, [
      inputError('actor.role', '只有系统管理员可以管理用户', 'only an administrator may manage users', 'auth.adminOnly'),
    ]);
  }
}

function existing(users: UserStore, id: string) {
  const u = users.all().find((x) => x.id === id);
  if (!u) throw new ServiceError(404, [inputError('userId', `没有用户 ${id}`, `no user ${id}`, 'user.notFound')]);
  return u;
}

export function registerUserRoutes(
  app: FastifyInstance,
  deps: { users: UserStore; state: ApiStateStore; securityLog: (e: Record<string, unknown> & { event: string }) => void },
): void {
  const view = (u: ReturnType<UserStore['all']>[number]) => ({
    ...publicUser(u),
    disabled: u.disabled,
    tokens: u.tokens.map((t) => ({ id: t.id, label: t.label, createdAt: t.createdAt })),
    activeSessions: deps.state.activeSessions(u.id),
  });

  app.get('/api/users', async (req) => {
    adminOnly(req);
    return { users: deps.users.all().map(view) };
  });
  const act = (name: string, run: (id: string) => void) =>
    app.post(`/api/users/:userId/${name}`, async (req: UserReq, reply: FastifyReply) => {
      adminOnly(req);
      parseOrRefuse(noBody, req.body ?? {});
      existing(deps.users, req.params.userId);
      run(req.params.userId);
      const ended = deps.state.endUserSessions(req.params.userId);
      deps.securityLog({ event: `user.${name}`, user: req.user!.id, target: req.params.userId, ended, requestId: req.id });
      return reply.send({ user: view(existing(deps.users, req.params.userId)), endedSessions: ended });
    });
  act('disable', (id) => setDisabled(deps.users.path, id, true));
  act('enable', (id) => setDisabled(deps.users.path, id, false));
  act('sign-out-everywhere', (id) => signOutEverywhere(deps.users.path, id));

  for (const r of ['/api/users', '/api/users/:userId/disable', '/api/users/:userId/enable', '/api/users/:userId/sign-out-everywhere'])
    selfScopedRoutes.add(r);
  describeRoute('GET', '/api/users', { summary: '用户列表（系统管理员）/ users (administrator)', tag: 'users' });
  describeRoute('POST', '/api/users/:userId/disable', {
    summary: '停用账号：会话立即结束，API 令牌撤销 / disable: sessions end at once, API tokens revoked',
    tag: 'users',
  });
  describeRoute('POST', '/api/users/:userId/enable', {
    summary: '启用账号（旧会话与令牌不会恢复）/ enable (old sessions and tokens stay ended)',
    tag: 'users',
  });
  describeRoute('POST', '/api/users/:userId/sign-out-everywhere', {
    summary: '让该用户在所有设备上退出 / sign the user out everywhere',
    tag: 'users',
  });
}
