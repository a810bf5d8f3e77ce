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
import { isCollegeScoped, type UserStore } from '../auth/users';
import { describeRoute } from '../web/openapi';

const directoryQuery = z.strictObject({});

export function registerDirectoryRoutes(app: FastifyInstance, deps: { users: UserStore }): void {
  describeRoute('GET', '/api/directory', {
    summary: '可选择的人员（姓名、角色、学院）/ the people one may choose: name, role, college',
    tag: 'session',
  });
  // Scoped by the handler itself (a college-scoped user sees their own college).
  app.get('/api/directory', { config: { query: true, scope: 'self' } }, async (req) => {
    parseOrRefuse(directoryQuery, req.query ?? {});
    const me = req.user!;
    const withEmail = isAcademicAffairs(me);
    const people = deps.users
      .all()
      .filter((u) => !u.disabled)
      .filter((u) => !isCollegeScoped(me) || !u.college || u.college === me.college)
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
