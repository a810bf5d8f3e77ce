/**
 * CLI commands for approvals (Art. 6(4), 7, 13) and rectifications (Art. 18). Subjects and
 * re-inspections come from JSON files; every input is checked locally with the same schemas
 * the API and the workflows use.
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import {
  approvalKindNames,
  ccApprovalInputSchema,
  decideApprovalInputSchema,
  delegateApprovalInputSchema,
  resubmitApprovalInputSchema,
} from '../domain/approval-kinds';
import { approvalOutcomes } from '../domain/approval';
import { formatShanghai, formatShanghaiMinute } from '../domain/calendar';
import { approvalSubmissionInputSchema } from '../domain/pilot-actions';
import { safeParseBilingual } from '../domain/validation';
import type { ApprovalState, ApprovalUpdateResult } from '../workflows/approval-types';
import type { ActionResult } from '../workflows/pilot-state';
import type { RectificationState } from '../workflows/rectification-types';
import { actionCommand, bodyFromFlags, check, out, parseActor, read, send, type Globals } from './cli-common';

const actorOption = () => new Option('--actor <id:role[:college]>', '操作人 / actor').env('ONEX_ACTOR');
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8')) as unknown;
const statusNames: Record<string, string> = {
  pending: '审批中 pending',
  returned: '已退回 returned',
  approved: '已通过 approved',
  rejected: '未通过 rejected',
  withdrawn: '已撤回 withdrawn',
  awaitingFiling: '待备案 awaiting filing',
  cancelled: '已取消 cancelled',
};

function showApproval(a: ApprovalState): string {
  return [
    `审批 / Approval:   ${a.approvalId} — ${a.title.zh} / ${a.title.en}`,
    `状态 / Status:     ${statusNames[a.status] ?? a.status}（第 ${a.round} 次提交 / submission ${a.round}）`,
    a.currentStep
      ? `当前环节 / Step:  ${a.currentStep.title.zh} / ${a.currentStep.title.en}，截止 / due ${formatShanghai(Date.parse(a.currentStep.dueAt))}`
      : '',
    ...a.decisions.map(
      (d) =>
        `  ${formatShanghaiMinute(Date.parse(d.at))}\t${d.stepTitle.zh}\t${d.outcome}\t${d.actor.id}${d.onBehalfOf ? `（代 ${d.onBehalfOf} / on behalf of ${d.onBehalfOf}）` : ''}${d.comment ? `\t${d.comment}` : ''}`,
    ),
  ]
    .filter(Boolean)
    .join('\n');
}

function updated(g: Globals, r: ApprovalUpdateResult): void {
  out(g, r, () => `状态 / status: ${statusNames[r.status] ?? r.status}${r.currentStepId ? `，当前环节 / step ${r.currentStepId}` : ''}`);
}

export function addApprovalCommands(program: Command, g: () => Globals): void {
  program.command('approval').description('审批：预算（第十三条）、变更（第七条）、考评人员培训计划（第六条（四））/ approvals');
  actionCommand(program, 'submitForApproval')
    .addOption(new Option('--kind <kind>').choices(approvalKindNames).makeOptionMandatory())
    .requiredOption('--file <path>', '预算方案、变更申请或培训计划 JSON / the subject as JSON')
    .addOption(actorOption())
    .action(async (pilotId: string, o: { kind: string; file: string; actor?: string }) => {
      const actor = parseActor(o.actor);
      const subject = {
        pilotId,
        ...(readJson(o.file) as object),
        ...(o.kind === 'changeRequest' ? { requestedBy: actor, requestedAt: new Date().toISOString() } : {}),
      };
      const body = check(safeParseBilingual(approvalSubmissionInputSchema, { kind: o.kind, subject, actor }));
      const res = await send<ActionResult & { approvalId: string; workflowId: string }>(g(), 'submitForApproval', { id: pilotId }, body);
      out(g(), res, () => `已提交审批 / submitted: ${res.approvalId}（${res.workflowId}）`);
    });
  actionCommand(program, 'approvalState').action(async (pilotId: string, approvalId: string) => {
    const a = await read<ApprovalState>(g(), 'approvalState', { id: pilotId, approvalId });
    out(g(), a, () => showApproval(a));
  });
  actionCommand(program, 'decideApproval')
    .requiredOption('--step <stepId>', '当前环节 / the current step id (college, academicAffairs, schoolLeader)')
    .addOption(new Option('--outcome <outcome>').choices(approvalOutcomes).makeOptionMandatory())
    .option('--comment <text>', '意见（退回、不予通过时必填）/ comment (required to return or reject)')
    .option('--return-to <target>', '退回至：submitter 或之前的环节 / submitter or an earlier step')
    .addOption(actorOption())
    .option('--on-behalf-of <user>', '代谁审批（受托人）/ as whose delegate')
    .action(
      async (
        pilotId: string,
        approvalId: string,
        o: { step: string; outcome: string; comment?: string; returnTo?: string; actor?: string; onBehalfOf?: string },
      ) => {
        const body = check(
          safeParseBilingual(decideApprovalInputSchema, {
            stepId: o.step,
            outcome: o.outcome,
            ...(o.comment ? { comment: o.comment } : {}),
            ...(o.returnTo ? { returnTo: o.returnTo } : {}),
            actor: parseActor(o.actor, o.onBehalfOf),
          }),
        );
        updated(g(), await send<ApprovalUpdateResult>(g(), 'decideApproval', { id: pilotId, approvalId }, body));
      },
    );
  actionCommand(program, 'resubmitApproval')
    .requiredOption('--file <path>')
    .option('--note <text>')
    .addOption(actorOption())
    .action(async (pilotId: string, approvalId: string, o: { file: string; note?: string; actor?: string }) => {
      const body = check(
        safeParseBilingual(resubmitApprovalInputSchema, {
          subject: { pilotId, ...(readJson(o.file) as object) },
          ...(o.note ? { note: o.note } : {}),
          actor: parseActor(o.actor),
        }),
      );
      updated(g(), await send<ApprovalUpdateResult>(g(), 'resubmitApproval', { id: pilotId, approvalId }, body));
    });
  actionCommand(program, 'withdrawApproval')
    .addOption(actorOption())
    .action(async (pilotId: string, approvalId: string, o: { actor?: string }) => {
      const body = { ...bodyFromFlags('withdrawApproval', o), actor: parseActor(o.actor) };
      updated(g(), await send<ApprovalUpdateResult>(g(), 'withdrawApproval', { id: pilotId, approvalId }, body));
    });
  actionCommand(program, 'delegateApproval')
    .requiredOption('--step <stepId>')
    .requiredOption('--to-user <id>')
    .requiredOption('--to-email <email>')
    .option('--to-name <name>')
    .requiredOption('--until <instant>', '有效期至（ISO 时间）/ valid until (ISO instant)')
    .addOption(actorOption())
    .action(
      async (
        pilotId: string,
        approvalId: string,
        o: { step: string; toUser: string; toEmail: string; toName?: string; until: string; actor?: string },
      ) => {
        const body = check(
          safeParseBilingual(delegateApprovalInputSchema, {
            stepId: o.step,
            delegate: { userId: o.toUser, email: o.toEmail, ...(o.toName ? { name: o.toName } : {}) },
            validUntil: o.until,
            actor: parseActor(o.actor),
          }),
        );
        updated(g(), await send<ApprovalUpdateResult>(g(), 'delegateApproval', { id: pilotId, approvalId }, body));
      },
    );
  actionCommand(program, 'ccApproval')
    .addOption(actorOption())
    .action(async (pilotId: string, approvalId: string, emails: string[], o: { actor?: string }) => {
      const body = check(
        safeParseBilingual(ccApprovalInputSchema, { people: emails.map((email) => ({ email })), actor: parseActor(o.actor) }),
      );
      updated(g(), await send<ApprovalUpdateResult>(g(), 'ccApproval', { id: pilotId, approvalId }, body));
    });
  actionCommand(program, 'recordApprovalFiling')
    .addOption(actorOption())
    .action(async (pilotId: string, approvalId: string, o: { actor?: string }) => {
      const body = { ...bodyFromFlags('recordApprovalFiling', o), actor: parseActor(o.actor) };
      updated(g(), await send<ApprovalUpdateResult>(g(), 'recordApprovalFiling', { id: pilotId, approvalId }, body));
    });

  program.command('rectification').description('整改（第十八条）/ rectifications (Art. 18)');
  actionCommand(program, 'rectificationState').action(async (pilotId: string, inspectionId: string) => {
    const r = await read<RectificationState>(g(), 'rectificationState', { id: pilotId, inspectionId });
    out(
      g(),
      r,
      () => `整改 / Rectification ${r.rectificationId}: ${r.status}，截止 / due ${formatShanghai(Date.parse(r.rectification.dueAt))}`,
    );
  });
  actionCommand(program, 'recordReinspection')
    .requiredOption('--file <path>')
    .addOption(actorOption())
    .action(async (pilotId: string, inspectionId: string, o: { file: string; actor?: string }) => {
      const res = await send<{ passed: boolean; status: string }>(
        g(),
        'recordReinspection',
        { id: pilotId, inspectionId },
        {
          ...(readJson(o.file) as object),
          inspector: parseActor(o.actor),
        },
      );
      out(g(), res, () =>
        res.passed
          ? '复查合格，整改完成 / passed: the rectification is closed'
          : `复查不合格，整改继续 / failed: the rectification goes on (${res.status})`,
      );
    });
}
