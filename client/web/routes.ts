/**
 * The admin web page and the routes only it needs: the page itself (the Vue application in
 * web/, built by Vite into dist/web/: one HTML shell for every client path, its hashed
 * files under /assets/), 我的待办 (/api/inbox), the supervisors' dashboard (/api/dashboard),
 * and /openapi.json (the exports are client/web/export-routes.ts).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { inputError } from '../../domain/errors';
import { pilotWorkflowId } from '../../domain/pilot';
import { parseOrRefuse } from '../../domain/validation';
import { pilotStateQuery } from '../../workflows/messages';
import type { PilotState } from '../../workflows/pilot-state';
import { pageRoutes } from '../actions';
import { isCollegeScoped, publicUser } from '../auth/users';
import type { ActionHandlers } from '../routes/action-types';
import { PilotService, ServiceError } from '../service';
import { dashboardFilterSchema } from '../visibility';
import { withWorkflowDeadline } from '../workflow-deadline';
import type { ApprovalEntry } from './approval-inbox';
import { inboxTabsFor, pinnedCalendar } from './inbox';
import { describeRoute } from './openapi';
import { serverPaths } from '../../web/src/page-paths';
import { deploymentCatalogue, mergeCatalogue, type Catalogue } from '../programme-catalogue';
import { dashboardView } from './dashboard';

const pageDir = fileURLToPath(new URL('../../dist/web/', import.meta.url));

export interface WebDeps {
  client: Client;
  taskQueue: string;
}

/** The page's HTML with each action's method and route as data (a JSON block the page reads; CSP allows no inline script). */
export function pageHtml(html: string): string {
  const data = JSON.stringify(pageRoutes()).replace(/</g, '\\u003c');
  return html.replace('</head>', `<script type="application/json" id="onex-routes">${data}</script>\n</head>`);
}

/** The built page's shell (dist/web/index.html, written by `npm run build:web`), read once. */
let shell: string | undefined;
function pageShell(): string | undefined {
  if (shell === undefined && existsSync(join(pageDir, 'index.html'))) shell = pageHtml(readFileSync(join(pageDir, 'index.html'), 'utf8'));
  return shell;
}

export function registerWebRoutes(app: FastifyInstance, openapi: { document(): unknown }): void {
  const page = async (_req: FastifyRequest, reply: FastifyReply) => {
    const html = pageShell();
    if (!html) {
      return reply
        .code(503)
        .header('content-type', 'text/plain; charset=utf-8')
        .send(
          '管理页面尚未构建：请运行 npm run build:web（npm start 与 npm test 会自动构建）\nthe admin page is not built yet: run npm run build:web (npm start and npm test build it)\n',
        );
    }
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
      )
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(html);
  };
  // The page's shell and its built files are public (they hold no data); everything they load is not.
  // Its paths are the router's own list (web/src/page-paths.ts); `/l/*`: a signed link's token
  // is longer than a path parameter may be.
  const open = { config: { auth: 'public' as const, query: true } };
  for (const path of serverPaths()) app.get(path, open, page);
  // The built files (content-hashed names, so cached for good) through @fastify/static, made
  // public by marking every route it adds.
  void app.register(async (scope) => {
    scope.addHook('onRoute', (r) => {
      r.config = { ...(r.config as object | undefined), auth: 'public' };
    });
    await scope.register(fastifyStatic, {
      root: join(pageDir, 'assets'),
      prefix: '/assets/',
      index: false,
      immutable: true,
      maxAge: '365d',
      decorateReply: false,
      allowedPath: (path) => !path.includes('..'),
    });
  });
  app.get('/openapi.json', { config: { auth: 'public' } }, async () => openapi.document());

  describeRoute('POST', '/api/session', {
    summary: '登录 / sign in',
    body: z.object({ id: z.string(), password: z.string() }),
    tag: 'session',
  });
  describeRoute('GET', '/api/session', { summary: '当前用户与防跨站令牌 / the signed-in user and CSRF token', tag: 'session' });
  describeRoute('DELETE', '/api/session', {
    summary: '退出：会话在服务器端结束 / sign out: the session ends on the server',
    tag: 'session',
  });
  describeRoute('POST', '/api/session/everywhere', { summary: '在所有设备上退出 / sign out everywhere', tag: 'session' });
  describeRoute('POST', '/api/links/verify', {
    summary: '验证邮件中的一键链接 / verify a signed link from an e-mail',
    body: z.object({ token: z.string() }),
    tag: 'session',
  });
}

