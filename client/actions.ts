/**
 * The action table: one declaration per thing a person does (and reads) through the admin
 * API — its Update, the strict schema its input is parsed with at the edge, who may do it
 * and in which scope, its HTTP method and route, its CLI command and its bilingual summary
 * (Chinese first, citing the article). The API registers its routes, their scoping and the
 * OpenAPI entries from this table (client/routes/actions.ts), the CLI builds its commands
 * from it (client/cli-common.ts `actionCommand`/`send`), and the web page receives each
 * action's method and route as data in its HTML (client/web/routes.ts, web/src/session.ts).
 *
 * A route path is written here and nowhere else in client/.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import { actorSchema, isAcademicAffairs, type Role } from '../domain/actor';
import { applicationSchema } from '../domain/application';
import {
  ccApprovalInputSchema,
  decideApprovalInputSchema,
  delegateApprovalInputSchema,
  recordApprovalFilingInputSchema,
  resubmitApprovalInputSchema,
  withdrawApprovalInputSchema,
} from '../domain/approval-kinds';
import type { Bilingual } from '../domain/errors';
import { idSchema, isoDateSchema, pilotRecordSchema } from '../domain/pilot';
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
} from '../domain/pilot-actions';
import { passRecordFilterSchema, recordPassRecordSchema, roundRecordSchema } from '../domain/round';
import {
  atEdge,
  confirmSubmissionInputSchema,
  createApplicationInputSchema,
  editApplicationInputSchema,
  grantRoundWaiverInputSchema,
  recordObjectionInputSchema,
  recordProvincialResultInputSchema,
  recordPublicNoticeInputSchema,
  reviewInputSchema,
  signOffInputSchema,
  submitApplicationInputSchema,
  waiveRuleInputSchema,
  withdrawApplicationInputSchema,
} from '../domain/round-inputs';
import { requiredText } from '../domain/validation';
import { weeklyReportSchema } from '../domain/weekly';
import {
  abandonApplication,
  cancelPilot,
  ccApproval,
  confirmSubmission,
  createApplication,
  decideApproval,
  delegateApproval,
  editApplication,
  extendDeadline,
  grantRoundWaiver,
  recordApprovalFiling,
  recordAssessment,
  recordAssessmentResult,
  recordExpense,
  recordIncome,
  recordInspection,
  recordObjection,
  recordProvincialRequest,
  recordProvincialResult,
  recordPublicNotice,
  recordReinspection,
  recordViolation,
  remindNow,
  resubmitApproval,
  reviewApplication,
  signOffApplication,
  submitApplication,
  submitForApproval,
  submitProvincialMaterial,
  submitWeeklyReport,
  waiveApplicationRule,
  withdrawApproval,
  withdrawSubmission,
} from '../workflows/messages';
import { fillRoute } from './route-path';
import { applicationListFilterSchema, roundListFilterSchema } from './round-visibility';
import { dashboardFilterSchema, pilotListFilterSchema } from './visibility';

/** The most pilots one bulk request may name (refused before anything is looked up). */
export const MAX_BULK_PILOTS = 500;

/**
 * Who may see a route, for college-scoped users (client/auth/scope.ts has the rules):
 * `pilot`/`application` the process's own college; `college` the path's college is
 * theirs; `open` school-wide; `self` the route
 * scopes its answer itself; `deny` not open to college-scoped roles; the others check a
 * body or a list filter.
 */
export type ScopeName =
  | 'pilot'
  | 'application'
  | 'college'
  | 'open'
  | 'self'
  | 'deny'
  | 'pilotList'
  | 'applicationList'
  | 'passRecordList'
  | 'newPilot'
  | 'newApplication'
  | 'bulkPilots';

/**
 * What the route does with the parsed input: an Update of the pilot, of one of its child
 * workflows (an approval, a rectification), of a round or of an application — or a handler
 * of its own (`service`: starts, the ledger, bulk actions and reads).
 */
export type ActionTarget = 'pilot' | 'approval' | 'rectification' | 'round' | 'application' | 'service';

/** A CLI flag that maps straight to a body field (commands with conversions map their own flags). */
export interface CliFlag {
  /** As commander writes it: `--filed-on <date>`. */
  flag: string;
  /** The body field it sets. */
  field: string;
  help?: string;
  required?: boolean;
  /** Parsed as a number. */
  number?: boolean;
}

export interface ActionSpec {
  method: 'GET' | 'POST';
  route: string;
  target: ActionTarget;
  update?: UpdateDefinition<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * The strict schema the edge parses before anything is looked up: a POST's input (the body
   * with the path's ids filled in by `input`), a GET's query. Unknown fields are refused by name.
   */
  schema: z.ZodType;
  /** The body as a client sends it, for the OpenAPI description (default: `schema`). */
  body?: z.ZodType;
  /** The Update's input from the body and the path (default: the body as sent). */
  input?: (body: unknown, params: Record<string, string>) => unknown;
  /** Who may do it (the workflows' validators hold the rule and cite its article); 'any' signed-in user in scope. */
  roles: readonly Role[] | 'any';
  scope: ScopeName;
  /** `actor`: a delegate may name the principal in the request's own actor (approval steps). */
  onBehalfOf?: 'actor';
  /**
   * An `Idempotency-Key` makes a retried request apply once (bound to the user, route and
   * body by the edge); every action takes one unless it says `false`. Reads never do.
   */
  idempotent?: false;
  /** A file upload (multipart/form-data): the handler reads and checks the parts itself. */
  multipart?: true;
  /** 201 for an action that creates a process. */
  status?: 201;
  /** The CLI command (`group command <args>`), or null for what only the page reads. */
  cli: string | null;
  /** An action the CLI does through another action's command (one pilot through the bulk command). */
  cliVia?: string;
  /** The command's flags that are body fields as they stand (client/cli-common.ts adds and maps them). */
  flags?: readonly CliFlag[];
  /** 中文 first, with English, citing the article. */
  summary: Bilingual;
  tag: 'pilots' | 'approvals' | 'bulk' | 'rounds' | 'documents' | 'web';
}

