/**
 * CLI commands for the pilot's implementation lifecycle (Art. 11–20). Amounts are given in
 * yuan (e.g. 400.01) and converted to integer fen exactly; complex subjects (assessment
 * sessions, inspections) may come from a JSON file. Input is checked locally with the same
 * schemas as the API and the workflow before anything is sent.
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { documentKinds } from '../domain/documents';
import { formatShanghaiMinute, shanghaiDate } from '../domain/calendar';
import { formatRuleResult, type RuleResult } from '../domain/errors';
import { fundUses, incomeSources } from '../domain/funds';
import { formatFen, yuanStringSchema } from '../domain/money';
import {
  assessmentInputSchema,
  expenseInputSchema,
  extendDeadlineInputSchema,
  incomeInputSchema,
  inspectionInputSchema,
  provincialRequestInputSchema,
  provincialSubmissionInputSchema,
  violationInputSchema,
} from '../domain/pilot-actions';
import { safeParseBilingual } from '../domain/validation';
import { violationGrounds } from '../domain/violation';
import type { ActionResult, AuditEntry } from '../workflows/pilot-state';
import { actionCommand, bodyFromFlags, check, out, parseActor, read, send, type Globals } from './cli-common';
import type { LedgerAnswer } from './service';

const actorOption = () => new Option('--actor <id:role[:college]>', '操作人 / actor').env('ONEX_ACTOR');
const today = () => shanghaiDate(Date.now());
const fen = (yuan: string, field: string) => check(safeParseBilingual(yuanStringSchema, yuan, field));
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

function done(g: Globals, res: ActionResult): void {
  out(g, res, () => `已记录 / recorded: ${res.audit.summary.zh} / ${res.audit.summary.en}`);
}

/** A ledger entry: booked now, or already booked under its id with the same content (a replay). */
function booked(g: Globals, res: LedgerAnswer): void {
  if (!res.replayed) return done(g, res);
  const a = formatFen(res.entry.amountFen);
  out(
    g,
    res,
    () =>
      `已记账，未重复记账 / already booked, not booked again: ${res.entry.id}（${res.entry.kind === 'income' ? '收入' : '支出'} ${a.zh}，${res.entry.date}）/ (${res.entry.kind} of ${a.en}, ${res.entry.date})`,
  );
}

