/**
 * The admin web page and the routes only it needs: the page itself (one HTML shell for
 * every client path, the script bundled by esbuild from client/web/app.ts on first use,
 * the stylesheet), 我的待办 (/api/inbox), the supervisors' dashboard (/api/dashboard),
 * exports (CSV, XLSX) and /openapi.json.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { build } from 'esbuild';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { createChinaCalendar } from '../../domain/calendar';
import { inputError } from '../../domain/errors';
import { idSchema, pilotWorkflowId } from '../../domain/pilot';
import { parseOrRefuse, patternString } from '../../domain/validation';
import { weeklyReportSchema } from '../../domain/weekly';
import { pilotStateQuery } from '../../workflows/messages';
import {
  OnexCancellationRisk,
  OnexCollege,
  OnexEscalated,
  OnexKind,
  OnexNextDue,
  OnexOverdue,
  OnexStage,
} from '../../workflows/search-attributes';
import { selfScopedRoutes } from '../auth/scope';
import { isCollegeScoped, publicUser } from '../auth/users';
import { ServiceError, startPilotSchema } from '../service';
import { pilotListFilterSchema, quote } from '../visibility';
import { withWorkflowDeadline } from '../workflow-deadline';
import { auditTable, ledgerTable, toCsv, toXlsx } from './export';
import { inboxFor } from './inbox';
import { describeRoute } from './openapi';
import {
  ccApprovalInputSchema,
  decideApprovalInputSchema,
  delegateApprovalInputSchema,
  recordApprovalFilingInputSchema,
  resubmitApprovalInputSchema,
  withdrawApprovalInputSchema,
} from '../../domain/approval-kinds';
import {
  approvalSubmissionInputSchema,
  assessmentInputSchema,
  assessmentResultInputSchema,
  cancelPilotInputSchema,
  expenseInputSchema,
  extendDeadlineInputSchema,
  incomeInputSchema,
  inspectionInputSchema,
  provincialRequestInputSchema,
  provincialSubmissionInputSchema,
  remindNowInputSchema,
  violationInputSchema,
} from '../../domain/pilot-actions';
import { bulkCalendarSchema, bulkExtendSchema, bulkProvincialRequestSchema, bulkRemindSchema } from '../routes/lifecycle';
import type { DashboardRow, PilotView } from './view';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const bool = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

export const dashboardFilterSchema = z.object({
  college: idSchema.optional(),
  stage: patternString(/^[A-Za-z]{1,32}$/, '阶段无效', 'unknown stage').optional(),
  escalated: bool,
  overdue: bool,
  cancellationRisk: bool,
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

/** The dashboard's visibility query: validated values, quoted; never raw input. */
export function dashboardQuery(f: Omit<z.output<typeof dashboardFilterSchema>, 'limit'>): string {
  const clauses = [`${OnexKind.name} = ${quote('pilot')}`, `ExecutionStatus != ${quote('ContinuedAsNew')}`];
  if (f.college !== undefined) clauses.push(`${OnexCollege.name} = ${quote(f.college)}`);
  if (f.stage !== undefined) clauses.push(`${OnexStage.name} = ${quote(f.stage)}`);
  if (f.escalated !== undefined) clauses.push(`${OnexEscalated.name} = ${f.escalated}`);
  if (f.overdue !== undefined) clauses.push(`${OnexOverdue.name} = ${f.overdue}`);
  if (f.cancellationRisk !== undefined) clauses.push(`${OnexCancellationRisk.name} = ${f.cancellationRisk}`);
  return clauses.join(' AND ');
}

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
}