/** The body with the path's pilot id filled in (the body's own wins), at the top or inside `at`. */
function withPilot(at?: string) {
  return (body: unknown, params: Record<string, string>): unknown => {
    if (typeof body !== 'object' || body === null) return body;
    const b = body as Record<string, unknown>;
    if (!at) return { pilotId: params.id, ...b };
    const inner = b[at];
    return typeof inner === 'object' && inner !== null ? { ...b, [at]: { pilotId: params.id, ...(inner as object) } } : b;
  };
}

/** The body with one path parameter set under `field` (the path's wins). */
function withParam(param: string, field: string) {
  return (body: unknown, params: Record<string, string>): unknown =>
    typeof body === 'object' && body !== null ? { ...body, [field]: params[param] } : body;
}

/** A submitted subject names its pilot (the path's) and, for a change request, who asks and when. */
function withSubjectDefaults(body: unknown, params: Record<string, string>): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const b = body as { kind?: unknown; subject?: unknown; actor?: unknown };
  if (typeof b.subject !== 'object' || b.subject === null) return body;
  const subject: Record<string, unknown> = { pilotId: params.id, ...(b.subject as Record<string, unknown>) };
  if (b.kind === 'changeRequest') {
    // Who asks and when: the submitter, now. Only Academic Affairs may record a request
    // written earlier or by someone else (Art. 4); anyone else's values are replaced.
    const aa = isAcademicAffairs(b.actor as { role?: unknown } | undefined);
    if (!aa || subject.requestedBy === undefined) subject.requestedBy = b.actor;
    if (!aa || subject.requestedAt === undefined) subject.requestedAt = new Date().toISOString();
  }
  return { ...b, subject };
}

/** A re-inspection names its pilot and the inspection it follows up (from the path). */
function reinspectionInput(body: unknown, params: Record<string, string>): unknown {
  return typeof body === 'object' && body !== null ? { pilotId: params.id, reinspectionOf: params.inspectionId, ...body } : body;
}

// ── Bodies of the bulk actions (Academic Affairs, with a dry run) ───────────────────────
/** Art. 19(1) in bulk: one request recorded for many pilots. */
export const bulkProvincialRequestSchema = z.object({
  pilotIds: z.array(idSchema).min(1).max(MAX_BULK_PILOTS),
  request: z.object({
    id: idSchema,
    title: requiredText(300, '材料名称不能为空', 'the title must not be blank'),
    requestedOn: isoDateSchema,
    dueDate: isoDateSchema,
  }),
  actor: actorSchema,
  dryRun: z.boolean().default(false),
});
export const bulkCalendarSchema = z.object({ actor: actorSchema, college: idSchema.optional(), dryRun: z.boolean().default(false) });
export const bulkRemindSchema = z.object({
  actor: actorSchema,
  note: z.string().trim().max(1000).optional(),
  college: idSchema.optional(),
  dryRun: z.boolean().default(false),
});
export const bulkExtendSchema = z.object({
  pilotIds: z.array(idSchema).min(1).max(MAX_BULK_PILOTS),
  target: extendDeadlineInputSchema.shape.target,
  newDueDate: isoDateSchema,
  reason: requiredText(1000, '延期须写明理由', 'an extension needs a written reason'),
  actor: actorSchema,
  dryRun: z.boolean().default(false),
});

export const startPilotSchema = z.object({ pilot: pilotRecordSchema, actor: actorSchema });
export const openRoundSchema = z.object({ round: roundRecordSchema, actor: actorSchema });
export const exportQuerySchema = z.object({
  format: z.enum(['csv', 'xlsx']).default('xlsx'),
  what: z.enum(['audit', 'ledger', 'all']).default('all'),
});
/** A college's or the programme's export: the summary (one row per pilot), the audit trails, the ledgers, or all. */
export const manyExportQuerySchema = z.object({
  format: z.enum(['csv', 'xlsx']).default('xlsx'),
  what: z.enum(['summary', 'audit', 'ledger', 'all']).default('all'),
});

// ── Round bodies checked whole at the edge ──────────────────────────────────────────────
/**
 * An application as a college drafts it in a round: the round fills in its id and year and
 * the college's name, so those may be left out; every other field is checked here (400),
 * not first by the round workflow (422).
 */
const draftedApplicationSchema = applicationSchema.extend({
  roundId: idSchema.optional(),
  year: applicationSchema.shape.year.optional(),
  college: applicationSchema.shape.college.extend({ name: applicationSchema.shape.college.shape.name.optional() }),
});
const createApplicationAtEdge = atEdge(createApplicationInputSchema).extend({ application: draftedApplicationSchema });
/** The changed fields of a draft: each a field of the application, whole. */
const editApplicationAtEdge = atEdge(editApplicationInputSchema).extend({ changes: applicationSchema.partial() });

