/**
 * CLI commands for application rounds (Art. 8, 9, 12): `round …`, `app …`, `pass-record …`.
 * Every action carries the actor (`--actor id:role[:college]` or ONEX_ACTOR, `--on-behalf-of`);
 * `--json` prints the API's answer as JSON. Input that the domain schemas can check
 * locally is checked before anything is sent.
 */
import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { formatShanghai, formatShanghaiMinute } from '../domain/calendar';
import { certificateLevelNames, certificateLevels } from '../domain/pilot';
import { applicationStatuses, roundRecordSchema, roundStages, stepNames, type StoredPassRecord } from '../domain/round';
import { yuanToFen } from '../domain/money';
import { safeParseBilingual } from '../domain/validation';
import type { ApplicationState, RoundState } from '../workflows/round-types';
import type { PilotListItem } from './service';
import type { ApplicationListItem, RoundListItem } from './round-service';
import { Refused, actionCommand, bodyFromFlags, check, out, parseActor, read, send, type Globals } from './cli-common';
import type { ActionName } from './actions';

type Opts = Record<string, string | boolean | undefined>;

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const actorOption = () => new Option('--actor <id:role[:college]>', '操作人 / actor').env('ONEX_ACTOR');

function withActor(program: Command, cmd: Command): Command {
  return cmd
    .addOption(actorOption())
    .option('--on-behalf-of <user>', '代谁操作 / on whose behalf')
    .option('--idempotency-key <key>', '幂等键 / retries with the same key apply once');
}

function actorOf(o: Opts) {
  return parseActor(o.actor as string | undefined, o.onBehalfOf as string | undefined);
}

function headers(o: Opts): Record<string, string> {
  return o.idempotencyKey ? { 'idempotency-key': String(o.idempotencyKey) } : {};
}

function describeRound(s: RoundState): string {
  const r = s.round;
  const lines = [
    `申报轮次 / Round:          ${r.id} — ${r.year} 年度《${r.provincialCall}》（${r.documentNumber}）`,
    `阶段 / Stage:              ${s.stageName.zh} / ${s.stageName.en}`,
    `等待 / Waiting on:         ${s.waitingOn.zh} / ${s.waitingOn.en}`,
    `校内截止 / Internal:       ${formatShanghai(Date.parse(s.internalDeadlineAt))}`,
    `省厅截止 / Province:       ${r.provincialDeadline}`,
    `报送名单 / List due:       ${formatShanghai(Date.parse(s.confirmation.dueAt))}${s.confirmation.confirmedAt ? `（已确认 / confirmed ${formatShanghai(Date.parse(s.confirmation.confirmedAt))}${s.confirmation.late ? '，逾期 / late' : ''}）` : s.confirmation.overdue ? '（已逾期，已升级 / overdue, escalated）' : ''}`,
    `公示 / Public notice:      ${s.publicNotice ? `${s.publicNotice.start} 至 ${s.publicNotice.end}（${s.publicNotice.workingDays} 个工作日 / working days）` : `—（${s.noticeWorkingDays} 个工作日 / working days）`}`,
    '',
    '学院 / College\t起草 drafted\t签字 signed\t审核 reviewed\t退回 returned\t报送 submitted\t批准 approved',
    ...s.colleges.map(
      (c) =>
        `${c.collegeId} ${c.name}\t${c.counts.drafted}\t${c.counts.signed}\t${c.counts.reviewed}\t${c.counts.returned}\t${c.counts.submitted}\t${c.counts.approved}`,
    ),
    '',
    '申报 / Application\t学院 / College\t专业 / Major\t状态 / Status',
    ...s.colleges.flatMap((c) =>
      c.applications.map(
        (a) =>
          `${a.applicationId}\t${a.collegeId}\t${a.majorName}\t${a.status}${a.missedInternalDeadline ? '（校内截止未提交 / missed the internal deadline）' : ''}${a.blocking.length ? ` ⚠ ${a.blocking.join(', ')}` : ''}`,
      ),
    ),
  ];
  if (s.results.length)
    lines.push(
      '',
      '省厅结果 / Results:',
      ...s.results.map(
        (x) => `  ${x.applicationId}\t${x.outcome === 'approved' ? '批准 approved' : `不予批准 rejected：${x.reason ?? ''}`}`,
      ),
    );
  if (s.objections.length) lines.push('', '异议 / Objections:', ...s.objections.map((x) => `  ${x.applicationId}\t${x.content}`));
  if (s.pilots.length)
    lines.push(
      '',
      '试点 / Pilots:',
      ...s.pilots.map((p) => `  ${p.applicationId} → ${p.pilotId}${p.error ? `（失败 / failed: ${p.error}）` : ''}`),
    );
  for (const w of s.calendarWarnings) lines.push(`⚠ ${w.message.zh} / ${w.message.en}`);
  return lines.join('\n');
}