export function registerWebRoutes(app: FastifyInstance, deps: WebDeps, openapi: { document(): unknown }): void {
  const html = readFileSync(here('./index.html'), 'utf8');
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

  const cal = createChinaCalendar();
  // A pilot that cannot answer (no worker, server unreachable) fails the whole request with a
  // 503 (client/workflow-deadline.ts): an inbox that silently left it out would tell a lead
  // that nothing is waiting. Only a pilot that no longer exists is left out.
  const stateOf = async (pilotId: string): Promise<PilotView | undefined> => {
    try {
      return (await withWorkflowDeadline(deps.client, () =>
        deps.client.workflow.getHandle(pilotWorkflowId(pilotId)).query(pilotStateQuery),
      )) as unknown as PilotView;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  };
  const list = (query: string, limit: number): Promise<DashboardRow[]> =>
    withWorkflowDeadline(deps.client, async () => {
      const rows: DashboardRow[] = [];
      for await (const wf of deps.client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
        const sa = wf.typedSearchAttributes;
        rows.push({
          pilotId: wf.workflowId.replace(/^pilot:/, ''),
          status: wf.status.name,
          college: sa.get(OnexCollege),
          stage: sa.get(OnexStage),
          escalated: sa.get(OnexEscalated),
          overdue: sa.get(OnexOverdue),
          cancellationRisk: sa.get(OnexCancellationRisk),
          nextDue: sa.get(OnexNextDue)?.toISOString(),
        });
        if (rows.length >= limit) break;
      }
      return rows;
    });

  // 我的待办: what waits on the signed-in user, from the running pilots in their scope.
  app.get('/api/inbox', async (req) => {
    const user = req.user!;
    const scoped = isCollegeScoped(user) ? { college: user.college } : {};
    const rows = (await list(dashboardQuery(scoped), 300)).filter((r) => r.status === 'RUNNING');
    // The escalation flag from the search attribute as well as the state: the list is what supervisors see.
    const states = (
      await Promise.all(
        rows.map(async (r) => {
          const s = await stateOf(r.pilotId);
          return s && r.escalated && !s.escalated ? { ...s, escalated: true } : s;
        }),
      )
    ).filter((s): s is PilotView => s !== undefined);
    return { user: publicUser(user), items: inboxFor(publicUser(user), states, Date.now(), cal) };
  });
  selfScopedRoutes.add('/api/inbox');
  describeRoute('GET', '/api/inbox', { summary: '我的待办：等待当前用户办理的事项 / what waits on the signed-in user', tag: 'web' });

  // The supervisors' dashboard: pilots filtered through search attributes, counts per college.
  app.get('/api/dashboard', { config: { query: true } }, async (req) => {
    const user = req.user!;
    const { limit, ...filter } = parseOrRefuse(dashboardFilterSchema, req.query);
    if (isCollegeScoped(user)) {
      if (filter.college !== undefined && filter.college !== user.college) {
        throw new ServiceError(403, [
          inputError('college', '您只能查看本学院的试点', "you may see only your own college's pilots", 'auth.scope'),
        ]);
      }
      filter.college = user.college;
    }
    const rows = await list(dashboardQuery(filter), limit);
    const counts: Record<string, { total: number; escalated: number; overdue: number; cancellationRisk: number }> = {};
    for (const r of rows) {
      const c = (counts[r.college ?? '—'] ??= { total: 0, escalated: 0, overdue: 0, cancellationRisk: 0 });
      c.total++;
      if (r.escalated) c.escalated++;
      if (r.overdue) c.overdue++;
      if (r.cancellationRisk) c.cancellationRisk++;
    }
    return { filter, pilots: rows, counts };
  });
  selfScopedRoutes.add('/api/dashboard');
  describeRoute('GET', '/api/dashboard', {
    summary: "督查总览：按学院、阶段、督办、逾期、取消风险筛选 / the supervisors' dashboard",
    query: dashboardFilterSchema,
    tag: 'web',
  });

  // Exports for inspections: the audit trail and the ledger, CSV or XLSX. Scoped like every /api/pilots/:id route.
  const exportQuery = z.object({
    format: z.enum(['csv', 'xlsx']).default('xlsx'),
    what: z.enum(['audit', 'ledger', 'all']).default('all'),
  });
  app.get<{ Params: { id: string } }>('/api/pilots/:id/export', { config: { query: true } }, async (req, reply) => {
    const q = parseOrRefuse(exportQuery, req.query);
    const s = await stateOf(req.params.id);
    if (!s)
      throw new ServiceError(404, [
        inputError('pilotId', `试点 ${req.params.id} 不存在`, `pilot ${req.params.id} does not exist`, 'pilot.notFound'),
      ]);
    const tables = q.what === 'audit' ? [auditTable(s)] : q.what === 'ledger' ? [ledgerTable(s)] : [auditTable(s), ledgerTable(s)];
    const name = `onex-${s.pilot.id}-${q.what}`;
    if (q.format === 'csv') {
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .send(tables.map(toCsv).join('\r\n'));
    }
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${name}.xlsx"`)
      .send(await toXlsx(s, tables));
  });
  describeRoute('GET', '/api/pilots/:id/export', {
    summary: '导出审计记录与专项资金账（CSV / XLSX）/ export the audit trail and ledger',
    query: exportQuery,
    tag: 'pilots',
  });

  // Descriptions of the routes that exist on every build.
  describeRoute('POST', '/api/pilots', {
    summary: '启动试点（教务部，第四条）/ start a pilot (Academic Affairs, Art. 4)',
    body: startPilotSchema,
  });
  describeRoute('GET', '/api/pilots', {
    summary: '按搜索属性列出试点 / list pilots through search attributes',
    query: pilotListFilterSchema,
  });
  describeRoute('GET', '/api/pilots/:id', { summary: "试点的全部状态 / the pilot's whole state" });
  describeRoute('POST', '/api/pilots/:id/weekly-reports', {
    summary: '提交工作周报（第五条）；Idempotency-Key 头使重试只生效一次 / submit a weekly report (Art. 5)',
    body: weeklyReportSchema,
  });
  // The lifecycle (Art. 11–20), approvals (Art. 6(4), 7, 13) and bulk actions: bodies from the schemas their routes parse with.
  const lifecycle: [string, string, z.ZodType | undefined, string][] = [
    [
      'POST',
      '/api/pilots/:id/provincial-requests',
      provincialRequestInputSchema,
      '登记省厅材料报送要求（教务部，第十九条（一））/ record a provincial request (Academic Affairs, Art. 19(1))',
    ],
    [
      'POST',
      '/api/pilots/:id/provincial-requests/:sub/submissions',
      provincialSubmissionInputSchema.omit({ requestId: true }),
      '登记省厅材料已报送 / record that the material went to the province',
    ],
    ['POST', '/api/pilots/:id/expenses', expenseInputSchema, '登记专项资金支出（第十一条）/ record an expense (Art. 11)'],
    ['POST', '/api/pilots/:id/incomes', incomeInputSchema, '登记专项资金收入（第十二、十四条）/ record income (Art. 12, 14)'],
    [
      'POST',
      '/api/pilots/:id/assessments',
      assessmentInputSchema,
      '登记考核（第十二、十六、十七条）/ record an assessment (Art. 12, 16, 17)',
    ],
    [
      'POST',
      '/api/pilots/:id/assessments/:sub/result',
      assessmentResultInputSchema.omit({ sessionId: true }),
      '登记考核通过人数 / record the pass count of a session',
    ],
    [
      'POST',
      '/api/pilots/:id/inspections',
      inspectionInputSchema,
      '登记检查（教务部，第十八条）/ record an inspection (Academic Affairs, Art. 18)',
    ],
    [
      'POST',
      '/api/pilots/:id/violations',
      violationInputSchema,
      '登记违规情形（教务部，第十九条）/ record a violation (Academic Affairs, Art. 19)',
    ],
    [
      'POST',
      '/api/pilots/:id/cancel',
      cancelPilotInputSchema,
      '取消试点（教务部，第十九条）/ cancel the pilot (Academic Affairs, Art. 19)',
    ],
    ['POST', '/api/pilots/:id/remind', remindNowInputSchema, '立即提醒逾期与待办事项（教务部）/ remind the pilot now (Academic Affairs)'],
    ['POST', '/api/pilots/:id/extend-deadline', extendDeadlineInputSchema, '延长截止日期（教务部）/ extend a deadline (Academic Affairs)'],
    ['GET', '/api/pilots/:id/audit', undefined, '审计记录 / the audit trail'],
    [
      'POST',
      '/api/provincial-requests',
      bulkProvincialRequestSchema,
      '为多个试点登记同一报送要求，可试运行 / one provincial request for many pilots, with a dry run',
    ],
    ['POST', '/api/bulk/remind-overdue', bulkRemindSchema, '提醒所有逾期试点，可试运行 / remind everyone overdue, with a dry run'],
    [
      'POST',
      '/api/bulk/extend-deadline',
      bulkExtendSchema,
      '为多个试点延长同一截止日期，可试运行 / extend one deadline of many pilots, with a dry run',
    ],
    [
      'POST',
      '/api/pilots/:id/approvals',
      approvalSubmissionInputSchema,
      '提交审批（预算方案、变更申请、考评人员培训计划）/ submit for approval',
    ],
    ['GET', '/api/pilots/:id/approvals/:approvalId', undefined, "审批的全部状态 / the approval's whole state"],
    [
      'POST',
      '/api/pilots/:id/approvals/:approvalId/decide',
      decideApprovalInputSchema,
      '审批决定：通过、退回（至提交人或之前环节）、不予通过 / decide: approve, return, reject',
    ],
    ['POST', '/api/pilots/:id/approvals/:approvalId/resubmit', resubmitApprovalInputSchema, '修改后重新提交 / resubmit after a return'],
    ['POST', '/api/pilots/:id/approvals/:approvalId/withdraw', withdrawApprovalInputSchema, '撤回 / withdraw'],
    [
      'POST',
      '/api/pilots/:id/approvals/:approvalId/delegate',
      delegateApprovalInputSchema,
      '委托审批（有效期内，代为审批）/ delegate a step for a period',
    ],
    ['POST', '/api/pilots/:id/approvals/:approvalId/cc', ccApprovalInputSchema, '抄送 / CC'],
    [
      'POST',
      '/api/pilots/:id/approvals/:approvalId/filing',
      recordApprovalFilingInputSchema,
      '登记省教育厅备案（第七条）/ record the provincial filing (Art. 7)',
    ],
    [
      'POST',
      '/api/pilots/:id/rectifications/:inspectionId/reinspection',
      inspectionInputSchema,
      '登记整改复查结果（教务部，第十八条）/ record a re-inspection (Academic Affairs, Art. 18)',
    ],
    ['GET', '/api/pilots/:id/rectifications/:inspectionId', undefined, "整改的全部状态 / the rectification's whole state"],
    [
      'POST',
      '/api/calendar/refresh',
      bulkCalendarSchema,
      '为运行中的试点更新工作日历（教务部），可试运行 / hand running pilots the current working-day calendar, with a dry run',
    ],
  ];
  for (const [method, url, body, summary] of lifecycle)
    describeRoute(method, url, {
      summary,
      ...(body ? { body } : {}),
      tag: url.includes('/approvals') ? 'approvals' : url.startsWith('/api/bulk') || url === '/api/provincial-requests' ? 'bulk' : 'pilots',
    });
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
