/**
 * The one dictionary of Chinese names (with English beside them) for every code a person
 * could otherwise read: roles, audit actions, e-mail kinds, statuses and stages, fund uses and
 * income sources, document kinds. Pages, e-mails and exports name codes through {@link nameOf}
 * and nothing else; enums whose names live beside their schema (roles, fund uses, …) are
 * gathered here, the rest are written here. A code without a name reads as 其他 / other,
 * never as the code; a test fails when the workflows record an action that has no name.
 */
import { roleNames, type Role } from './actor';
import type { ApprovalKind } from './approval-kinds';
import { assessmentFormNames } from './assessment';
import { fundingSourceNames } from './budget';
import { documentKindNames } from './documents';
import type { Bilingual } from './errors';
import { fundUseNames, incomeSourceNames, type IncomeAccount } from './funds';
import { contentNames } from './inspection';
import type { NotificationKind } from './notifications';
import { certificateLevelNames } from './pilot';
import { applicationStatusNames, roundStageNames, stepNames } from './round';
import type { RoundNotificationKind } from './round-notifications';
import { violationGroundNames } from './violation';
import type { PeriodOutcome } from './weekly';

/** What each audit action of a pilot (its audit trail, timeline and exports) is called. */
export const auditActionNames = {
  'approval.submit': { zh: '提交审批', en: 'approval submitted' },
  'approval.approved': { zh: '审批通过', en: 'approval approved' },
  'approval.rejected': { zh: '审批未通过', en: 'approval rejected' },
  'approval.withdrawn': { zh: '撤回审批', en: 'approval withdrawn' },
  'approval.submitted': { zh: '审批已发起', en: 'approval started' },
  'approval.stepOpened': { zh: '进入审批环节', en: 'approval step opened' },
  'approval.reminded': { zh: '审批催办', en: 'approval reminder' },
  'approval.escalated': { zh: '审批逾期上报', en: 'approval escalated' },
  'approval.returned': { zh: '审批退回', en: 'approval returned' },
  'approval.resubmitted': { zh: '退回后重新提交', en: 'approval resubmitted' },
  'approval.delegated': { zh: '委托审批', en: 'approval delegated' },
  'approval.ccAdded': { zh: '抄送', en: 'copied' },
  'approval.filingRecorded': { zh: '登记省厅备案', en: 'provincial filing recorded' },
  'approval.concluded': { zh: '审批办结', en: 'approval concluded' },
  'approval.parentSignalled': { zh: '审批结果已告知试点', en: 'result passed to the pilot' },
  'approval.parentSignalFailed': { zh: '审批结果告知试点失败', en: 'result could not reach the pilot' },
  'approval.cancelled': { zh: '审批已取消', en: 'approval cancelled' },
  'assessment.record': { zh: '登记考核安排', en: 'assessment recorded' },
  'assessment.restriction': { zh: '通过率限制申报', en: 'pass-rate restriction' },
  'assessment.result': { zh: '登记考核结果', en: 'assessment result recorded' },
  'budget.approved': { zh: '预算批准', en: 'budget approved' },
  'calendar.refresh': { zh: '更新工作日历', en: 'calendar refreshed' },
  'calendar.warning': { zh: '工作日历提醒', en: 'calendar warning' },
  'change.applied': { zh: '变更生效', en: 'change applied' },
  'deadline.extend': { zh: '延长期限', en: 'deadline extended' },
  'document.upload': { zh: '上传材料', en: 'document uploaded' },
  'document.download': { zh: '下载受限材料', en: 'restricted document downloaded' },
  'email.failed': { zh: '邮件发送失败', en: 'e-mail failed' },
  'inspection.record': { zh: '登记检查结果', en: 'inspection recorded' },
  'ledger.expense': { zh: '专项资金支出', en: 'expense booked' },
  'ledger.income': { zh: '专项资金收入', en: 'income booked' },
  'pilot.cancel': { zh: '取消试点', en: 'pilot cancelled' },
  'pilot.complete': { zh: '试点结束', en: 'pilot completed' },
  'pilot.riskFlagged': { zh: '标记取消风险', en: 'cancellation risk flagged' },
  'provincial.missed': { zh: '未按时报送省级材料', en: 'provincial submission missed' },
  'provincial.request': { zh: '省级材料报送要求', en: 'provincial request recorded' },
  'provincial.submit': { zh: '报送省级材料', en: 'provincial material submitted' },
  'rectification.closed': { zh: '整改完成', en: 'rectification closed' },
  'rectification.open': { zh: '下达整改', en: 'rectification opened' },
  'rectification.overdue': { zh: '整改逾期', en: 'rectification overdue' },
  'rectification.reinspectionFailed': { zh: '复查未通过', en: 'reinspection failed' },
  'registry.reportFailed': { zh: '通过率上报失败', en: 'pass-record report failed' },
  'reminder.manual': { zh: '手动催办', en: 'manual reminder' },
  'violation.record': { zh: '登记违规', en: 'violation recorded' },
  'weeklyReport.missed': { zh: '工作周报未按时提交', en: 'weekly report missed' },
  'weeklyReport.submit': { zh: '提交工作周报', en: 'weekly report submitted' },
} as const satisfies Record<string, Bilingual>;
export type AuditAction = keyof typeof auditActionNames;

