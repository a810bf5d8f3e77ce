/**
 * The round workflow (申报轮次): one per provincial call, id `round:<roundId>` (Art. 9).
 *
 * Academic Affairs records the call and opens the internal round (the client starts this
 * workflow); every college is told by e-mail. Colleges draft applications — each one an
 * application workflow, a child of the round. At the internal deadline the round stops
 * taking new applications; Academic Affairs confirms the consolidated list before the
 * provincial deadline (a reminder before, an escalation to the school leader after). The
 * province's result is recorded per application, then the public notice (公示) in working
 * days with its end date stored; objections are recorded during it. When it ends, each
 * approved application starts its pilot workflow (a child with ParentClosePolicy.ABANDON:
 * pilots run for years after the round closes) and the round closes.
 *
 * Human actions are Updates whose validators refuse without a trace in history.
 */
import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributePair } from '@temporalio/common';
import { actorSchema, type Actor } from '../domain/actor';
import { applicationRules, applicationSchema, checkApplication, type Application } from '../domain/application';
import { createChinaCalendar, formatShanghai, shanghaiDate, toDayNumber, type CalendarWarning } from '../domain/calendar';
import { inputError, type Bilingual, type RuleResult } from '../domain/errors';
import { majorKey } from '../domain/organisation';
import { pilotRecordSchema } from '../domain/pilot';
import type { ApplicationSummary, RoundSummary } from '../domain/round-notifications';
import {
  ART9_2,
  ART9_3,
  ART9_4,
  MAX_PILOT_ID,
  applicationWorkflowId,
  confirmationDeadline,
  finalStatuses,
  inProgressStatuses,
  internalDeadline,
  mayActForCollege,
  noticeWorkingDays,
  pilotIdFor,
  pilotRecordFor,
  publicNoticeFor,
  roundRules,
  roundStageNames,
  roundWorkflowId,
  type ApplicationStatus,
  type RoundRecord,
  type RoundStage,
} from '../domain/round';
import { breach, type RuleDefinition } from '../domain/rules';
import { ruleTable } from '../domain/tables';
import { safeParseBilingual } from '../domain/validation';
import { evaluateRules, grantWaiver, type Waiver } from '../domain/waivers';
import type { Recipient } from '../domain/weekly';
import {
  confirmSubmissionInputSchema,
  createApplicationInputSchema,
  grantRoundWaiverInputSchema,
  recordObjectionInputSchema,
  recordProvincialResultInputSchema,
  recordPublicNoticeInputSchema,
} from '../domain/round-inputs';
import type { z } from 'zod';
import { applicationWorkflow } from './application';
import {
  applicationProgress,
  confirmSubmission,
  createApplication,
  grantRoundWaiver,
  recordObjection,
  recordProvincialResult,
  recordPublicNotice,
  roundDecision,
  roundStateQuery,
} from './messages';
import { pilotWorkflow } from './pilot';
import { pilotStartOptions } from './pilot-start';
import { refuse } from './refusal';
import { Mailer, nowIso, recipient, uniqueRecipients, waitUntil } from './round-support';
import type {
  ApplicationProgress,
  CollegeOverview,
  RoundCounts,
  RoundDecision,
  RoundOutcome,
  RoundState,
  RoundWorkflowInput,
} from './round-types';
import { OnexCollege, OnexKind, OnexRound, OnexStage } from './search-attributes';

const SUBMITTED: readonly ApplicationStatus[] = ['submitted', 'provinciallyApproved', 'provinciallyRejected', 'pilotStarted'];
const LIVE_FOR_MAJOR: (p: ApplicationProgress) => boolean = (p) =>
  !['withdrawn', 'rejected', 'notSubmitted', 'provinciallyRejected'].includes(p.status);