export function addLifecycleCommands(program: Command, g: () => Globals): void {
  program.command('document').description('试点材料（附件）/ documents of a pilot');
  actionCommand(program, 'uploadDocument')
    .addOption(new Option('--kind <kind>', '材料类别 / what the document is').choices(documentKinds).makeOptionMandatory())
    .requiredOption('--file <path>', '文件路径 / the file to upload')
    .action(async (pilotId: string, o: { kind: string; file: string }) => {
      const form = new FormData();
      form.append('kind', o.kind);
      form.append('file', new Blob([new Uint8Array(readFileSync(o.file))]), basename(o.file));
      const d = await send<{ id: string; sha256: string; name: string; size: number; type: string }>(
        g(),
        'uploadDocument',
        { id: pilotId },
        form,
      );
      out(g(), d, () => `已上传 / uploaded ${d.name}: ${d.id} (${d.size} B, ${d.type}, sha256 ${d.sha256})`);
    });
  program.command('provincial').description('省厅材料报送（第十九条第一项）/ provincial material requests (Art. 19(1))');
  actionCommand(program, 'bulkProvincialRequest')
    .requiredOption('--id <id>', '要求编号 / request id')
    .requiredOption('--title <title>', '材料名称 / what is requested')
    .requiredOption('--due <date>', '截止日期 / due date YYYY-MM-DD')
    .option('--requested-on <date>', '通知日期 / requested on', today())
    .option('--dry-run', '只检查，不登记 / check only, record nothing')
    .addOption(actorOption())
    .action(
      async (pilotIds: string[], o: { id: string; title: string; due: string; requestedOn: string; dryRun?: boolean; actor?: string }) => {
        const actor = parseActor(o.actor);
        for (const pilotId of pilotIds)
          check(
            safeParseBilingual(provincialRequestInputSchema, {
              id: o.id,
              pilotId,
              title: o.title,
              requestedOn: o.requestedOn,
              dueDate: o.due,
              recordedBy: actor,
            }),
          );
        const res = await send<{ dryRun: boolean; results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] }>(
          g(),
          'bulkProvincialRequest',
          {},
          {
            pilotIds,
            request: { id: o.id, title: o.title, requestedOn: o.requestedOn, dueDate: o.due },
            actor,
            dryRun: Boolean(o.dryRun),
          },
        );
        out(g(), res, () =>
          [
            res.dryRun ? '试运行，未登记 / dry run, nothing recorded' : '登记结果 / results',
            ...res.results.map((r) => `${r.pilotId}\t${r.ok ? '✓' : `✗ ${(r.errors ?? []).map(formatRuleResult).join('; ')}`}`),
          ].join('\n'),
        );
        if (res.results.some((r) => !r.ok)) process.exitCode = 2;
      },
    );
  actionCommand(program, 'submitProvincialMaterial')
    .option('--note <text>', '说明 / note')
    .addOption(actorOption())
    .option('--on-behalf-of <user>', '代谁登记 / on whose behalf')
    .action(async (pilotId: string, requestId: string, o: { note?: string; actor?: string; onBehalfOf?: string }) => {
      const body = check(
        safeParseBilingual(provincialSubmissionInputSchema, { requestId, note: o.note, actor: parseActor(o.actor, o.onBehalfOf) }),
      );
      done(g(), await send<ActionResult>(g(), 'submitProvincialMaterial', { id: pilotId, sub: requestId }, body));
    });

  program.command('ledger').description('专项资金账（第五条第三项、第十一、十四条）/ the special-fund ledger (Art. 5(3), 11, 14)');
  actionCommand(program, 'recordExpense')
    .requiredOption('--id <id>')
    .addOption(new Option('--category <category>', '用途 / use').choices(fundUses).makeOptionMandatory())
    .requiredOption('--amount <yuan>', '金额（元）/ amount in yuan')
    .requiredOption('--description <text>')
    .option('--date <date>', '日期 / date', today())
    .addOption(actorOption())
    .action(
      async (pilotId: string, o: { id: string; category: string; amount: string; description: string; date: string; actor?: string }) => {
        const body = check(
          safeParseBilingual(expenseInputSchema, {
            id: o.id,
            pilotId,
            date: o.date,
            category: o.category,
            amountFen: fen(o.amount, 'amount'),
            description: o.description,
            actor: parseActor(o.actor),
          }),
        );
        booked(g(), await send<LedgerAnswer>(g(), 'recordExpense', { id: pilotId }, body));
      },
    );
  actionCommand(program, 'recordIncome')
    .requiredOption('--id <id>')
    .addOption(new Option('--source <source>', '来源 / source').choices(incomeSources).makeOptionMandatory())
    .requiredOption('--payer <name>', '付款方 / payer')
    .requiredOption('--amount <yuan>', '金额（元）/ amount in yuan')
    .option('--date <date>', '日期 / date', today())
    .addOption(actorOption())
    .action(async (pilotId: string, o: { id: string; source: string; payer: string; amount: string; date: string; actor?: string }) => {
      const body = check(
        safeParseBilingual(incomeInputSchema, {
          id: o.id,
          pilotId,
          date: o.date,
          source: o.source,
          payer: o.payer,
          amountFen: fen(o.amount, 'amount'),
          actor: parseActor(o.actor),
        }),
      );
      booked(g(), await send<LedgerAnswer>(g(), 'recordIncome', { id: pilotId }, body));
    });

  actionCommand(program, 'recordAssessment')
    .requiredOption('--file <path>', '考核场次 JSON / session JSON')
    .option('--fee-cap-waiver <reason>', '教务部豁免收费上限的理由 / Academic Affairs waiver of the fee cap, with its reason')
    .addOption(actorOption())
    .action(async (pilotId: string, o: { file: string; feeCapWaiver?: string; actor?: string }) => {
      const body = check(
        safeParseBilingual(assessmentInputSchema, {
          session: { pilotId, ...readJson(o.file) },
          actor: parseActor(o.actor),
          ...(o.feeCapWaiver ? { feeCapWaiverReason: o.feeCapWaiver } : {}),
        }),
      );
      done(g(), await send<ActionResult>(g(), 'recordAssessment', { id: pilotId }, body));
    });
  actionCommand(program, 'recordAssessmentResult')
    .addOption(actorOption())
    .action(async (pilotId: string, sessionId: string, o: { actor?: string }) => {
      const body = { sessionId, ...bodyFromFlags('recordAssessmentResult', o), actor: parseActor(o.actor) };
      done(g(), await send<ActionResult>(g(), 'recordAssessmentResult', { id: pilotId, sub: sessionId }, body));
    });
  actionCommand(program, 'recordInspection')
    .requiredOption('--file <path>', '检查结果 JSON / inspection JSON')
    .addOption(actorOption())
    .action(async (pilotId: string, o: { file: string; actor?: string }) => {
      const body = check(safeParseBilingual(inspectionInputSchema, { pilotId, ...readJson(o.file), inspector: parseActor(o.actor) }));
      done(g(), await send<ActionResult>(g(), 'recordInspection', { id: pilotId }, body));
    });
  actionCommand(program, 'recordViolation')
    .requiredOption('--id <id>')
    .addOption(new Option('--ground <ground>').choices(violationGrounds).makeOptionMandatory())
    .requiredOption('--description <text>')
    .option('--evidence <ref>', '证据 / evidence reference')
    .option('--occurred-on <date>', '发生日期 / date', today())
    .addOption(actorOption())
    .action(
      async (
        pilotId: string,
        o: { id: string; ground: string; description: string; evidence?: string; occurredOn: string; actor?: string },
      ) => {
        const body = check(
          safeParseBilingual(violationInputSchema, {
            id: o.id,
            pilotId,
            ground: o.ground,
            description: o.description,
            evidence: o.evidence,
            occurredOn: o.occurredOn,
            recordedBy: parseActor(o.actor),
          }),
        );
        done(g(), await send<ActionResult>(g(), 'recordViolation', { id: pilotId }, body));
      },
    );
  actionCommand(program, 'cancelPilot')
    .addOption(actorOption())
    .action(async (pilotId: string, o: { actor?: string }) => {
      const body = { ...bodyFromFlags('cancelPilot', o), actor: parseActor(o.actor) };
      done(g(), await send<ActionResult>(g(), 'cancelPilot', { id: pilotId }, body));
    });
  actionCommand(program, 'bulkRemindOverdue')
    .option('--college <id>', '只提醒该学院 / only this college')
    .option('--note <text>', '备注 / a note in the mail')
    .option('--dry-run', '只列出，不发送 / list only, send nothing')
    .addOption(actorOption())
    .action(async (o: { college?: string; note?: string; dryRun?: boolean; actor?: string }) => {
      const res = await send<{ dryRun: boolean; results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] }>(
        g(),
        'bulkRemindOverdue',
        {},
        {
          actor: parseActor(o.actor),
          dryRun: Boolean(o.dryRun),
          ...(o.college ? { college: o.college } : {}),
          ...(o.note ? { note: o.note } : {}),
        },
      );
      out(g(), res, () =>
        [
          res.dryRun ? '试运行：将提醒以下试点 / dry run: these pilots would be reminded' : '已提醒 / reminded',
          ...res.results.map((r) => `${r.pilotId}\t${r.ok ? '✓' : `✗ ${(r.errors ?? []).map(formatRuleResult).join('; ')}`}`),
          `共 ${res.results.length} 个 / ${res.results.length} pilot(s)`,
        ].join('\n'),
      );
    });
  actionCommand(program, 'bulkExtendDeadline')
    .addOption(new Option('--kind <kind>', '事项 / item').choices(['provincialRequest', 'weeklyPeriod']).makeOptionMandatory())
    .requiredOption('--item <id>', '省厅材料要求编号或周次 / request id or ISO week')
    .requiredOption('--to <date>', '新的截止日期 / new due date')
    .requiredOption('--reason <text>')
    .option('--dry-run')
    .addOption(actorOption())
    .action(
      async (
        pilotIds: string[],
        o: { kind: 'provincialRequest' | 'weeklyPeriod'; item: string; to: string; reason: string; dryRun?: boolean; actor?: string },
      ) => {
        const actor = parseActor(o.actor);
        check(
          safeParseBilingual(extendDeadlineInputSchema, {
            target: { kind: o.kind, id: o.item },
            newDueDate: o.to,
            reason: o.reason,
            actor,
          }),
        );
        const res = await send<{ dryRun: boolean; results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] }>(
          g(),
          'bulkExtendDeadline',
          {},
          {
            pilotIds,
            target: { kind: o.kind, id: o.item },
            newDueDate: o.to,
            reason: o.reason,
            actor,
            dryRun: Boolean(o.dryRun),
          },
        );
        out(g(), res, () =>
          res.results.map((r) => `${r.pilotId}\t${r.ok ? '✓' : `✗ ${(r.errors ?? []).map(formatRuleResult).join('; ')}`}`).join('\n'),
        );
        if (res.results.some((r) => !r.ok)) process.exitCode = 2;
      },
    );
  actionCommand(program, 'refreshCalendars')
    .option('--college <id>', "只更新该学院的试点 / only this college's pilots")
    .option('--dry-run', '只列出，不更新 / list only')
    .addOption(actorOption())
    .action(async (o: { college?: string; dryRun?: boolean; actor?: string }) => {
      const res = await send<{ dryRun: boolean; results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] }>(
        g(),
        'refreshCalendars',
        {},
        { actor: parseActor(o.actor), dryRun: Boolean(o.dryRun), ...(o.college ? { college: o.college } : {}) },
      );
      out(
        g(),
        res,
        () =>
          res.results.map((r) => `${r.pilotId}\t${r.ok ? '✓' : `✗ ${(r.errors ?? []).map(formatRuleResult).join('; ')}`}`).join('\n') ||
          '没有进行中的试点 / no running pilots',
      );
    });
  actionCommand(program, 'pilotAudit').action(async (pilotId: string) => {
    const { audit } = await read<{ audit: AuditEntry[] }>(g(), 'pilotAudit', { id: pilotId });
    out(
      g(),
      audit,
      () =>
        audit
          .map((a) => {
            const who = a.actor
              ? `${a.actor.id}（${a.actor.role}${a.actor.onBehalfOf ? `，代 ${a.actor.onBehalfOf} / on behalf of ${a.actor.onBehalfOf}` : ''}）`
              : '系统 / system';
            const change =
              a.before !== undefined || a.after !== undefined
                ? `\t${JSON.stringify(a.before ?? null)} → ${JSON.stringify(a.after ?? null)}`
                : '';
            return `${a.seq}\t${formatShanghaiMinute(Date.parse(a.at))}\t${who}\t${a.summary.zh} / ${a.summary.en}${change}`;
          })
          .join('\n') || '无记录 / no entries',
    );
  });
}