/** What each e-mail is called (pilot, approval, rectification and round mails). */
export const emailKindNames: Record<NotificationKind | RoundNotificationKind, Bilingual> = {
  weeklyReminder: { zh: '周报提醒', en: 'weekly report reminder' },
  weeklyMissed: { zh: '周报未交提醒', en: 'weekly report missed' },
  pilotNotice: { zh: '试点通知', en: 'pilot notice' },
  approvalStepRequested: { zh: '待审批通知', en: 'approval requested' },
  approvalStepReminder: { zh: '审批催办', en: 'approval reminder' },
  approvalStepOverdue: { zh: '审批逾期', en: 'approval overdue' },
  approvalReturned: { zh: '审批退回', en: 'approval returned' },
  approvalDecided: { zh: '审批意见', en: 'approval decided' },
  approvalConcluded: { zh: '审批办结', en: 'approval concluded' },
  approvalDelegated: { zh: '审批委托', en: 'approval delegated' },
  rectificationOpened: { zh: '整改通知', en: 'rectification opened' },
  rectificationReminder: { zh: '整改提醒', en: 'rectification reminder' },
  rectificationOverdue: { zh: '整改逾期', en: 'rectification overdue' },
  rectificationClosed: { zh: '整改完成', en: 'rectification closed' },
  roundOpened: { zh: '申报通知', en: 'call for applications' },
  stepReminder: { zh: '申报环节提醒', en: 'application step reminder' },
  stepOverdue: { zh: '申报环节逾期', en: 'application step overdue' },
  returnedForRevision: { zh: '申报退回修改', en: 'application returned' },
  provincialResult: { zh: '省级评审结果', en: 'provincial result' },
  publicNoticeStarted: { zh: '公示开始', en: 'public notice started' },
};

export const weeklyOutcomeNames: Record<PeriodOutcome, Bilingual> = {
  pending: { zh: '待提交', en: 'pending' },
  onTime: { zh: '按时', en: 'on time' },
  late: { zh: '迟交', en: 'late' },
  missed: { zh: '未交', en: 'missed' },
};

export const pilotStageNames = {
  implementation: { zh: '实施中', en: 'in implementation' },
  running: { zh: '实施中', en: 'in implementation' },
  completed: { zh: '已结束', en: 'completed' },
  cancelled: { zh: '已取消', en: 'cancelled' },
} as const satisfies Record<string, Bilingual>;

/** A process's state as Temporal reports it (the pilot list), in words. */
export const processStatusNames = {
  RUNNING: { zh: '进行中', en: 'running' },
  COMPLETED: { zh: '已结束', en: 'completed' },
  CANCELLED: { zh: '已取消', en: 'cancelled' },
  TERMINATED: { zh: '已终止', en: 'terminated' },
  FAILED: { zh: '运行失败', en: 'failed' },
  TIMED_OUT: { zh: '已超时', en: 'timed out' },
  CONTINUED_AS_NEW: { zh: '已续行', en: 'continued' },
} as const satisfies Record<string, Bilingual>;

export const approvalKindDisplayNames: Record<ApprovalKind, Bilingual> = {
  budget: { zh: '经费预算', en: 'budget' },
  changeRequest: { zh: '变更申请', en: 'change request' },
  examinerPlan: { zh: '考评员培训计划', en: 'examiner-training plan' },
};

export const approvalStatusNames = {
  starting: { zh: '发起中', en: 'starting' },
  pending: { zh: '审批中', en: 'pending' },
  returned: { zh: '已退回待修改', en: 'returned for revision' },
  approved: { zh: '已批准', en: 'approved' },
  rejected: { zh: '未批准', en: 'rejected' },
  withdrawn: { zh: '已撤回', en: 'withdrawn' },
  awaitingFiling: { zh: '待备案', en: 'awaiting filing' },
  cancelled: { zh: '已取消', en: 'cancelled' },
  concluded: { zh: '已办结', en: 'concluded' },
} as const satisfies Record<string, Bilingual>;

/** An approver's decision at a step (domain/approval.ts approvalOutcomes). */
export const approvalOutcomeNames = {
  approve: { zh: '同意', en: 'approve' },
  return: { zh: '退回修改', en: 'return for revision' },
  reject: { zh: '不予通过', en: 'reject' },
} as const satisfies Record<string, Bilingual>;

/** What an item of 我的待办 is (client/web/view.ts InboxKind). */
export const inboxKindNames = {
  weeklyReport: { zh: '工作周报', en: 'weekly report' },
  provincialSubmission: { zh: '省厅材料报送', en: 'provincial material' },
  rectification: { zh: '限期整改', en: 'rectification' },
  approval: { zh: '审批', en: 'approval' },
  inspection: { zh: '定期检查', en: 'inspection' },
  chase: { zh: '督办', en: 'follow-up' },
} as const satisfies Record<string, Bilingual>;