export async function roundWorkflow(input: RoundWorkflowInput): Promise<RoundOutcome> {
  const round = input.round;
  const table = ruleTable(round.rulesVersion);
  const { workflowId } = workflowInfo();
  const calendarWarnings: CalendarWarning[] = [];
  const calendar = createChinaCalendar((w) => {
    if (!calendarWarnings.some((x) => x.year === w.year)) calendarWarnings.push(w);
  });
  const internal = internalDeadline(round, table);
  const conf = confirmationDeadline(round, table, calendar);
  const noticeDays = noticeWorkingDays(round, table);
  const s: RoundState = {
    round,
    workflowId,
    stage: 'open',
    stageName: roundStageNames.open,
    openedAt: nowIso(),
    openedBy: input.openedBy,
    internalDeadlineAt: internal.dueAt,
    noticeWorkingDays: noticeDays,
    confirmation: { dueAt: conf.dueAt, remindAt: conf.remindAt, reminded: false, overdue: false },
    totals: emptyCounts(),
    colleges: [],
    results: [],
    objections: [],
    pilots: [],
    waivers: [],
    timeline: [{ at: nowIso(), event: 'opened', actor: input.openedBy }],
    emails: [],
    calendarWarnings,
    waitingOn: { zh: '', en: '' },
  };
  const progressById = new Map<string, ApplicationProgress>();
  const approvedData = new Map<string, Application>();
  const mailer = new Mailer(s.emails);
  let version = 0;
  let noticeRevision = 0;
  const roundSummary: RoundSummary = { id: round.id, year: round.year, title: round.provincialCall, documentNumber: round.documentNumber };
  const aa = recipient('academicAffairs', round.academicAffairs);
  const collegeOf = (id: string) => round.colleges.find((c) => c.id === id);
  const confirmed = () => s.confirmation.confirmedAt !== undefined;

  const setStage = (stage: RoundStage) => {
    s.stage = stage;
    s.stageName = roundStageNames[stage];
    upsertSearchAttributes([{ key: OnexStage, value: stage }]);
    version++;
  };
  const tell = async (applicationId: string, d: RoundDecision) => {
    const p = progressById.get(applicationId);
    if (!p) return;
    try {
      await getExternalWorkflowHandle(p.workflowId).signal(roundDecision, d);
    } catch (err) {
      // An application that has ended (e.g. terminated by an operator) no longer listens; the round goes on.
      log.warn('application did not take the round decision', { applicationId, kind: d.kind, error: String(err) });
    }
  };
  const setStatus = (applicationId: string, status: ApplicationStatus) => {
    const p = progressById.get(applicationId);
    if (p) progressById.set(applicationId, { ...p, status, updatedAt: nowIso() });
  };
  const summaryOf = (id: string): ApplicationSummary => {
    const a = approvedData.get(id);
    const p = progressById.get(id)!;
    return {
      id,
      collegeName: p.collegeName,
      majorName: p.majorName,
      certificateName: p.certificateName,
      level: p.level,
      leadName: a?.lead.name ?? '',
    };
  };
  const resultRecipients = (id: string): Recipient[] => {
    const a = approvedData.get(id);
    const college = collegeOf(progressById.get(id)!.collegeId)!;
    return uniqueRecipients([...(a ? [recipient('pilotLead', a.lead)] : []), recipient('collegeLeader', college.leader), aa]);
  };
  const resultOf = (id: string) => s.results.find((r) => r.applicationId === id);
  /** Art. 8(2): the round's other live applications for the same major (as checkApplication reads them). */
  const sameMajor = (a: Application) => {
    const key = majorKey(a.college.id, a.major);
    return [...progressById.values()]
      .filter((p) => p.applicationId !== a.id && LIVE_FOR_MAJOR(p) && p.majorKey === key)
      .map((p) => ({ id: p.applicationId, roundId: round.id, college: a.college, major: a.major }));
  };
  const submittedIds = () => [...progressById.values()].filter((p) => SUBMITTED.includes(p.status)).map((p) => p.applicationId);
  const approvedIds = () => submittedIds().filter((id) => resultOf(id)?.outcome === 'approved');

  // ── Validators' shared checks ────────────────────────────────────────────
  /** The whole input has the action's shape: no unknown fields (the details are checked after). */
  const shapeOf = (schema: z.ZodType, raw: unknown) => {
    const parsed = safeParseBilingual(schema, raw);
    if (!parsed.ok) refuse(parsed.errors);
  };
  const actorOf = (raw: unknown): Actor => {
    const parsed = safeParseBilingual(actorSchema, (raw as { actor?: unknown } | undefined)?.actor, 'actor');
    if (!parsed.ok) refuse(parsed.errors);
    return parsed.value;
  };
  const requireAcademicAffairs = (actor: Actor, rule: RuleDefinition, what: Bilingual) => {
    if (actor.role === 'academicAffairs') return;
    refuse([breach(rule, 'actor.role', { zh: `只有教务部可以${what.zh}`, en: `only Academic Affairs may ${what.en}` })]);
  };
  const requireStage = (stages: readonly RoundStage[], rule: RuleDefinition, what: Bilingual) => {
    if (stages.includes(s.stage)) return;
    refuse([
      breach(rule, 'stage', {
        zh: `本轮申报当前处于“${s.stageName.zh}”阶段，不能${what.zh}`,
        en: `the round is at "${s.stageName.en}"; it cannot ${what.en} now`,
      }),
    ]);
  };
  const knownApplication = (id: unknown, field = 'applicationId'): ApplicationProgress => {
    const p = typeof id === 'string' ? progressById.get(id) : undefined;
    if (!p) refuse([inputError(field, `本轮没有申报 ${String(id)}`, `the round has no application ${String(id)}`, 'application.notFound')]);
    return p;
  };

  // ── Query ────────────────────────────────────────────────────────────────
  setHandler(roundStateQuery, (): RoundState => {
    const colleges = overview(round.colleges, [...progressById.values()]);
    const totals = colleges.reduce((t, c) => addCounts(t, c.counts), emptyCounts());
    return { ...s, colleges, totals, waitingOn: waitingOn(s, confirmed()) };
  });

  // ── Applications ─────────────────────────────────────────────────────────
  /** The application as the round accepts it: the round's id and year, the college's name from the round. */
  const normalise = (raw: unknown, strict = true) => {
    const a = (raw as { application?: Record<string, unknown> } | undefined)?.application ?? {};
    const college = a.college as { id?: unknown } | undefined;
    const known = typeof college?.id === 'string' ? collegeOf(college.id) : undefined;
    return safeParseBilingual(
      applicationSchema,
      { ...a, roundId: round.id, year: round.year, ...(known ? { college: { id: known.id, name: known.name } } : {}) },
      'application',
      { strict },
    );
  };
  setHandler(
    createApplication,
    async (raw) => {
      const application = (normalise(raw, false) as { ok: true; value: Application }).value;
      const wfId = applicationWorkflowId(round.id, application.id);
      const now = nowIso();
      progressById.set(application.id, {
        seq: 0,
        applicationId: application.id,
        workflowId: wfId,
        collegeId: application.college.id,
        collegeName: application.college.name,
        majorName: application.major.name,
        majorKey: majorKey(application.college.id, application.major),
        certificateName: application.certificate.name,
        level: application.certificate.level,
        status: 'draft',
        missedInternalDeadline: false,
        signed: false,
        reviewed: false,
        returned: false,
        blocking: [],
        waived: [],
        updatedAt: now,
      });
      s.timeline.push({ at: now, event: 'applicationCreated', actor: raw.actor, applicationId: application.id });
      const college = collegeOf(application.college.id)!;
      const waivers = s.waivers.filter((w) => w.subjectId === application.id);
      await startChild(applicationWorkflow, {
        workflowId: wfId,
        args: [
          {
            application,
            round: {
              id: round.id,
              year: round.year,
              provincialCall: round.provincialCall,
              documentNumber: round.documentNumber,
              internalDeadline: round.internalDeadline,
              rulesVersion: round.rulesVersion,
            },
            contacts: {
              collegeLeader: college.leader,
              collegeStaff: college.staff,
              academicAffairs: round.academicAffairs,
              schoolLeader: round.schoolLeader,
            },
            createdBy: raw.actor,
            waivers,
            sameRound: sameMajor(application),
          },
        ],
        typedSearchAttributes: [
          { key: OnexKind, value: 'application' },
          { key: OnexRound, value: round.id },
          { key: OnexCollege, value: application.college.id },
          { key: OnexStage, value: 'draft' },
        ],
      });
      return { applicationId: application.id, workflowId: wfId };
    },
    {
      validator: (raw) => {
        shapeOf(createApplicationInputSchema, raw);
        const actor = actorOf(raw);
        const given = (raw as { application?: { roundId?: unknown; year?: unknown } }).application;
        if (given?.roundId !== undefined && given.roundId !== round.id) {
          refuse([
            inputError(
              'application.roundId',
              `申报属于本轮（${round.id}），不能填写其他轮次`,
              `the application belongs to this round (${round.id})`,
              'application.round',
            ),
          ]);
        }
        const parsed = normalise(raw);
        if (!parsed.ok) refuse(parsed.errors);
        const application = parsed.value;
        if (s.stage !== 'open' || Date.now() >= Date.parse(internal.dueAt)) {
          refuse([
            breach(roundRules.internalRoundOpen, 'round', {
              zh: `校内申报已于 ${formatShanghai(Date.parse(internal.dueAt))} 截止，不再接收新的申报`,
              en: `the internal round closed at ${formatShanghai(Date.parse(internal.dueAt))}; no new applications`,
            }),
          ]);
        }
        if (!collegeOf(application.college.id)) {
          refuse([
            breach(roundRules.internalRoundOpen, 'application.college.id', {
              zh: `学院 ${application.college.id} 不在本轮申报的学院名单中（${round.colleges.map((c) => c.id).join('、')}）`,
              en: `college ${application.college.id} does not take part in this round (${round.colleges.map((c) => c.id).join(', ')})`,
            }),
          ]);
        }
        const denied = mayActForCollege(actor, application, { zh: '起草申报', en: 'draft an application' });
        if (denied.length > 0) refuse(denied);
        if (progressById.has(application.id)) {
          refuse([
            inputError(
              'application.id',
              `本轮已有编号为 ${application.id} 的申报`,
              `the round already has an application ${application.id}`,
              'application.exists',
            ),
          ]);
        }
        if (pilotIdFor(round.id, application.id).length > MAX_PILOT_ID) {
          refuse([
            inputError(
              'application.id',
              `申报编号过长：轮次编号与申报编号合计不能超过 ${MAX_PILOT_ID - 1} 个字符（用作试点编号）`,
              `the application id is too long: round id and application id together may not exceed ${MAX_PILOT_ID - 1} characters (they make the pilot id)`,
              'application.idLength',
            ),
          ]);
        }
        // Art. 8(2): one pilot per major per round, unless Academic Affairs has waived it for this application.
        const results = checkApplication(application, { sameRound: sameMajor(application), passRecords: [] }, table).filter(
          (r) => r.ruleId === applicationRules.onePilotPerMajor.id,
        );
        const evaluation = evaluateRules(results, s.waivers, application.id);
        if (!evaluation.ok) refuse(evaluation.blocking);
      },
    },
  );

  setHandler(
    grantRoundWaiver,
    (raw) => {
      const granted = grantWaiver({ ruleId: raw.ruleId, subjectId: raw.subjectId, reason: raw.reason }, raw.actor, new Date(Date.now()));
      const waiver = (granted as { ok: true; value: Waiver }).value;
      s.waivers = [...s.waivers.filter((w) => w.id !== waiver.id), waiver];
      s.timeline.push({
        at: nowIso(),
        event: 'waived',
        actor: raw.actor,
        applicationId: raw.subjectId,
        text: `${raw.ruleId}: ${raw.reason}`,
      });
      return waiver;
    },
    {
      validator: (raw) => {
        shapeOf(grantRoundWaiverInputSchema, raw);
        const actor = actorOf(raw);
        const r = raw as { ruleId?: unknown; subjectId?: unknown; reason?: unknown };
        const granted = grantWaiver({ ruleId: r.ruleId, subjectId: r.subjectId, reason: r.reason }, actor, new Date(Date.now()));
        if (!granted.ok) refuse(granted.errors);
        if (granted.value.ruleId !== 'art8.onePilotPerMajor') {
          refuse([
            inputError(
              'ruleId',
              '在轮次上只能豁免第八条（二）（每个专业限申报 1 个证书试点）；其他规则请在申报上豁免',
              'only Art. 8(2) (one pilot per major) is waived on the round; waive other rules on the application',
              'waiver.roundRule',
            ),
          ]);
        }
        requireStage(['open'], roundRules.internalRoundOpen, { zh: '豁免', en: 'grant a waiver' });
        if (progressById.has(granted.value.subjectId)) {
          refuse([
            inputError(
              'subjectId',
              `申报 ${granted.value.subjectId} 已存在，请在申报上豁免`,
              `application ${granted.value.subjectId} exists; waive on the application`,
              'waiver.roundRule',
            ),
          ]);
        }
      },
    },
  );

  setHandler(applicationProgress, (p) => {
    const known = progressById.get(p.applicationId);
    if (known && known.seq >= p.seq) return;
    // Statuses the round itself sets (submission, results, pilot) are never overwritten by a stale report.
    if (known && (SUBMITTED.includes(known.status) || known.status === 'notSubmitted')) return;
    if (p.approved) approvedData.set(p.applicationId, p.approved);
    const { approved: _approved, ...rest } = p;
    progressById.set(p.applicationId, rest);
    version++;
  });

  // ── Consolidated submission (Art. 9(2)) ──────────────────────────────────
  const confirmSchema = confirmSubmissionInputSchema;
  setHandler(
    confirmSubmission,
    async (raw) => {
      const input = confirmSchema.parse(raw);
      const now = nowIso();
      const listed = new Set(input.applicationIds);
      const late = now > conf.dueAt;
      s.confirmation = {
        ...s.confirmation,
        confirmedAt: now,
        by: raw.actor,
        late,
        submittedOn: input.submittedOn ?? shanghaiDate(Date.now()),
        applicationIds: [...listed],
        ...(input.note ? { note: input.note } : {}),
      };
      const notSubmitted: string[] = [];
      for (const p of [...progressById.values()]) {
        if (listed.has(p.applicationId)) {
          setStatus(p.applicationId, 'submitted');
          await tell(p.applicationId, { kind: 'submittedToProvince', at: now, by: raw.actor });
        } else if (!finalStatuses.includes(p.status)) {
          notSubmitted.push(p.applicationId);
          setStatus(p.applicationId, 'notSubmitted');
          await tell(p.applicationId, {
            kind: 'notSubmitted',
            at: now,
            reason: { zh: '未列入教务部确认的报送名单', en: 'not in the list Academic Affairs confirmed' },
          });
        }
      }
      s.timeline.push({ at: now, event: 'submissionConfirmed', actor: raw.actor, text: [...listed].join(', ') });
      setStage(listed.size > 0 ? 'provincialReview' : 'closed');
      return { submitted: [...listed], notSubmitted, late, confirmedAt: now };
    },
    {
      validator: (raw) => {
        const actor = actorOf(raw);
        const parsed = safeParseBilingual(confirmSchema, raw);
        if (!parsed.ok) refuse(parsed.errors);
        const rule = roundRules.consolidatedSubmission;
        requireAcademicAffairs(actor, rule, { zh: '确认报送名单', en: 'confirm the consolidated list' });
        requireStage(['open', 'consolidation'], rule, { zh: '确认报送名单', en: 'confirm the list' });
        const ids = parsed.value.applicationIds;
        if (new Set(ids).size !== ids.length)
          refuse([inputError('applicationIds', '名单中有重复的申报', 'the list names an application twice', 'input.duplicate')]);
        const errors: RuleResult[] = [];
        ids.forEach((id, i) => {
          const p = progressById.get(id);
          if (!p)
            errors.push(
              inputError(`applicationIds.${i}`, `本轮没有申报 ${id}`, `the round has no application ${id}`, 'application.notFound'),
            );
          else if (p.status !== 'approved') {
            errors.push(
              breach(rule, `applicationIds.${i}`, {
                zh: `申报 ${id} 尚未经教务部审核通过（当前：${p.status}），不能列入报送名单`,
                en: `application ${id} has not been approved by Academic Affairs (now: ${p.status}); it cannot be submitted`,
              }),
            );
          }
        });
        if (errors.length > 0) refuse(errors);
        if (s.stage === 'open') {
          const busy = [...progressById.values()].filter((p) => inProgressStatuses.includes(p.status)).map((p) => p.applicationId);
          if (busy.length > 0) {
            refuse([
              breach(rule, 'applicationIds', {
                zh: `校内截止前确认名单，须所有申报都已办结；仍在办理中：${busy.join('、')}`,
                en: `before the internal deadline the list can be confirmed only when no application is still in progress; in progress: ${busy.join(', ')}`,
              }),
            ]);
          }
        }
        const on = parsed.value.submittedOn;
        if (on && toDayNumber(on) > toDayNumber(shanghaiDate(Date.now()))) {
          refuse([
            inputError(
              'submittedOn',
              `报送日期 ${on} 不能晚于今天`,
              `the submission date ${on} cannot be in the future`,
              'input.futureDate',
            ),
          ]);
        }
      },
    },
  );

  // ── Provincial results, public notice, objections (Art. 9(3)) ────────────
  const resultSchema = recordProvincialResultInputSchema;
  setHandler(
    recordProvincialResult,
    async (raw) => {
      const input = resultSchema.parse(raw);
      const now = nowIso();
      const previous = resultOf(input.applicationId);
      const record = {
        applicationId: input.applicationId,
        outcome: input.outcome,
        ...(input.reason ? { reason: input.reason } : {}),
        by: raw.actor,
        at: now,
        revision: (previous?.revision ?? 0) + 1,
      };
      s.results = [...s.results.filter((r) => r.applicationId !== input.applicationId), record];
      setStatus(input.applicationId, input.outcome === 'approved' ? 'provinciallyApproved' : 'provinciallyRejected');
      s.timeline.push({
        at: now,
        event: 'provincialResult',
        actor: raw.actor,
        applicationId: input.applicationId,
        text: input.outcome === 'approved' ? 'approved' : `rejected: ${input.reason}`,
      });
      await tell(input.applicationId, {
        kind: 'provincialResult',
        at: now,
        by: raw.actor,
        outcome: input.outcome,
        ...(input.reason ? { reason: input.reason } : {}),
      });
      if (input.outcome === 'rejected') {
        mailer.post({
          kind: 'provincialResult',
          workflowId,
          eventKey: `result:${input.applicationId}:${record.revision}`,
          occurredAt: now,
          to: resultRecipients(input.applicationId),
          article: ART9_3,
          round: roundSummary,
          application: summaryOf(input.applicationId),
          outcome: 'rejected',
          reason: input.reason!,
        });
      } else if (s.publicNotice) {
        // Approved after the notice was recorded (a corrected result): it takes part in the notice.
        await tell(input.applicationId, { kind: 'publicNotice', at: now, notice: s.publicNotice });
      }
      version++;
      return record;
    },
    {
      validator: (raw) => {
        const actor = actorOf(raw);
        const parsed = safeParseBilingual(resultSchema, raw);
        if (!parsed.ok) refuse(parsed.errors);
        const rule = roundRules.provincialResult;
        requireAcademicAffairs(actor, rule, { zh: '录入省教育厅评审结果', en: "record the province's result" });
        requireStage(['provincialReview', 'publicNotice'], rule, { zh: '录入评审结果', en: 'record a result' });
        const p = knownApplication(parsed.value.applicationId);
        if (!SUBMITTED.includes(p.status)) {
          refuse([
            breach(rule, 'applicationId', {
              zh: `申报 ${p.applicationId} 未报送省教育厅，不能录入评审结果`,
              en: `application ${p.applicationId} was not submitted to the province`,
            }),
          ]);
        }
        if (parsed.value.outcome === 'rejected' && !parsed.value.reason) {
          refuse([breach(rule, 'reason', { zh: '不予批准须注明理由', en: 'a rejection needs the reason' })]);
        }
      },
    },
  );

  const noticeSchema = recordPublicNoticeInputSchema;
  setHandler(
    recordPublicNotice,
    async (raw) => {
      const { startDate } = noticeSchema.parse(raw);
      const now = nowIso();
      const notice = publicNoticeFor(startDate, noticeDays, calendar);
      s.publicNotice = { ...notice, recordedBy: raw.actor, recordedAt: now };
      noticeRevision++;
      s.timeline.push({
        at: now,
        event: 'publicNotice',
        actor: raw.actor,
        text: `${notice.start} – ${notice.end} (${notice.workingDays})`,
      });
      if (s.stage !== 'publicNotice') setStage('publicNotice');
      for (const id of approvedIds()) {
        await tell(id, { kind: 'publicNotice', at: now, notice });
        mailer.post({
          kind: 'publicNoticeStarted',
          workflowId,
          eventKey: `notice:${noticeRevision}:${id}`,
          occurredAt: now,
          to: resultRecipients(id),
          article: ART9_3,
          round: roundSummary,
          application: summaryOf(id),
          start: notice.start,
          end: notice.end,
          workingDays: notice.workingDays,
        });
      }
      version++;
      return notice;
    },
    {
      validator: (raw) => {
        const actor = actorOf(raw);
        const parsed = safeParseBilingual(noticeSchema, raw);
        if (!parsed.ok) refuse(parsed.errors);
        const rule = roundRules.provincialResult;
        requireAcademicAffairs(actor, rule, { zh: '录入公示期', en: 'record the public notice' });
        requireStage(['provincialReview', 'publicNotice'], rule, { zh: '录入公示期', en: 'record the public notice' });
        if (s.publicNotice && Date.now() >= Date.parse(s.publicNotice.endsAt)) {
          refuse([breach(rule, 'startDate', { zh: '公示期已结束，不能更改', en: 'the public notice has ended and cannot change' })]);
        }
        const missing = submittedIds().filter((id) => !resultOf(id));
        if (missing.length > 0) {
          refuse([
            breach(rule, 'startDate', {
              zh: `请先录入全部评审结果；尚缺：${missing.join('、')}`,
              en: `record every result first; missing: ${missing.join(', ')}`,
            }),
          ]);
        }
        if (approvedIds().length === 0) {
          refuse([
            breach(rule, 'startDate', {
              zh: '没有获批的申报，无需公示',
              en: 'no application was approved; there is nothing to put on notice',
            }),
          ]);
        }
        const start = parsed.value.startDate;
        const from = s.confirmation.submittedOn ?? shanghaiDate(Date.now());
        if (start < from) {
          refuse([
            breach(rule, 'startDate', {
              zh: `公示开始日期 ${start} 不能早于报送日期 ${from}`,
              en: `the notice cannot start (${start}) before the submission (${from})`,
            }),
          ]);
        }
        if (toDayNumber(start) > toDayNumber(shanghaiDate(Date.now())) + 90) {
          refuse([
            inputError(
              'startDate',
              `公示开始日期 ${start} 距今超过 90 天`,
              `the notice start ${start} is more than 90 days ahead`,
              'input.farFuture',
            ),
          ]);
        }
      },
    },
  );

  const objectionSchema = recordObjectionInputSchema;
  setHandler(
    recordObjection,
    async (raw) => {
      const input = objectionSchema.parse(raw);
      const objection = { applicationId: input.applicationId, content: input.content, by: raw.actor, at: nowIso() };
      s.objections.push(objection);
      s.timeline.push({
        at: objection.at,
        event: 'objection',
        actor: raw.actor,
        applicationId: input.applicationId,
        text: input.content.slice(0, 200),
      });
      await tell(input.applicationId, { kind: 'objection', at: objection.at, by: raw.actor, content: input.content });
      return objection;
    },
    {
      validator: (raw) => {
        const actor = actorOf(raw);
        const parsed = safeParseBilingual(objectionSchema, raw);
        if (!parsed.ok) refuse(parsed.errors);
        const rule = roundRules.provincialResult;
        requireAcademicAffairs(actor, rule, { zh: '录入公示异议', en: 'record an objection' });
        requireStage(['publicNotice'], rule, { zh: '录入异议', en: 'record an objection' });
        const p = knownApplication(parsed.value.applicationId);
        if (resultOf(p.applicationId)?.outcome !== 'approved') {
          refuse([
            breach(rule, 'applicationId', {
              zh: `申报 ${p.applicationId} 不在公示名单中`,
              en: `application ${p.applicationId} is not under public notice`,
            }),
          ]);
        }
      },
    },
  );

  // ── Main: open → consolidation → provincial review → public notice → pilots ─
  for (const college of round.colleges) {
    mailer.post({
      kind: 'roundOpened',
      workflowId,
      eventKey: `opened:${college.id}`,
      occurredAt: nowIso(),
      to: uniqueRecipients([recipient('collegeLeader', college.leader), ...college.staff.map((p) => recipient('collegeStaff', p))]),
      article: ART9_2,
      round: roundSummary,
      collegeName: college.name,
      internalDeadlineAt: internal.dueAt,
      provincialDeadline: round.provincialDeadline,
      requirements: round.requirements.length > 600 ? `${round.requirements.slice(0, 600)}…` : round.requirements,
    });
  }

  await waitUntil(internal.dueAt, confirmed);
  if (!confirmed()) {
    setStage('consolidation');
    s.timeline.push({ at: nowIso(), event: 'internalDeadline' });
    await waitUntil(conf.remindAt, confirmed);
  }
  if (!confirmed() && nowIso() < conf.dueAt) {
    s.confirmation.reminded = true;
    mailer.post({
      kind: 'stepReminder',
      workflowId,
      eventKey: 'consolidation:reminder',
      occurredAt: nowIso(),
      to: [aa],
      article: ART9_2,
      round: roundSummary,
      step: 'consolidation',
      dueAt: conf.dueAt,
    });
    s.timeline.push({ at: nowIso(), event: 'confirmationReminder' });
    await waitUntil(conf.dueAt, confirmed);
  }
  if (!confirmed()) {
    s.confirmation.overdue = true;
    mailer.post({
      kind: 'stepOverdue',
      workflowId,
      eventKey: 'consolidation:overdue',
      occurredAt: nowIso(),
      to: uniqueRecipients([aa, recipient('schoolLeader', round.schoolLeader)]),
      article: ART9_2,
      round: roundSummary,
      step: 'consolidation',
      dueAt: conf.dueAt,
      escalatedTo: { zh: '主管校领导', en: 'the school leader' },
    });
    s.timeline.push({ at: nowIso(), event: 'confirmationOverdue' });
    await condition(confirmed);
  }

  for (;;) {
    if (s.stage === 'closed') break;
    const submitted = submittedIds();
    if (submitted.length > 0 && submitted.every((id) => resultOf(id)?.outcome === 'rejected')) break;
    const v = version;
    if (s.publicNotice) {
      await waitUntil(s.publicNotice.endsAt, () => version !== v);
      if (version !== v) continue;
      await startPilots();
      break;
    }
    await condition(() => version !== v);
  }

  setStage('closed');
  const closedAt = nowIso();
  s.timeline.push({ at: closedAt, event: 'closed' });
  for (const id of submittedIds()) {
    if (progressById.get(id)?.status !== 'pilotStarted') await tell(id, { kind: 'closed', at: closedAt });
  }
  await condition(() => mailer.idle() && allHandlersFinished());
  return {
    roundId: round.id,
    submitted: submittedIds().length,
    approved: s.results.filter((r) => r.outcome === 'approved').length,
    rejected: s.results.filter((r) => r.outcome === 'rejected').length,
    pilots: s.pilots.filter((p) => !p.error).map((p) => p.pilotId),
  };

  /** Art. 9(4): each approved application becomes a pilot, with what the province approved. */
  async function startPilots(): Promise<void> {
    const startDate = shanghaiDate(Date.now());
    for (const id of approvedIds()) {
      const application = approvedData.get(id);
      if (!application) continue;
      const pilot = pilotRecordSchema.parse(pilotRecordFor(application, round, startDate));
      const options = pilotStartOptions(pilot);
      const at = nowIso();
      try {
        await startChild(pilotWorkflow, { ...options, parentClosePolicy: ParentClosePolicy.ABANDON });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        s.pilots.push({
          applicationId: id,
          pilotId: pilot.id,
          workflowId: options.workflowId,
          startedAt: at,
          error: `pilot ${pilot.id} already exists`,
        });
        s.timeline.push({ at, event: 'pilotStartFailed', applicationId: id, text: `pilot ${pilot.id} already exists` });
        continue;
      }
      s.pilots.push({ applicationId: id, pilotId: pilot.id, workflowId: options.workflowId, startedAt: at });
      setStatus(id, 'pilotStarted');
      s.timeline.push({ at, event: 'pilotStarted', applicationId: id, text: pilot.id });
      await tell(id, { kind: 'pilotStarted', at, pilotId: pilot.id, workflowId: options.workflowId });
      mailer.post({
        kind: 'provincialResult',
        workflowId,
        eventKey: `result:${id}:pilot`,
        occurredAt: at,
        to: resultRecipients(id),
        article: ART9_4,
        round: roundSummary,
        application: summaryOf(id),
        outcome: 'approved',
        pilotId: pilot.id,
      });
    }
  }
}

