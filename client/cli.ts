/**
 * onex CLI, for scripting: `npm run cli -- <command>` (or `tsx client/cli.ts`).
 * Talks to the admin HTTP API (ONEX_API_URL) and the local mail sink (ONEX_MAILSINK_URL).
 * Input is checked locally with the same domain schemas the API uses, so a bad field is
 * named, in Chinese and English, before anything is sent. `--json` on every command.
 * Exit codes: 0 ok, 2 refused (bad input or a rule), 1 anything else.
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { formatShanghai } from '../domain/calendar';
import { certificateLevelNames, certificateLevels, pilotRecordSchema, type PilotRecordInput } from '../domain/pilot';
import { safeParseBilingual, stripControlCharacters } from '../domain/validation';
import { weeklyReportSchema } from '../domain/weekly';
import { listMessages as mailList, showMessage as mailShow } from './mail-sink-reader';
import { isMainModule } from './main-module';
import type { PilotState } from '../workflows/pilot-state';
import type { PilotListItem } from './service';
import { Refused, actionCommand, check, out, parseActor, read, send, type Globals } from './cli-common';
import { addRoundCommands } from './cli-rounds';
import { addApprovalCommands } from './cli-approvals';
import { addLifecycleCommands } from './cli-lifecycle';

const outcomeNames = { pending: '待提交 pending', onTime: '按时 on time', late: '迟交 late', missed: '未交 missed' } as const;

function describePilot(s: PilotState): string {
  const p = s.pilot;
  const lines = [
    `试点 / Pilot:             ${p.id} — ${p.college.name} · ${p.major.name} · ${p.certificate.name}（${certificateLevelNames[p.certificate.level].zh} / ${certificateLevelNames[p.certificate.level].en}）`,
    `负责人 / Lead:            ${p.lead.name} <${p.lead.email}>`,
    `状态 / Status:            ${s.status}（运行第 ${s.runIndex} 段 / run ${s.runIndex}，历史 ${s.historyLength} 事件 / events）`,
    ...s.waitingOn.map((w, i) => `${i === 0 ? '等待 / Waiting on:       ' : '                          '} ${w.zh} / ${w.en}`),
    `下次截止 / Next due:      ${s.nextDue ? `${s.nextDue.periodId} ${formatShanghai(Date.parse(s.nextDue.dueAt))}` : '—'}`,
    `连续未交 / Consecutive misses: ${s.consecutiveMisses}（督办级别 / escalation level ${s.escalationLevel}${s.escalated ? '，已升级督办 / escalated' : ''}）`,
    '',
    '周次 / Period\t截止 / Due\t结果 / Outcome\t提交 / Submitted',
    ...s.periods.map(
      (r) =>
        `${r.id}\t${formatShanghai(Date.parse(r.dueAt))}${r.shifted ? '（节假日顺延 / moved off a holiday）' : ''}\t${outcomeNames[r.outcome]}\t${r.submittedAt ?? '—'}`,
    ),
    '',
    `已发邮件 / E-mails sent: ${s.emails.length}`,
    ...s.emails.slice(-10).map((e) => `  ${e.at}\t${e.kind}\t${e.periodId ?? ''}\t→ ${e.to.map((t) => t.email).join(', ')}`),
  ];
  for (const w of s.calendarWarnings) lines.push(`⚠ ${w.message.zh} / ${w.message.en}`);
  return lines.join('\n');
}

export function buildCli(): Command {
  const program = new Command()
    .name('onex')
    .description('onex 1+X 证书制度试点管理命令行 / the onex 1+X pilot programme CLI')
    .addOption(new Option('--api <url>', '管理接口网址 / admin API URL').env('ONEX_API_URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--mail <url>', '邮件收件箱网址 / mail sink URL').env('ONEX_MAILSINK_URL').default('http://127.0.0.1:8025'))
    .option('--json', 'JSON 输出 / JSON output')
    .showHelpAfterError();
  const g = (): Globals => program.opts<Globals>();

  program.command('pilot').description('试点 / pilots');
  actionCommand(program, 'startPilot')
    .option('--file <path>', '试点记录 JSON 文件 / pilot record as a JSON file')
    .option('--id <id>', '试点编号 / pilot id')
    .option('--college-id <id>')
    .option('--college-name <name>')
    .option('--major <name>', '专业 / major')
    .option('--certificate <name>', '证书 / certificate')
    .option('--org <name>', '培训评价组织 / evaluation organisation')
    .addOption(new Option('--level <level>', '等级 / level').choices(certificateLevels))
    .option('--lead-name <name>')
    .option('--lead-email <email>')
    .option('--lead-user <id>')
    .option('--college-leader-email <email>')
    .option('--academic-affairs-email <email>')
    .option('--school-leader-email <email>', '主管校领导邮箱 / school leader e-mail')
    .option('--approved-task <n>', '批准考核任务（人次）/ approved assessment task', Number)
    .option('--start <date>', '开始日期 / start date YYYY-MM-DD')
    .option('--end <date>', '结束日期 / end date YYYY-MM-DD')
    .option('--weekday <n>', '周报截止星期（1–5）/ report weekday (1–5)', Number)
    .option('--time <HH:mm>', '周报截止时间 / report time')
    .option('--reminder-hours <n>', '提前提醒小时数 / reminder lead hours', Number)
    .addOption(new Option('--actor <id:role>', '操作人 / actor').env('ONEX_ACTOR'))
    .action(async (o: Record<string, string | number | undefined>) => {
      const fromFile = o.file ? (JSON.parse(readFileSync(String(o.file), 'utf8')) as PilotRecordInput) : undefined;
      const policy = Object.fromEntries(
        Object.entries({ weekday: o.weekday, time: o.time, reminderLeadHours: o.reminderHours }).filter(([, v]) => v !== undefined),
      );
      const record = fromFile ?? {
        id: o.id,
        college: { id: o.collegeId, name: o.collegeName },
        major: { name: o.major },
        certificate: { name: o.certificate, evaluationOrg: o.org, level: o.level },
        lead: { name: o.leadName, email: o.leadEmail, userId: o.leadUser },
        collegeLeaderEmail: o.collegeLeaderEmail,
        academicAffairsEmail: o.academicAffairsEmail,
        ...(o.schoolLeaderEmail ? { schoolLeaderEmail: o.schoolLeaderEmail } : {}),
        ...(o.approvedTask !== undefined ? { approvedTask: o.approvedTask } : {}),
        startDate: o.start,
        endDate: o.end,
        reportPolicy: policy,
      };
      const parsed = check(safeParseBilingual(pilotRecordSchema, record, 'pilot'));
      const actor = parseActor(o.actor as string | undefined);
      const res = await send<{ workflowId: string; runId: string }>(g(), 'startPilot', {}, { pilot: parsed, actor });
      out(g(), res, () => `已启动试点 / pilot started: ${parsed.id}（${res.workflowId}）`);
    });
  actionCommand(program, 'pilotState').action(async (id: string) => {
    const s = await read<PilotState>(g(), 'pilotState', { id });
    out(g(), s, () => describePilot(s));
  });
  actionCommand(program, 'listPilots')
    .option('--college <id>', '按学院 / by college')
    .option('--escalated', '只看已升级督办的 / escalated only')
    .option('--not-escalated', '只看未升级督办的 / not escalated only')
    .option('--stage <stage>', '阶段 / stage')
    .action(async (o: { college?: string; escalated?: boolean; notEscalated?: boolean; stage?: string }) => {
      const { pilots } = await read<{ pilots: PilotListItem[] }>(
        g(),
        'listPilots',
        {},
        { college: o.college, escalated: o.escalated ? 'true' : o.notEscalated ? 'false' : undefined, stage: o.stage },
      );
      out(g(), pilots, () =>
        pilots.length === 0
          ? '没有符合条件的试点 / no matching pilots'
          : [
              '试点 / Pilot\t学院 / College\t阶段 / Stage\t督办 / Escalated\t下次截止 / Next due',
              ...pilots.map(
                (p) =>
                  `${p.pilotId}\t${p.college ?? ''}\t${p.stage ?? ''}\t${p.escalated ? '是 yes' : '否 no'}\t${p.nextDue ? formatShanghai(Date.parse(p.nextDue)) : '—'}`,
              ),
              `共 ${pilots.length} 个 / ${pilots.length} pilot(s)`,
            ].join('\n'),
      );
    });

  program.command('report').description('工作周报（第五条）/ weekly work reports (Art. 5)');
  actionCommand(program, 'submitWeeklyReport')
    .requiredOption('--period <week>', '周次，如 2026-W49 / ISO week, e.g. 2026-W49')
    .option('--content <text>', '周报内容 / report text')
    .option('--content-file <path>', '从文件读取周报内容 / read the report from a file')
    .addOption(new Option('--actor <id:role[:college]>', '操作人 / actor').env('ONEX_ACTOR'))
    .option('--on-behalf-of <user>', '代谁提交 / on whose behalf')
    .option('--idempotency-key <key>', '幂等键：重试不会重复提交 / retries with the same key apply once')
    .action(
      async (
        pilotId: string,
        o: { period: string; content?: string; contentFile?: string; actor?: string; onBehalfOf?: string; idempotencyKey?: string },
      ) => {
        const content = o.contentFile ? readFileSync(o.contentFile, 'utf8') : (o.content ?? '');
        const actor = parseActor(o.actor, o.onBehalfOf);
        const body = check(safeParseBilingual(weeklyReportSchema, { periodId: o.period, content, actor }));
        const res = await send<{ periodId: string; outcome: string; consecutiveMisses: number; escalated: boolean }>(
          g(),
          'submitWeeklyReport',
          { id: pilotId },
          body,
          o.idempotencyKey ? { 'idempotency-key': o.idempotencyKey } : {},
        );
        out(
          g(),
          res,
          () =>
            `已提交 ${res.periodId} 工作周报（${res.outcome === 'onTime' ? '按时' : '迟交'}）/ weekly report for ${res.periodId} submitted (${res.outcome})`,
        );
      },
    );

  addLifecycleCommands(program, g);
  addApprovalCommands(program, g);

  addRoundCommands(program, g);

  const mail = program.command('mail').description('开发邮件收件箱 / the development mail sink');
  mail
    .command('list')
    .description('列出收到的邮件 / list caught messages')
    .option('--to <address>', '只看发给该地址的 / only to this address')
    .action((o: { to?: string }) => mailList({ json: g().json, url: g().mail, to: o.to }));
  mail
    .command('show <id>')
    .description('显示一封邮件 / show one message')
    .action((id: string) => mailShow(id, { json: g().json, url: g().mail }));

  return program;
}

if (isMainModule(import.meta.url)) {
  buildCli()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      if (err instanceof Refused) {
        if (process.argv.includes('--json')) console.log(JSON.stringify({ error: { results: err.results } }, null, 2));
        else console.error(stripControlCharacters(`操作被拒绝 / refused:\n${err.message}`));
        process.exit(2);
      }
      console.error(stripControlCharacters((err as Error).message));
      process.exit(1);
    });
}