export const rectificationStatusNames = {
  open: { zh: '整改中', en: 'open' },
  overdue: { zh: '整改逾期', en: 'overdue' },
  closed: { zh: '整改完成', en: 'closed' },
  cancelled: { zh: '已取消', en: 'cancelled' },
} as const satisfies Record<string, Bilingual>;

/** Art. 19(1): where a provincial material request stands. */
export const provincialOutcomeNames = {
  pending: { zh: '待报送', en: 'pending' },
  submitted: { zh: '按时报送', en: 'submitted on time' },
  late: { zh: '逾期报送', en: 'submitted late' },
  missed: { zh: '未按时报送', en: 'missed' },
} as const satisfies Record<string, Bilingual>;

/** Art. 18: an inspection's result. */
export const inspectionOutcomeNames = {
  pass: { zh: '通过', en: 'passed' },
  fail: { zh: '未通过', en: 'failed' },
} as const satisfies Record<string, Bilingual>;

/** Where an income entry is booked (Art. 14). */
export const incomeAccountNames: Record<IncomeAccount, Bilingual> = {
  pilotSpecialFund: { zh: '试点专项资金', en: 'pilot special fund' },
  schoolGeneral: { zh: '学校统筹经费', en: 'school general account' },
};

/**
 * The fields of an audit entry's before and after values (workflows/pilot/*.ts `ctx.audit`),
 * so an export reads 余额 3,000.00 元, never the field's code.
 */
export const auditFieldNames = {
  balanceFen: { zh: '余额', en: 'balance' },
  approvedBudgetFen: { zh: '批准预算', en: 'approved budget' },
  publishedFeeFen: { zh: '公布的考核收费', en: 'published fee' },
  waivers: { zh: '豁免', en: 'waivers' },
  passed: { zh: '通过人数', en: 'passed' },
  candidates: { zh: '考核人数', en: 'candidates' },
  passRate: { zh: '通过率', en: 'pass rate' },
  rateBp: { zh: '通过率', en: 'pass rate' },
  year: { zh: '年度', en: 'year' },
  restricted: { zh: '限制下一年申报', en: "restricts next year's application" },
  approvalId: { zh: '审批事项编号', en: 'approval' },
  kind: { zh: '事项类别', en: 'kind' },
  outcome: { zh: '结果', en: 'outcome' },
  lead: { zh: '试点负责人', en: 'pilot lead' },
  startDate: { zh: '开始日期', en: 'start date' },
  endDate: { zh: '结束日期', en: 'end date' },
  dueAt: { zh: '截止时间', en: 'due' },
  coveredYears: { zh: '工作日历覆盖年份', en: 'calendar years covered' },
  items: { zh: '提醒事项', en: 'items' },
  id: { zh: '编号', en: 'id' },
  ground: { zh: '违规情形', en: 'ground' },
  evidence: { zh: '证据', en: 'evidence' },
  failed: { zh: '未通过的检查内容', en: 'failed contents' },
  at: { zh: '时间', en: 'time' },
  assessed: { zh: '已考核人数', en: 'assessed' },
  approvedTask: { zh: '批准的考核任务', en: 'approved assessment task' },
  accountability: { zh: '问责', en: 'accountability' },
} as const satisfies Record<string, Bilingual>;

/** Every category of code, by the name callers use. */
export const dictionary = {
  role: roleNames as Record<Role, Bilingual>,
  auditAction: auditActionNames,
  emailKind: emailKindNames,
  weeklyOutcome: weeklyOutcomeNames,
  pilotStage: pilotStageNames,
  processStatus: processStatusNames,
  approvalKind: approvalKindDisplayNames,
  approvalStatus: approvalStatusNames,
  approvalOutcome: approvalOutcomeNames,
  inboxKind: inboxKindNames,
  rectificationStatus: rectificationStatusNames,
  fundUse: fundUseNames,
  incomeSource: incomeSourceNames,
  fundingSource: fundingSourceNames,
  assessmentForm: assessmentFormNames,
  certificateLevel: certificateLevelNames,
  documentKind: documentKindNames,
  applicationStatus: applicationStatusNames,
  roundStage: roundStageNames,
  applicationStep: stepNames,
  provincialOutcome: provincialOutcomeNames,
  inspectionOutcome: inspectionOutcomeNames,
  inspectionContent: contentNames,
  violationGround: violationGroundNames,
  incomeAccount: incomeAccountNames,
  auditField: auditFieldNames,
} satisfies Record<string, Record<string, Bilingual>>;
export type NameCategory = keyof typeof dictionary;

const other = { zh: '其他', en: 'other' } as const;

/** The name of `code` in `category`; 其他 / other for a code the dictionary does not know (never the code). */
export function nameOf(category: NameCategory, code: string | undefined): Bilingual {
  if (code === undefined) return { zh: '—', en: '—' };
  const names = dictionary[category] as Record<string, Bilingual>;
  return Object.prototype.hasOwnProperty.call(names, code) ? names[code]! : other;
}

/** "中文 English", the form exports and e-mails print a name in. */
export function bilingualName(category: NameCategory, code: string | undefined): string {
  const n = nameOf(category, code);
  return n.zh === n.en ? n.zh : `${n.zh} ${n.en}`;
}
