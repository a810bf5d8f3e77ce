/**
 * The admin web page and the routes only it needs: the page itself (one HTML shell for
 * every client path, the script bundled by esbuild from client/web/app.ts on first use,
 * the stylesheet), 我的待办 (/api/inbox), the supervisors' dashboard (/api/dashboard),
 * and /openapi.json (the exports are client/web/export-routes.ts).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { build } from 'esbuild';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
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

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
let bundle: Promise<string> | undefined;
function appBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [here('./app.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  })
    .then((r) => r.outputFiles[0]!.text)
    .catch((err: unknown) => {
      bundle = undefined;
      throw err;
    });
  return bundle;
}

export interface WebDeps {
  client: Client;
  taskQueue: string;
}

/** The page's HTML with each action's method and route as data (a JSON block the page reads; CSP allows no inline script). */
export function pageHtml(html: string): string {
  const data = JSON.stringify(pageRoutes()).replace(/</g, '\\u003c');
  return html.replace('</head>', `<script type="application/json" id="onex-routes">${data}</script>\n</head>`);
}

export function registerWebRoutes(app: FastifyInstance, openapi: { document(): unknown }): void {
  const html = pageHtml(readFileSync(here('./index.html'), 'utf8'));
  const css = readFileSync(here('./app.css'), 'utf8');
  const page = async (_req: FastifyRequest, reply: FastifyReply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
      )
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(html);
  // `/l/*`: a signed link's token is longer than a path parameter may be.
  // The page's shell and static files are public (they hold no data); everything they load is not.
  const open = { config: { auth: 'public' as const, query: true } };
  for (const path of ['/', '/signin', '/inbox', '/dashboard', '/bulk', '/pilots/:id', '/pilots/:id/approvals/:approvalId', '/l/*'])
    app.get(path, open, page);
  app.get('/assets/app.js', open, async (_req, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await appBundle()),
  );
  app.get('/assets/app.css', open, async (_req, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'no-cache').send(css),
  );
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
    // The supervisors' dashboard: pilots filtered through search attributes, counts per college.
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
      const rows = await pilots.listPilotRows(filter, limit);
      const counts: Record<string, { total: number; escalated: number; overdue: number; cancellationRisk: number }> = {};
      for (const r of rows) {
        const c = (counts[r.college ?? '—'] ??= { total: 0, escalated: 0, overdue: 0, cancellationRisk: 0 });
        c.total++;
        if (r.escalated) c.escalated++;
        if (r.overdue) c.overdue++;
        if (r.cancellationRisk) c.cancellationRisk++;
      }
      return { filter, pilots: rows, counts };
    },
  };
}