function emptyCounts(): RoundCounts {
  return { drafted: 0, signed: 0, reviewed: 0, returned: 0, submitted: 0, approved: 0, withdrawn: 0, rejected: 0 };
}

function addCounts(a: RoundCounts, b: RoundCounts): RoundCounts {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v + b[k as keyof RoundCounts]])) as unknown as RoundCounts;
}

/** Per college: how many applications were drafted, signed, reviewed, returned, submitted, approved. */
export function overview(colleges: readonly { id: string; name: string }[], apps: readonly ApplicationProgress[]): CollegeOverview[] {
  return colleges.map((c) => {
    const mine = apps.filter((p) => p.collegeId === c.id);
    const counts = emptyCounts();
    for (const p of mine) {
      if (p.status === 'withdrawn') {
        counts.withdrawn++;
        continue;
      }
      counts.drafted++;
      if (p.signed) counts.signed++;
      if (p.reviewed) counts.reviewed++;
      if (p.returned && inProgressStatuses.includes(p.status)) counts.returned++;
      if (SUBMITTED.includes(p.status)) counts.submitted++;
      if (p.status === 'provinciallyApproved' || p.status === 'pilotStarted') counts.approved++;
      if (p.status === 'rejected' || p.status === 'provinciallyRejected') counts.rejected++;
    }
    return { collegeId: c.id, name: c.name, counts, applications: mine };
  });
}