/** The schema of a read that takes no query (the edge refuses any query field). */
export const noInput = z.object({});
const none = noInput;
const AA: readonly Role[] = ['academicAffairs'];
const COLLEGE: readonly Role[] = ['pilotLead', 'collegeStaff', 'collegeLeader', 'academicAffairs'];
const APPROVERS: readonly Role[] = ['collegeLeader', 'academicAffairs', 'schoolLeader'];

export const actions = {
  // ── Pilots (Art. 4, 5) ─────────────────────────────────────────────────────────────────
  startPilot: {
    method: 'POST',
    route: '/api/pilots',
    target: 'service',
    schema: startPilotSchema,
    roles: ['academicAffairs', 'admin'],
    scope: 'newPilot',
    status: 201,
    cli: 'pilot start',
    summary: { zh: '启动试点（教务部，第四条）', en: 'start a pilot (Academic Affairs, Art. 4)' },
    tag: 'pilots',
  },
  listPilots: {
    method: 'GET',
    route: '/api/pilots',
    target: 'service',
    schema: pilotListFilterSchema,
    roles: 'any',
    scope: 'pilotList',
    cli: 'pilot list',
    summary: { zh: '按搜索属性列出试点', en: 'list pilots through search attributes' },
    tag: 'pilots',
  },
  pilotState: {
    method: 'GET',
    route: '/api/pilots/:id',
    target: 'service',
    schema: none,
    roles: 'any',
    scope: 'pilot',
    cli: 'pilot show <id>',
    summary: { zh: '试点的全部状态', en: "the pilot's whole state" },
    tag: 'pilots',
  },
  submitWeeklyReport: {
    method: 'POST',
    route: '/api/pilots/:id/weekly-reports',
    target: 'pilot',
    update: submitWeeklyReport,
    schema: weeklyReportSchema,
    roles: ['pilotLead', 'collegeStaff', 'collegeLeader'],
    scope: 'pilot',
    cli: 'report submit <pilotId>',
    summary: {
      zh: '提交工作周报（第五条）；Idempotency-Key 头使重试只生效一次',
      en: 'submit a weekly report (Art. 5); an Idempotency-Key makes a retry apply once',
    },
    tag: 'pilots',
  },
  // ── The lifecycle (Art. 11–20) ────────────────────────────────────────────────────────
  recordProvincialRequest: {
    method: 'POST',
    route: '/api/pilots/:id/provincial-requests',
    target: 'pilot',
    update: recordProvincialRequest,
    schema: provincialRequestInputSchema,
    input: withPilot(),
    roles: AA,
    scope: 'pilot',
    cli: null,
    cliVia: 'bulkProvincialRequest', // `provincial request <pilotIds...>`: one pilot or many
    summary: {
      zh: '登记省厅材料报送要求（教务部，第十九条（一））',
      en: 'record a provincial request (Academic Affairs, Art. 19(1))',
    },
    tag: 'pilots',
  },
  submitProvincialMaterial: {
    method: 'POST',
    route: '/api/pilots/:id/provincial-requests/:sub/submissions',
    target: 'pilot',
    update: submitProvincialMaterial,
    schema: provincialSubmissionInputSchema,
    body: provincialSubmissionInputSchema.omit({ requestId: true }),
    input: withParam('sub', 'requestId'),
    roles: COLLEGE,
    scope: 'pilot',
    cli: 'provincial submit <pilotId> <requestId>',
    summary: {
      zh: '登记省厅材料已报送（第十九条（一））',
      en: 'record that the material went to the province (Art. 19(1))',
    },
    tag: 'pilots',
  },
  recordExpense: {
    method: 'POST',
    route: '/api/pilots/:id/expenses',
    target: 'service',
    update: recordExpense,
    schema: expenseInputSchema,
    input: withPilot(),
    roles: COLLEGE,
    scope: 'pilot',
    cli: 'ledger expense <pilotId>',
    summary: {
      zh: '登记专项资金支出（第五条（三）、第十一条）；同一编号同一内容为重放',
      en: 'record an expense (Art. 5(3), 11); the same id with the same content is a replay',
    },
    tag: 'pilots',
  },
  recordIncome: {
    method: 'POST',
    route: '/api/pilots/:id/incomes',
    target: 'service',
    update: recordIncome,
    schema: incomeInputSchema,
    input: withPilot(),
    roles: COLLEGE,
    scope: 'pilot',
    cli: 'ledger income <pilotId>',
    summary: { zh: '登记专项资金收入（第十二、十四条）', en: 'record income (Art. 12, 14)' },
    tag: 'pilots',
  },
  recordAssessment: {
    method: 'POST',
    route: '/api/pilots/:id/assessments',
    target: 'pilot',
    update: recordAssessment,
    schema: assessmentInputSchema,
    input: withPilot('session'),
    roles: COLLEGE,
    scope: 'pilot',
    cli: 'assessment <pilotId>',
    summary: { zh: '登记考核（第十二、十六、十七条）', en: 'record an assessment (Art. 12, 16, 17)' },
    tag: 'pilots',
  },
  recordAssessmentResult: {
    method: 'POST',
    route: '/api/pilots/:id/assessments/:sub/result',
    target: 'pilot',
    update: recordAssessmentResult,
    schema: assessmentResultInputSchema,
    body: assessmentResultInputSchema.omit({ sessionId: true }),
    input: withParam('sub', 'sessionId'),
    roles: COLLEGE,
    scope: 'pilot',
    cli: 'assessment-result <pilotId> <sessionId>',
    flags: [{ flag: '--passed <n>', field: 'passed', help: '通过人数 / number passed', required: true, number: true }],
    summary: { zh: '登记考核通过人数（第十二条）', en: "record a session's pass count (Art. 12)" },
    tag: 'pilots',
  },
  recordInspection: {
    method: 'POST',
    route: '/api/pilots/:id/inspections',
    target: 'pilot',
    update: recordInspection,
    schema: inspectionInputSchema,
    input: withPilot(),
    roles: AA,
    scope: 'pilot',
    cli: 'inspection <pilotId>',
    summary: { zh: '登记检查（教务部，第十八条）', en: 'record an inspection (Academic Affairs, Art. 18)' },
    tag: 'pilots',
  },
  recordViolation: {
    method: 'POST',
    route: '/api/pilots/:id/violations',
    target: 'pilot',
    update: recordViolation,
    schema: violationInputSchema,
    input: withPilot(),
    roles: AA,
    scope: 'pilot',
    cli: 'violation <pilotId>',
    summary: { zh: '登记违规情形（教务部，第十九条）', en: 'record a violation (Academic Affairs, Art. 19)' },
    tag: 'pilots',
  },
  cancelPilot: {
    method: 'POST',
    route: '/api/pilots/:id/cancel',
    target: 'pilot',
    update: cancelPilot,
    schema: cancelPilotInputSchema,
    roles: AA,
    scope: 'pilot',
    cli: 'cancel <pilotId>',
    flags: [{ flag: '--reason <text>', field: 'reason', help: '取消理由 / why', required: true }],
    summary: { zh: '取消试点（教务部，第十九条）', en: 'cancel the pilot (Academic Affairs, Art. 19)' },
    tag: 'pilots',
  },
  remindNow: {
    method: 'POST',
    route: '/api/pilots/:id/remind',
    target: 'pilot',
    update: remindNow,
    schema: remindNowInputSchema,
    roles: AA,
    scope: 'pilot',
    cli: null,
    cliVia: 'bulkRemindOverdue', // `remind-overdue`: every pilot with something overdue
    summary: { zh: '立即提醒逾期与待办事项（教务部，第四条）', en: 'remind the pilot now (Academic Affairs, Art. 4)' },
    tag: 'pilots',
  },
  extendDeadline: {
    method: 'POST',
    route: '/api/pilots/:id/extend-deadline',
    target: 'pilot',
    update: extendDeadline,
    schema: extendDeadlineInputSchema,
    roles: AA,
    scope: 'pilot',
    cli: null,
    cliVia: 'bulkExtendDeadline', // `extend-deadline <pilotIds...>`: one pilot or many
    summary: { zh: '延长截止日期（教务部，第四条）', en: 'extend a deadline (Academic Affairs, Art. 4)' },
    tag: 'pilots',
  },
  pilotAudit: {
    method: 'GET',
    route: '/api/pilots/:id/audit',
    target: 'service',
    schema: none,
    roles: 'any',
    scope: 'pilot',
    cli: 'audit <pilotId>',
    summary: { zh: '审计记录：谁、何时、做了什么、代谁、前后值', en: 'the audit trail' },
    tag: 'pilots',
  },
  exportPilot: {
    method: 'GET',
    route: '/api/pilots/:id/export',
    target: 'service',
    schema: exportQuerySchema,
    roles: 'any',
    scope: 'pilot',
    cli: null,
    summary: {
      zh: '导出审计记录与专项资金账（CSV / XLSX，第十八条检查用）',
      en: 'export the audit trail and ledger (for inspections, Art. 18)',
    },
    tag: 'pilots',
  },
  exportCollege: {
    method: 'GET',
    route: '/api/exports/college/:collegeId',
    target: 'service',
    schema: manyExportQuerySchema,
    roles: 'any',
    scope: 'college',
    cli: null,
    summary: {
      zh: '导出一个学院的试点汇总、审计记录与专项资金账（CSV / XLSX，第十八条检查用；学院用户只能导出本学院）',
      en: "export a college's pilot summary, audit trails and ledgers (for inspections, Art. 18; college users only their own)",
    },
    tag: 'pilots',
  },
  exportProgramme: {
    method: 'GET',
    route: '/api/exports/programme',
    target: 'service',
    schema: manyExportQuerySchema,
    roles: 'any',
    scope: 'deny',
    cli: null,
    summary: {
      zh: '导出全校试点汇总、审计记录与专项资金账（CSV / XLSX，第十八条检查用；教务部、校领导、督导、管理员）',
      en: 'export the whole programme: summary, audit trails and ledgers (for inspections, Art. 18; school-wide readers)',
    },
    tag: 'pilots',
  },
  // ── Bulk actions (Academic Affairs, with a dry run) ──────────────────────────────────────
  bulkProvincialRequest: {
    method: 'POST',
    route: '/api/provincial-requests',
    target: 'service',
    schema: bulkProvincialRequestSchema,
    roles: AA,
    scope: 'bulkPilots',
    cli: 'provincial request <pilotIds...>',
    summary: {
      zh: '为多个试点登记同一报送要求，可试运行（第十九条（一））',
      en: 'one provincial request for many pilots, with a dry run (Art. 19(1))',
    },
    tag: 'bulk',
  },
  bulkRemindOverdue: {
    method: 'POST',
    route: '/api/bulk/remind-overdue',
    target: 'service',
    schema: bulkRemindSchema,
    roles: AA,
    scope: 'deny',
    cli: 'remind-overdue',
    summary: {
      zh: '提醒所有逾期试点，可试运行（教务部，第四条）',
      en: 'remind everyone overdue, with a dry run (Academic Affairs, Art. 4)',
    },
    tag: 'bulk',
  },
  bulkExtendDeadline: {
    method: 'POST',
    route: '/api/bulk/extend-deadline',
    target: 'service',
    schema: bulkExtendSchema,
    roles: AA,
    scope: 'deny',
    cli: 'extend-deadline <pilotIds...>',
    summary: {
      zh: '为多个试点延长同一截止日期，可试运行（教务部，第四条）',
      en: 'extend one deadline of many pilots, with a dry run (Academic Affairs, Art. 4)',
    },
    tag: 'bulk',
  },
  refreshCalendars: {
    method: 'POST',
    route: '/api/calendar/refresh',
    target: 'service',
    schema: bulkCalendarSchema,
    roles: AA,
    scope: 'deny',
    cli: 'calendar-refresh',
    summary: {
      zh: '为运行中的试点更新工作日历（教务部，第四条），可试运行',
      en: 'hand running pilots the current working-day calendar (Academic Affairs, Art. 4), with a dry run',
    },
    tag: 'bulk',
  },
  // ── Approvals (Art. 6(4), 7, 13) and rectifications (Art. 18) ──────────────────────────
  submitForApproval: {
    method: 'POST',
    route: '/api/pilots/:id/approvals',
    target: 'service',
    update: submitForApproval,
    schema: approvalSubmissionInputSchema,
    input: withSubjectDefaults,
    roles: COLLEGE,
    scope: 'pilot',
    onBehalfOf: 'actor',
    status: 201,
    cli: 'approval submit <pilotId>',
    summary: {
      zh: '提交审批：预算方案（第十三条）、变更申请（第七条）、考评人员培训计划（第六条（四））',
      en: 'submit for approval: a budget plan (Art. 13), a change request (Art. 7), an examiner-training plan (Art. 6(4))',
    },
    tag: 'approvals',
  },
  approvalState: {
    method: 'GET',
    route: '/api/pilots/:id/approvals/:approvalId',
    target: 'service',
    schema: none,
    roles: 'any',
    scope: 'pilot',
    cli: 'approval show <pilotId> <approvalId>',
    summary: { zh: '审批的全部状态', en: "the approval's whole state" },
    tag: 'approvals',
  },
  decideApproval: {
    method: 'POST',
    route: '/api/pilots/:id/approvals/:approvalId/decide',
    target: 'approval',
    update: decideApproval,
    schema: decideApprovalInputSchema,
    roles: APPROVERS,
    scope: 'pilot',
    onBehalfOf: 'actor',
    cli: 'approval decide <pilotId> <approvalId>',
    summary: {
      zh: '审批决定：通过、退回（至提交人或之前环节）、不予通过（第七、十三条）',
      en: 'decide: approve, return, reject (Art. 7, 13)',
    },
    tag: 'approvals',
  },
  resubmitApproval: {
    method: 'POST',
    route: '/api/pilots/:id/approvals/:approvalId/resubmit',
    target: 'approval',
    update: resubmitApproval,
    schema: resubmitApprovalInputSchema,
    roles: COLLEGE,
    scope: 'pilot',
    onBehalfOf: 'actor',
    cli: 'approval resubmit <pilotId> <approvalId>',
    summary: { zh: '修改后重新提交（第七、十三条）', en: 'resubmit after a return (Art. 7, 13)' },
    tag: 'approvals',
  },
  withdrawApproval: {
    method: 'POST',
    route: '/api/pilots/:id/approvals/:approvalId/withdraw',
    target: 'approval',
    update: withdrawApproval,
    schema: withdrawApprovalInputSchema,
    roles: COLLEGE,
    scope: 'pilot',
    onBehalfOf: 'actor',
    cli: 'approval withdraw <pilotId> <approvalId>',
    flags: [{ flag: '--reason <text>', field: 'reason', help: '撤回理由 / why' }],
    summary: { zh: '撤回审批事项（第七、十三条）', en: 'withdraw (Art. 7, 13)' },
    tag: 'approvals',
  },
  delegateApproval: {
    method: 'POST',
    route: '/api/pilots/:id/approvals/:approvalId/delegate',
    target: 'approval',
    update: delegateApproval,
    schema: delegateApprovalInputSchema,
    roles: APPROVERS,
    scope: 'pilot',
    onBehalfOf: 'actor',
    cli: 'approval delegate <pilotId> <approvalId>',
    summary: {
      zh: '委托审批：有效期内代为审批本环节（第四条）',
      en: 'delegate a step for a period (Art. 4)',
    },
    tag: 'approvals',
  },
  ccApproval: {
    method: 'POST',
    route: '/api/pilots/:id/approvals/:approvalId/cc',
    target: 'approval',
    update: ccApproval,
    schema: ccApprovalInputSchema,
    roles: 'any',
    scope: 'pilot',
    onBehalfOf: 'actor',
    cli: 'approval cc <pilotId> <approvalId> <emails...>',
    summary: { zh: '抄送每一项审批决定（第七、十三条）', en: 'copy people on every decision (Art. 7, 13)' },
    tag: 'approvals',
  },
  recordApprovalFiling: {
    method: 'POST',
    route: '/api/pilots/:id/approvals/:approvalId/filing',
    target: 'approval',
    update: recordApprovalFiling,
    schema: recordApprovalFilingInputSchema,
    roles: AA,
    scope: 'pilot',
    onBehalfOf: 'actor',
    cli: 'approval filing <pilotId> <approvalId>',
    flags: [
      { flag: '--filed-on <date>', field: 'filedOn', help: '备案日期 / filed on', required: true },
      { flag: '--reference <ref>', field: 'reference', help: '备案文号 / filing reference', required: true },
    ],
    summary: { zh: '登记省教育厅备案（教务部，第七条）', en: 'record the provincial filing (Academic Affairs, Art. 7)' },
    tag: 'approvals',
  },
  rectificationState: {
    method: 'GET',
    route: '/api/pilots/:id/rectifications/:inspectionId',
    target: 'service',
    schema: none,
    roles: 'any',
    scope: 'pilot',
    cli: 'rectification show <pilotId> <inspectionId>',
    summary: { zh: '整改的全部状态（第十八条）', en: "the rectification's whole state (Art. 18)" },
    tag: 'approvals',
  },
  recordReinspection: {
    method: 'POST',
    route: '/api/pilots/:id/rectifications/:inspectionId/reinspection',
    target: 'rectification',
    update: recordReinspection,
    schema: inspectionInputSchema,
    input: reinspectionInput,
    roles: AA,
    scope: 'pilot',
    cli: 'rectification reinspect <pilotId> <inspectionId>',
    summary: { zh: '登记整改复查结果（教务部，第十八条）', en: 'record a re-inspection (Academic Affairs, Art. 18)' },
    tag: 'approvals',
  },
  // ── Application rounds (Art. 8, 9, 12) ─────────────────────────────────────────────────
  openRound: {
    method: 'POST',
    route: '/api/rounds',
    target: 'service',
    schema: openRoundSchema,
    roles: AA,
    scope: 'open',
    status: 201,
    cli: 'round open',
    summary: {
      zh: '记录省教育厅申报文件并开启校内申报轮次（教务部，第八、九条）',
      en: 'record the provincial call and open an internal round (Academic Affairs, Art. 8, 9)',
    },
    tag: 'rounds',
  },
  listRounds: {
    method: 'GET',
    route: '/api/rounds',
    target: 'service',
    schema: roundListFilterSchema,
    roles: 'any',
    scope: 'open',
    cli: 'round list',
    summary: { zh: '申报轮次列表（第九条）', en: 'application rounds (Art. 9)' },
    tag: 'rounds',
  },
  roundState: {
    method: 'GET',
    route: '/api/rounds/:roundId',
    target: 'service',
    schema: none,
    roles: 'any',
    scope: 'open',
    cli: 'round show <roundId>',
    summary: { zh: '轮次总览（第九条）', en: 'the round overview (Art. 9)' },
    tag: 'rounds',
  },
  listApplications: {
    method: 'GET',
    route: '/api/rounds/:roundId/applications',
    target: 'service',
    schema: applicationListFilterSchema,
    roles: 'any',
    scope: 'applicationList',
    cli: 'app list <roundId>',
    summary: { zh: '本轮的申报（第八条）', en: "the round's applications (Art. 8)" },
    tag: 'rounds',
  },
  createApplication: {
    method: 'POST',
    route: '/api/rounds/:roundId/applications',
    target: 'round',
    update: createApplication,
    schema: createApplicationAtEdge,
    roles: ['collegeStaff', 'collegeLeader', 'academicAffairs'],
    scope: 'newApplication',
    cli: 'app create <roundId>',
    summary: { zh: '起草申报（第八条、第九条（二））', en: 'draft an application (Art. 8, 9(2))' },
    tag: 'rounds',
  },
  grantRoundWaiver: {
    method: 'POST',
    route: '/api/rounds/:roundId/waivers',
    target: 'round',
    update: grantRoundWaiver,
    schema: atEdge(grantRoundWaiverInputSchema),
    roles: AA,
    scope: 'open',
    cli: 'round waive <roundId>',
    summary: {
      zh: '豁免“每个专业限申报 1 个”（教务部，第八条（二））',
      en: 'waive Art. 8(2) for an application to be created (Academic Affairs)',
    },
    tag: 'rounds',
  },
  confirmSubmission: {
    method: 'POST',
    route: '/api/rounds/:roundId/submission',
    target: 'round',
    update: confirmSubmission,
    schema: atEdge(confirmSubmissionInputSchema),
    roles: AA,
    scope: 'open',
    cli: 'round confirm <roundId>',
    summary: {
      zh: '确认报送省教育厅的名单（教务部，第九条（二））',
      en: 'confirm the consolidated list (Academic Affairs, Art. 9(2))',
    },
    tag: 'rounds',
  },
  recordProvincialResult: {
    method: 'POST',
    route: '/api/rounds/:roundId/results',
    target: 'round',
    update: recordProvincialResult,
    schema: atEdge(recordProvincialResultInputSchema),
    roles: AA,
    scope: 'open',
    cli: 'round result <roundId> <applicationId>',
    summary: { zh: '录入省教育厅评审结果（教务部，第九条（三））', en: "record the province's result (Academic Affairs, Art. 9(3))" },
    tag: 'rounds',
  },
  recordPublicNotice: {
    method: 'POST',
    route: '/api/rounds/:roundId/public-notice',
    target: 'round',
    update: recordPublicNotice,
    schema: atEdge(recordPublicNoticeInputSchema),
    roles: AA,
    scope: 'open',
    cli: 'round notice <roundId>',
    flags: [{ flag: '--start <date>', field: 'startDate', help: '公示开始日期 / first day of the notice', required: true }],
    summary: {
      zh: '录入公示开始日期，结束日期按工作日计算（第九条（三））',
      en: 'record the public notice start; its end follows in working days (Art. 9(3))',
    },
    tag: 'rounds',
  },
  recordObjection: {
    method: 'POST',
    route: '/api/rounds/:roundId/objections',
    target: 'round',
    update: recordObjection,
    schema: atEdge(recordObjectionInputSchema),
    roles: AA,
    scope: 'open',
    cli: 'round objection <roundId> <applicationId>',
    flags: [{ flag: '--content <text>', field: 'content', help: '异议内容 / the objection', required: true }],
    summary: { zh: '录入公示异议（第九条（三））', en: 'record an objection during the notice (Art. 9(3))' },
    tag: 'rounds',
  },
  applicationState: {
    method: 'GET',
    route: '/api/rounds/:roundId/applications/:applicationId',
    target: 'service',
    schema: none,
    roles: 'any',
    scope: 'application',
    cli: 'app show <roundId> <applicationId>',
    summary: { zh: '申报及其时间线（第八条）', en: 'the application and its timeline (Art. 8)' },
    tag: 'rounds',
  },
  editApplication: {
    method: 'POST',
    route: '/api/rounds/:roundId/applications/:applicationId/edit',
    target: 'application',
    update: editApplication,
    schema: editApplicationAtEdge,
    roles: ['collegeStaff', 'collegeLeader', 'academicAffairs'],
    scope: 'application',
    cli: 'app edit <roundId> <applicationId>',
    summary: { zh: '修改起草中的申报（第八条）', en: 'edit a draft (Art. 8)' },
    tag: 'rounds',
  },
  submitApplication: {
    method: 'POST',
    route: '/api/rounds/:roundId/applications/:applicationId/submit',
    target: 'application',
    update: submitApplication,
    schema: atEdge(submitApplicationInputSchema),
    roles: ['collegeStaff', 'collegeLeader'],
    scope: 'application',
    cli: 'app submit <roundId> <applicationId>',
    flags: [{ flag: '--note <text>', field: 'note', help: '说明 / note' }],
    summary: { zh: '提交申报，送学院负责人签字（第五条（二））', en: 'submit for the college leader to sign (Art. 5(2))' },
    tag: 'rounds',
  },
  withdrawApplication: {
    method: 'POST',
    route: '/api/rounds/:roundId/applications/:applicationId/withdraw',
    target: 'application',
    update: withdrawSubmission,
    schema: atEdge(withdrawApplicationInputSchema),
    roles: ['collegeStaff', 'collegeLeader'],
    scope: 'application',
    cli: 'app withdraw <roundId> <applicationId>',
    flags: [{ flag: '--reason <text>', field: 'reason', help: '理由 / why' }],
    summary: { zh: '撤回已提交的申报（第八条）', en: 'withdraw a submitted application (Art. 8)' },
    tag: 'rounds',
  },
  abandonApplication: {
    method: 'POST',
    route: '/api/rounds/:roundId/applications/:applicationId/abandon',
    target: 'application',
    update: abandonApplication,
    schema: atEdge(withdrawApplicationInputSchema),
    roles: ['collegeStaff', 'collegeLeader', 'academicAffairs'],
    scope: 'application',
    cli: 'app abandon <roundId> <applicationId>',
    flags: [{ flag: '--reason <text>', field: 'reason', help: '理由 / why' }],
    summary: { zh: '放弃申报（第八条）', en: 'abandon the application (Art. 8)' },
    tag: 'rounds',
  },
  signOffApplication: {
    method: 'POST',
    route: '/api/rounds/:roundId/applications/:applicationId/sign-off',
    target: 'application',
    update: signOffApplication,
    schema: atEdge(signOffInputSchema),
    roles: ['collegeLeader'],
    scope: 'application',
    cli: 'app sign <roundId> <applicationId>',
    summary: {
      zh: '学院负责人签字（声明材料真实）或退回（第五条（二））',
      en: 'the college leader signs off (declaring the materials authentic) or returns it (Art. 5(2))',
    },
    tag: 'rounds',
  },
  reviewApplication: {
    method: 'POST',
    route: '/api/rounds/:roundId/applications/:applicationId/review',
    target: 'application',
    update: reviewApplication,
    schema: atEdge(reviewInputSchema),
    roles: AA,
    scope: 'application',
    cli: 'app review <roundId> <applicationId>',
    summary: {
      zh: '教务部审核：通过、退回或不予通过（第九条（二））',
      en: 'Academic Affairs reviews: approve, return or reject (Art. 9(2))',
    },
    tag: 'rounds',
  },
  waiveApplicationRule: {
    method: 'POST',
    route: '/api/rounds/:roundId/applications/:applicationId/waivers',
    target: 'application',
    update: waiveApplicationRule,
    schema: atEdge(waiveRuleInputSchema),
    roles: AA,
    scope: 'application',
    cli: 'app waive <roundId> <applicationId>',
    summary: { zh: '豁免一条可豁免的申报规则（教务部，第八条）', en: 'waive a waivable application rule (Academic Affairs, Art. 8)' },
    tag: 'rounds',
  },
  recordPassRecord: {
    method: 'POST',
    route: '/api/pass-records',
    target: 'service',
    schema: recordPassRecordSchema,
    roles: AA,
    scope: 'open',
    status: 201,
    cli: 'pass-record add',
    summary: { zh: '录入或更正试点通过率记录（教务部，第十二条）', en: 'record or correct a pass record (Academic Affairs, Art. 12)' },
    tag: 'rounds',
  },
  passRecords: {
    method: 'GET',
    route: '/api/pass-records',
    target: 'service',
    schema: passRecordFilterSchema,
    roles: 'any',
    scope: 'passRecordList',
    cli: 'pass-record list',
    summary: { zh: '试点通过率记录（第十二条）', en: 'pass records (Art. 12)' },
    tag: 'rounds',
  },
  // ── Documents (材料: Art. 5, 11, 13, 18, 19) ─────────────────────────────────────────
  uploadDocument: {
    method: 'POST',
    route: '/api/pilots/:id/documents',
    target: 'service',
    schema: none,
    multipart: true,
    idempotent: false,
    roles: COLLEGE,
    scope: 'pilot',
    status: 201,
    cli: 'document upload <pilotId>',
    summary: {
      zh: '上传试点材料（multipart：先 kind 字段，再一个 file 文件；类型按内容判断；第五、十一、十三、十八、十九条的材料）',
      en: 'upload a document (multipart: kind, then one file; type judged from content; the records of Art. 5, 11, 13, 18, 19)',
    },
    tag: 'documents',
  },
  listDocuments: {
    method: 'GET',
    route: '/api/pilots/:id/documents',
    target: 'service',
    schema: none,
    roles: 'any',
    scope: 'pilot',
    cli: null,
    summary: {
      zh: '试点的全部材料及上传、受限材料下载记录（第十八、十九条）',
      en: "a pilot's documents, with uploads and restricted downloads (Art. 18, 19)",
    },
    tag: 'documents',
  },
  downloadDocument: {
    method: 'GET',
    route: '/api/documents/:documentId',
    target: 'service',
    schema: none,
    roles: 'any',
    scope: 'self',
    cli: null,
    summary: {
      zh: '下载材料：与所属试点同样的查看范围；受限材料的下载记入审计（第十八、十九条）',
      en: 'download a document, scoped like its pilot; restricted downloads are audited (Art. 18, 19)',
    },
    tag: 'documents',
  },
  // ── What the web page reads ──────────────────────────────────────────────────────────
  inbox: {
    method: 'GET',
    route: '/api/inbox',
    target: 'service',
    schema: none,
    roles: 'any',
    scope: 'self',
    cli: null,
    summary: { zh: '我的待办：等待当前用户办理的事项', en: 'what waits on the signed-in user' },
    tag: 'web',
  },
  catalogue: {
    method: 'GET',
    route: '/api/catalogue',
    target: 'service',
    schema: none,
    roles: 'any',
    scope: 'open',
    cli: null,
    summary: {
      zh: '学院、专业与证书目录（新建试点时选择，含运行中试点已有的条目）',
      en: 'the catalogue of colleges, majors and certificates (chosen when starting a pilot; includes what running pilots carry)',
    },
    tag: 'web',
  },
  dashboard: {
    method: 'GET',
    route: '/api/dashboard',
    target: 'service',
    schema: dashboardFilterSchema,
    roles: 'any',
    scope: 'self',
    cli: null,
    summary: {
      zh: '督查总览：按学院、阶段、督办、逾期、取消风险筛选（第十八、十九条）',
      en: "the supervisors' dashboard (Art. 18, 19)",
    },
    tag: 'web',
  },
} as const satisfies Record<string, ActionSpec>;

export type ActionName = keyof typeof actions;

/** What the page receives of each action: its method and route, and who may take it (the page offers a form only to them). */
export interface PageRoute {
  method: string;
  route: string;
  roles: readonly Role[] | 'any';
}

export const actionNames = Object.keys(actions) as ActionName[];

/** The action's route with its parameters filled in (each percent-encoded). */
export function actionPath(name: ActionName, params: Record<string, string> = {}): string {
  return fillRoute(actions[name].route, params);
}

/** What the web page needs of each action: its method and route (emitted into the page as data). */
export function pageRoutes(): Record<ActionName, PageRoute> {
  return Object.fromEntries(
    actionNames.map((n) => [n, { method: actions[n].method, route: actions[n].route, roles: actions[n].roles }]),
  ) as Record<ActionName, PageRoute>;
}