/** The web page's reads: 我的待办 and the supervisors' dashboard (routes in client/actions.ts). */
export function webHandlers(deps: WebDeps): ActionHandlers {
  const pilots = new PilotService(deps.client, deps.taskQueue);
  // Read (and checked) at start: a bad catalogue file stops the API with the field named.
  deploymentCatalogue();
  // A pilot that cannot answer (no worker, server unreachable) fails the whole request with a
  // 503 (client/workflow-deadline.ts): an inbox that silently left it out would tell a lead
  // that nothing is waiting. Only a pilot that no longer exists is left out.
  const stateOf = async (pilotId: string): Promise<PilotState | undefined> => {
    try {
      return await withWorkflowDeadline(deps.client, () => deps.client.workflow.getHandle(pilotWorkflowId(pilotId)).query(pilotStateQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  };
  return {
    // 我的待办: what waits on the signed-in user, from the running pilots in their scope.
    inbox: async ({ req }) => {
      const user = req.user!;
      const scoped = isCollegeScoped(user) ? { college: user.college } : {};
      // The pilots this API's task queue runs (one queue per deployment): a process left on a
      // queue no worker polls any more cannot answer, and would turn every inbox into a 503.
      const rows = (await pilots.listPilotRows(scoped, 300, { ownTaskQueue: true })).filter((r) => r.status === 'RUNNING');
      // The escalation flag from the search attribute as well as the state: the list is what supervisors see.
      const states = (
        await Promise.all(
          rows.map(async (r) => {
            const s = await stateOf(r.pilotId);
            return s && r.escalated && !s.escalated ? { ...s, escalated: true } : s;
          }),
        )
      ).filter((s): s is PilotState => s !== undefined);
      // Each approval in progress answers where it waits (its step, delegations, CC, a return);
      // a concluded one is read from the pilot's record of it.
      const approvals: ApprovalEntry[] = await Promise.all(
        states.flatMap((s) =>
          s.approvals.map(async (record) => {
            if (record.status !== 'pending' && record.status !== 'starting') return { pilot: s, record };
            const state = await pilots.approvalState(s.pilot.id, record.workflowId);
            return state ? { pilot: s, record, state } : { pilot: s, record };
          }),
        ),
      );
      const me = publicUser(user);
      const { tabs, counts } = inboxTabsFor(me, states, approvals, Date.now(), pinnedCalendar);
      return { user: me, items: tabs.todo, tabs, counts };
    },
    // The supervisors' dashboard: pilots filtered through search attributes (this deployment's
    // task queue), each pilot's state read for its name, college name and reasons; counts per
    // college and stage; weekly reports per week and pass rates per year for the charts. Bounded
    // by the filter's limit; a pilot that cannot answer makes it a 503, not a shorter list.
    dashboard: async ({ req, input }) => {
      const user = req.user!;
      const { limit, ...filter } = parseOrRefuse(dashboardFilterSchema, input);
      if (isCollegeScoped(user)) {
        if (filter.college !== undefined && filter.college !== user.college) {
          throw new ServiceError(403, [
            inputError('college', '您只能查看本学院的试点', "you may see only your own college's pilots", 'auth.scope'),
          ]);
        }
        filter.college = user.college;
      }
      const rows = await pilots.listPilotRows(filter, limit, { ownTaskQueue: true });
      const states = await Promise.all(rows.map((r) => stateOf(r.pilotId)));
      return { filter, ...dashboardView(rows, states, deploymentCatalogue()) };
    },
    // The catalogue the page chooses from, with what this deployment's pilots carry merged in.
    catalogue: async ({ req }) => {
      const user = req.user!;
      const rows = await pilots.listPilotRows(isCollegeScoped(user) ? { college: user.college } : {}, 300, { ownTaskQueue: true });
      const states = (await Promise.all(rows.map((r) => stateOf(r.pilotId)))).filter((s): s is PilotState => s !== undefined);
      const merged: Catalogue = mergeCatalogue(
        deploymentCatalogue(),
        states.map((s) => s.current),
      );
      return isCollegeScoped(user) ? { ...merged, colleges: merged.colleges.filter((c) => c.id === user.college) } : merged;
    },
  };
}
