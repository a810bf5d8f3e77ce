/**
 * The people the page lets a person choose (a pilot's lead, a delegate, whom to copy):
 * every enabled account's id, name, role and college — never an e-mail address, a password
 * hash or a token — except that Academic Affairs, who starts pilots and must name the lead, the
 * college leader and the school leader in the pilot record (Art. 4), also reads their e-mail
 * addresses. Any signed-in user may read it (choosing a delegate is everyday work); a
 * college-scoped user sees the people of their own college and those who read every college.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseOrRefuse } from '../../domain/validation';
import { isAcademicAffairs } from '../../domain/actor';
import { actions } from '../actions';
import { isCollegeScoped, type User, type UserStore } from '../auth/users';
import { describeRoute } from '../web/openapi';

const directoryQuery = z.strictObject({});

/** Whom `me` may choose: enabled accounts, of their own college when they are college-scoped. */
function choosable(users: UserStore, me: User): User[] {
  return users.all().filter((u) => !u.disabled && (!isCollegeScoped(me) || !u.college || u.college === me.college));
}

/** A person chosen by account (`userId`) without an address gets the account's e-mail and name. */
function fill(person: unknown, people: User[]): void {
  if (typeof person !== 'object' || person === null) return;
  const p = person as { userId?: unknown; email?: unknown; name?: unknown };
  if (typeof p.userId !== 'string' || p.email !== undefined) return;
  const u = people.find((x) => x.id === p.userId);
  if (!u) return;
  p.email = u.email;
  if (p.name === undefined) p.name = u.name;
}

export function registerDirectoryRoutes(app: FastifyInstance, deps: { users: UserStore }): void {
  // The page chooses a delegate or people to copy by name (it never sees an address): the
  // addresses come from the accounts here, before the action's schema parses the body.
  const byAccount = new Set<string>([actions.delegateApproval.route, actions.ccApproval.route]);
  app.addHook('preHandler', async (req) => {
    if (req.method !== 'POST' || !byAccount.has(req.routeOptions.url ?? '') || !req.user) return;
    const body = req.body as { delegate?: unknown; people?: unknown } | null;
    if (typeof body !== 'object' || body === null) return;
    const people = choosable(deps.users, req.user);
    fill(body.delegate, people);
    if (Array.isArray(body.people)) for (const p of body.people) fill(p, people);
  });

  describeRoute('GET', '/api/directory', {
    summary: '可选择的人员（姓名、角色、学院）/ the people one may choose: name, role, college',
    tag: 'session',
  });
  // Scoped by the handler itself (a college-scoped user sees their own college).
  app.get('/api/directory', { config: { query: true, scope: 'self' } }, async (req) => {
    parseOrRefuse(directoryQuery, req.query ?? {});
    const me = req.user!;
    const withEmail = isAcademicAffairs(me);
    const people = choosable(deps.users, me)
      .map((u) => ({
        id: u.id,
        name: u.name,
        role: u.role,
        ...(u.college ? { college: u.college } : {}),
        ...(withEmail ? { email: u.email } : {}),
      }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    return { people };
  });
}