function describeApplication(s: ApplicationState): string {
  const a = s.application;
  const lines = [
    `申报 / Application:  ${a.id}（${s.roundId}）— ${a.college.name} · ${a.major.name} · ${a.certificate.name}（${certificateLevelNames[a.certificate.level].zh} / ${certificateLevelNames[a.certificate.level].en}）`,
    `负责人 / Lead:       ${a.lead.name} <${a.lead.email}>   考证人数 / examinees: ${a.plannedExaminees}`,
    `状态 / Status:       ${s.statusName.zh} / ${s.statusName.en}`,
    `等待 / Waiting on:   ${s.waitingOn.zh} / ${s.waitingOn.en}`,
  ];
  if (s.openReturn) lines.push(`退回意见 / Returned by ${stepNames[s.openReturn.by].zh}: ${s.openReturn.comment}`);
  for (const r of s.evaluation.blocking)
    lines.push(`✗ ${r.ruleId}（${r.severity === 'waivable' ? '可豁免 / waivable' : '硬性 / hard'}）${r.message.zh} / ${r.message.en}`);
  for (const w of s.evaluation.waived) lines.push(`✓ ${w.result.ruleId} 已豁免 / waived (${w.waiverId})`);
  for (const r of s.evaluation.advisories) lines.push(`ℹ ${r.message.zh} / ${r.message.en}`);
  if (s.publicNotice) lines.push(`公示 / Notice: ${s.publicNotice.start} 至 ${s.publicNotice.end}`);
  if (s.pilot) lines.push(`试点 / Pilot: ${s.pilot.pilotId}`);
  lines.push(
    '',
    '时间线 / Timeline:',
    ...s.timeline.map(
      (e) =>
        `  ${formatShanghaiMinute(Date.parse(e.at))}\t${e.event}${e.step ? ` ${e.step}` : ''}${e.to ? ` → ${e.to}` : ''}\t${e.actor?.id ?? ''}${e.comment ? `\t${e.comment}` : ''}${e.ruleId ? `\t${e.ruleId}` : ''}`,
    ),
  );
  return lines.join('\n');
}