function waitingOn(s: RoundState, confirmedYet: boolean): Bilingual {
  switch (s.stage) {
    case 'open':
      return {
        zh: `校内申报中，截止 ${formatShanghai(Date.parse(s.internalDeadlineAt))}`,
        en: `open for applications until ${formatShanghai(Date.parse(s.internalDeadlineAt))}`,
      };
    case 'consolidation':
      return confirmedYet
        ? { zh: '已确认报送名单', en: 'the list is confirmed' }
        : {
            zh: `等待教务部确认报送名单（截止 ${formatShanghai(Date.parse(s.confirmation.dueAt))}）`,
            en: `waiting for Academic Affairs to confirm the list (due ${formatShanghai(Date.parse(s.confirmation.dueAt))})`,
          };
    case 'provincialReview':
      return { zh: '等待录入省教育厅评审结果和公示期', en: "waiting for the province's results and the public notice" };
    case 'publicNotice':
      return s.publicNotice
        ? {
            zh: `公示中：${s.publicNotice.start} 至 ${s.publicNotice.end}（${s.publicNotice.workingDays} 个工作日），期满后启动试点`,
            en: `public notice ${s.publicNotice.start} to ${s.publicNotice.end} (${s.publicNotice.workingDays} working days); pilots start when it ends`,
          }
        : { zh: '公示中', en: 'public notice' };
    case 'closed':
      return { zh: '本轮申报已结束', en: 'the round is closed' };
  }
}

/** The round's start options: its id, input and the search attributes its lists run on. */
export function roundStartOptions(
  round: RoundRecord,
  openedBy: Actor,
): { workflowId: string; args: [RoundWorkflowInput]; typedSearchAttributes: SearchAttributePair[] } {
  return {
    workflowId: roundWorkflowId(round.id),
    args: [{ round, openedBy }],
    typedSearchAttributes: [
      { key: OnexKind, value: 'round' },
      { key: OnexRound, value: round.id },
      { key: OnexStage, value: 'open' },
    ],
  };
}