/** Adds `round`, `app` and `pass-record` to the program. */
export function addRoundCommands(program: Command, g: () => Globals): void {
  const round = program.command('round').description('申报轮次（第九条）/ application rounds (Art. 9)');

  withActor(
    program,
    actionCommand(program, 'openRound')
      .option('--file <path>', '轮次记录 JSON / the round record as JSON')
      .option('--id <id>')
      .option('--year <year>', '申报年度 / year', Number)
      .option('--call <title>', "省教育厅文件标题 / the call's title")
      .option('--document-number <no>', '文号 / document number')
      .option('--requirements <text>', '申报要求 / requirements')
      .option('--provincial-deadline <date>')
      .option('--internal-deadline <date>')
      .option('--colleges <path>', '参加学院 JSON / colleges as JSON [{ id, name, leader: { name, email }, staff: [] }]')
      .option('--aa-name <name>')
      .option('--aa-email <email>', '教务部联系人 / Academic Affairs contact')
      .option('--school-leader-name <name>')
      .option('--school-leader-email <email>')
      .option('--notice-days <n>', '公示工作日数（默认按规则表）/ public notice in working days (rule table by default)', Number),
  ).action(async (o: Opts & { year?: number; noticeDays?: number }) => {
    const record = o.file
      ? readJson(String(o.file))
      : {
          id: o.id,
          year: o.year,
          provincialCall: o.call,
          documentNumber: o.documentNumber,
          requirements: o.requirements,
          provincialDeadline: o.provincialDeadline,
          internalDeadline: o.internalDeadline,
          colleges: o.colleges ? readJson(String(o.colleges)) : undefined,
          academicAffairs: { name: o.aaName, email: o.aaEmail },
          schoolLeader: { name: o.schoolLeaderName, email: o.schoolLeaderEmail },
          ...(o.noticeDays !== undefined ? { publicNoticeWorkingDays: o.noticeDays } : {}),
        };
    const parsed = check(safeParseBilingual(roundRecordSchema, record, 'round'));
    const res = await send<{ workflowId: string }>(g(), 'openRound', {}, { round: parsed, actor: actorOf(o) }, headers(o));
    out(
      g(),
      res,
      () =>
        `已开启申报轮次 / round opened: ${parsed.id}（${res.workflowId}），已通知 ${parsed.colleges.length} 个学院 / ${parsed.colleges.length} college(s) notified`,
    );
  });

  actionCommand(program, 'roundState').action(async (roundId: string) => {
    const s = await read<RoundState>(g(), 'roundState', { roundId });
    out(g(), s, () => describeRound(s));
  });

  actionCommand(program, 'listRounds')
    .addOption(new Option('--stage <stage>').choices(roundStages))
    .action(async (o: Opts) => {
      const { rounds } = await read<{ rounds: RoundListItem[] }>(g(), 'listRounds', {}, { stage: o.stage as string | undefined });
      out(g(), rounds, () =>
        rounds.length
          ? ['轮次 / Round\t阶段 / Stage\t状态 / Status', ...rounds.map((r) => `${r.roundId}\t${r.stage ?? ''}\t${r.status}`)].join('\n')
          : '没有申报轮次 / no rounds',
      );
    });

  const roundAction =
    (name: ActionName, build: (o: Opts, ...args: string[]) => Record<string, unknown>, say: (res: never) => string) => (cmd: Command) =>
      withActor(program, cmd).action(async (roundId: string, ...rest: unknown[]) => {
        // commander passes the positional arguments, then the options, then the command.
        const o = rest[rest.length - 2] as Opts;
        const args = rest.slice(0, -2) as string[];
        const res = await send<never>(g(), name, { roundId }, { ...build(o, ...args), actor: actorOf(o) }, headers(o));
        out(g(), res, () => say(res));
      });

  roundAction(
    'grantRoundWaiver',
    (o) => ({ ruleId: 'art8.onePilotPerMajor', subjectId: o.application, reason: o.reason }),
    (w: { id: string }) => `已豁免 / waived: ${w.id}`,
  )(actionCommand(program, 'grantRoundWaiver').requiredOption('--application <id>').requiredOption('--reason <text>'));

  roundAction(
    'confirmSubmission',
    (o) => ({
      applicationIds: String(o.applications ?? '')
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
      ...(o.submittedOn ? { submittedOn: o.submittedOn } : {}),
      ...(o.note ? { note: o.note } : {}),
    }),
    (r: { submitted: string[]; notSubmitted: string[]; late: boolean }) =>
      `已报送 / submitted: ${r.submitted.join(', ') || '—'}；未列入 / not submitted: ${r.notSubmitted.join(', ') || '—'}${r.late ? '（逾期确认 / confirmed late）' : ''}`,
  )(
    actionCommand(program, 'confirmSubmission')
      .requiredOption('--applications <ids>', '逗号分隔 / comma-separated ids (empty: nothing to submit)')
      .option('--submitted-on <date>', '报送日期 / date sent')
      .option('--note <text>'),
  );

  roundAction(
    'recordProvincialResult',
    (o, applicationId) => ({ applicationId, outcome: o.rejected ? 'rejected' : 'approved', ...(o.reason ? { reason: o.reason } : {}) }),
    (r: { applicationId: string; outcome: string }) =>
      `已录入 / recorded: ${r.applicationId} ${r.outcome === 'approved' ? '批准 approved' : '不予批准 rejected'}`,
  )(
    actionCommand(program, 'recordProvincialResult')
      .option('--approved', '批准 / approved')
      .option('--rejected', '不予批准 / rejected')
      .option('--reason <text>'),
  );

  roundAction(
    'recordPublicNotice',
    (o) => bodyFromFlags('recordPublicNotice', o),
    (n: { start: string; end: string; workingDays: number }) =>
      `公示期 / public notice: ${n.start} 至 ${n.end}（${n.workingDays} 个工作日 / working days）`,
  )(actionCommand(program, 'recordPublicNotice'));

  roundAction(
    'recordObjection',
    (o, applicationId) => ({ applicationId, ...bodyFromFlags('recordObjection', o) }),
    (x: { applicationId: string }) => `已录入异议 / objection recorded: ${x.applicationId}`,
  )(actionCommand(program, 'recordObjection'));

  round
    .command('pilots <roundId>')
    .description('本轮立项的试点 / pilots this round started')
    .action(async (roundId: string) => {
      const { pilots } = await read<{ pilots: PilotListItem[] }>(g(), 'listPilots', {}, { round: roundId });
      out(g(), pilots, () =>
        pilots.length
          ? [
              '试点 / Pilot\t学院 / College\t阶段 / Stage\t状态 / Status',
              ...pilots.map((p) => `${p.pilotId}\t${p.college ?? ''}\t${p.stage ?? ''}\t${p.status}`),
            ].join('\n')
          : '没有试点 / no pilots',
      );
    });

  // ── Applications ───────────────────────────────────────────────────────
  program.command('app').description('试点申报（第八条）/ pilot applications (Art. 8)');

  withActor(
    program,
    actionCommand(program, 'createApplication')
      .option('--file <path>', '申报 JSON / the application as JSON')
      .option('--id <id>')
      .option('--college-id <id>')
      .option('--major <name>')
      .option('--major-code <code>')
      .option('--certificate <name>')
      .option('--org <name>', '培训评价组织 / evaluation organisation')
      .addOption(new Option('--level <level>').choices(certificateLevels).default('intermediate'))
      .option('--lead-name <name>')
      .option('--lead-email <email>')
      .option('--lead-user <id>')
      .option('--examinees <n>', '计划考证人数 / planned examinees', Number)
      .option('--course <name:modules...>', '支撑课程 “课程名:对应标准模块” / supporting course "name:standard modules"')
      .option('--integration-courses <names>', '课证融通课程（逗号分隔）/ courses carrying the exam content')
      .option('--in-plan', '考证内容已纳入人才培养方案 / exam content is in the talent-training plan')
      .option('--declare', '声明符合省教育厅及证书申报要求（第八条（一））/ declare the requirements are met (Art. 8(1))')
      .option('--budget <yuan>', '计划预算（元）/ planned budget in yuan')
      .option('--months <n>', '试点期限（月）/ pilot length in months', Number),
  ).action(async (roundId: string, o: Opts & { examinees?: number; months?: number; course?: string[] }) => {
    let application: unknown;
    if (o.file) application = readJson(String(o.file));
    else {
      const budget = o.budget === undefined ? undefined : yuanToFen(String(o.budget));
      if (o.budget !== undefined && budget === null)
        throw new Refused([
          {
            ruleId: 'input.invalid',
            article: null,
            severity: 'hard',
            field: 'budget',
            message: { zh: '预算应为以元为单位、最多两位小数的数字', en: 'the budget is an amount in yuan with at most two decimals' },
          },
        ]);
      application = {
        id: o.id,
        college: { id: o.collegeId, name: o.collegeId },
        major: { name: o.major, ...(o.majorCode ? { code: o.majorCode } : {}) },
        certificate: { name: o.certificate, evaluationOrg: o.org, level: o.level },
        lead: { name: o.leadName, email: o.leadEmail, ...(o.leadUser ? { userId: o.leadUser } : {}) },
        requirementsDeclared: Boolean(o.declare),
        plannedExaminees: o.examinees,
        supportingCourses: (o.course ?? []).map((c) => ({ name: c.split(':')[0], standardModules: c.split(':').slice(1).join(':') })),
        integration: {
          inTalentTrainingPlan: Boolean(o.inPlan),
          courses: String(o.integrationCourses ?? '')
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean),
        },
        ...(budget != null ? { budgetFen: budget } : {}),
        ...(o.months !== undefined ? { plannedDurationMonths: o.months } : {}),
      };
    }
    const res = await send<{ applicationId: string; workflowId: string }>(
      g(),
      'createApplication',
      { roundId },
      { application, actor: actorOf(o) },
      headers(o),
    );
    out(g(), res, () => `已起草申报 / application drafted: ${res.applicationId}（${res.workflowId}）`);
  });

  actionCommand(program, 'applicationState').action(async (roundId: string, applicationId: string) => {
    const s = await read<ApplicationState>(g(), 'applicationState', { roundId, applicationId });
    out(g(), s, () => describeApplication(s));
  });

  actionCommand(program, 'listApplications')
    .option('--college <id>')
    .addOption(new Option('--stage <status>').choices(applicationStatuses))
    .action(async (roundId: string, o: Opts) => {
      const { applications } = await read<{ applications: ApplicationListItem[] }>(
        g(),
        'listApplications',
        { roundId },
        { college: o.college as string | undefined, stage: o.stage as string | undefined },
      );
      out(g(), applications, () =>
        applications.length
          ? [
              '申报 / Application\t学院 / College\t状态 / Status',
              ...applications.map((a) => `${a.applicationId}\t${a.college ?? ''}\t${a.stage ?? ''}`),
            ].join('\n')
          : '没有申报 / no applications',
      );
    });

  const appAction = (cmd: Command, name: ActionName, build: (o: Opts) => Record<string, unknown>) =>
    withActor(program, cmd).action(async (roundId: string, applicationId: string, o: Opts) => {
      const res = await send<ApplicationState & { id?: string }>(
        g(),
        name,
        { roundId, applicationId },
        { ...build(o), actor: actorOf(o) },
        headers(o),
      );
      out(g(), res, () =>
        'statusName' in res && res.statusName
          ? `${applicationId}：${res.statusName.zh} / ${res.statusName.en}`
          : `${applicationId}：${JSON.stringify(res)}`,
      );
    });

  appAction(
    actionCommand(program, 'editApplication')
      .option('--file <path>', '要修改的字段 JSON / the changed fields as JSON')
      .option('--examinees <n>', '', Number),
    'editApplication',
    (o) => ({ changes: o.file ? readJson(String(o.file)) : { ...(o.examinees !== undefined ? { plannedExaminees: o.examinees } : {}) } }),
  );
  // Flags that are body fields as they stand are declared in the action table.
  for (const name of ['submitApplication', 'withdrawApplication', 'abandonApplication'] as const)
    appAction(actionCommand(program, name), name, (o) => bodyFromFlags(name, o));
  appAction(
    actionCommand(program, 'signOffApplication')
      .option('--declare-authentic', '声明对材料真实性负责 / declare the materials authentic')
      .option('--return', '退回修改 / return for revision')
      .option('--comment <text>'),
    'signOffApplication',
    (o) => ({
      outcome: o.return ? 'return' : 'approve',
      ...(o.declareAuthentic ? { declareAuthentic: true } : {}),
      ...(o.comment ? { comment: o.comment } : {}),
    }),
  );
  appAction(
    actionCommand(program, 'reviewApplication')
      .option('--approve')
      .option('--return')
      .option('--reject')
      .addOption(new Option('--to <step>', '退回到 / return to').choices(['draft', 'college']))
      .option('--comment <text>'),
    'reviewApplication',
    (o) => ({
      outcome: o.reject ? 'reject' : o.return ? 'return' : 'approve',
      ...(o.to ? { returnTo: o.to } : {}),
      ...(o.comment ? { comment: o.comment } : {}),
    }),
  );
  appAction(
    actionCommand(program, 'waiveApplicationRule')
      .requiredOption('--rule <ruleId>')
      .requiredOption('--reason <text>')
      .option('--field <field>'),
    'waiveApplicationRule',
    (o) => ({ ruleId: o.rule, reason: o.reason, ...(o.field ? { field: o.field } : {}) }),
  );

  // ── Pass records (Art. 12) ─────────────────────────────────────────────
  program.command('pass-record').description('试点通过率记录（第十二条）/ pass records (Art. 12)');
  withActor(
    program,
    actionCommand(program, 'recordPassRecord')
      .requiredOption('--year <year>', '', Number)
      .requiredOption('--college <id>')
      .requiredOption('--major <name>')
      .option('--major-code <code>')
      .requiredOption('--certificate <name>')
      .requiredOption('--org <name>')
      .requiredOption('--candidates <n>', '', Number)
      .requiredOption('--passed <n>', '', Number)
      .option('--note <text>'),
  ).action(async (o: Opts & { year: number; candidates: number; passed: number }) => {
    const record = {
      year: o.year,
      collegeId: o.college,
      major: { name: o.major, ...(o.majorCode ? { code: o.majorCode } : {}) },
      certificate: { name: o.certificate, evaluationOrg: o.org },
      candidates: o.candidates,
      passed: o.passed,
    };
    const res = await send<StoredPassRecord>(
      g(),
      'recordPassRecord',
      {},
      { record, ...(o.note ? { note: o.note } : {}), actor: actorOf(o) },
      headers(o),
    );
    out(g(), res, () => `已录入 / recorded: ${res.key}（第 ${res.revision} 版 / revision ${res.revision}）`);
  });
  actionCommand(program, 'passRecords')
    .option('--year <year>')
    .option('--college <id>')
    .action(async (o: Opts) => {
      const { records } = await read<{ records: StoredPassRecord[] }>(
        g(),
        'passRecords',
        {},
        { year: o.year === undefined ? undefined : String(o.year), collegeId: o.college as string | undefined },
      );
      out(g(), records, () =>
        records.length
          ? [
              '年度 / Year\t学院 / College\t专业 / Major\t证书 / Certificate\t通过 / Passed',
              ...records.map((r) => `${r.year}\t${r.collegeId}\t${r.major.name}\t${r.certificate.name}\t${r.passed}/${r.candidates}`),
            ].join('\n')
          : '没有记录 / no records',
      );
    });
}
