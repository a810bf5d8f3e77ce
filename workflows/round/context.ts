/**
 * The round's shared context (申报轮次, Art. 9): its state, the applications' progress as
 * the children report it, the deadlines of the internal round and of the consolidated
 * submission (Art. 9(2)), the outbox, and the checks every validator shares. The spine
 * (index.ts) makes one per run; each subject file registers its handlers on it.
 */
import { getExternalWorkflowHandle, log, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { actorSchema, type Actor } from '../../domain/actor';
import type { Application } from '../../domain/application';
import { createChinaCalendar, type CalendarWarning } from '../../domain/calendar';
import { inputError, type Bilingual } from '../../domain/errors';
import { sameMajor } from '../../domain/organisation';
import type { ApplicationSummary, RoundSummary } from '../../domain/round-notifications';
import {
  confirmationDeadline,
  internalDeadline,
  noticeWorkingDays,
  roundStageNames,
  type ApplicationStatus,
  type RoundStage,
} from '../../domain/round';
import { breach, type RuleDefinition } from '../../domain/rules';
import { ruleTable } from '../../domain/tables';
import { safeParseBilingual } from '../../domain/validation';
import type { Recipient } from '../../domain/weekly';
import type { z } from 'zod';
import { roundDecision } from '../messages';
import { refuse } from '../refusal';
import { Mailer, nowIso, recipient, uniqueRecipients } from '../round-support';
import type { ApplicationProgress, RoundDecision, RoundState, RoundWorkflowInput } from '../round-types';
import { OnexStage } from '../search-attributes';
import { SUBMITTED, emptyCounts } from './overview';

const LIVE_FOR_MAJOR: (p: ApplicationProgress) => boolean = (p) =>
  !['withdrawn', 'rejected', 'notSubmitted', 'provinciallyRejected'].includes(p.status);

export type RoundContext = ReturnType<typeof roundContext>;

/** The round's state and helpers, built once at the start of the run. */
export function roundContext(input: RoundWorkflowInput) {
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
  const roundSummary: RoundSummary = { id: round.id, year: round.year, title: round.provincialCall, documentNumber: round.documentNumber };
  const aa = recipient('academicAffairs', round.academicAffairs);
  const collegeOf = (id: string) => round.colleges.find((c) => c.id === id);
  const confirmed = () => s.confirmation.confirmedAt !== undefined;
  const resultOf = (id: string) => s.results.find((r) => r.applicationId === id);
  const submittedIds = () => [...progressById.values()].filter((p) => SUBMITTED.includes(p.status)).map((p) => p.applicationId);

  const ctx = {
    round,
    table,
    workflowId,
    calendar,
    internal,
    conf,
    noticeDays,
    s,
    progressById,
    approvedData,
    mailer,
    /** Bumped at every change the main loop must notice. */
    version: 0,
    /** Bumped at each public notice recorded (its mails' event keys). */
    noticeRevision: 0,
    roundSummary,
    aa,
    collegeOf,
    confirmed,

    setStage: (stage: RoundStage) => {
      s.stage = stage;
      s.stageName = roundStageNames[stage];
      upsertSearchAttributes([{ key: OnexStage, value: stage }]);
      ctx.version++;
    },
    tell: async (applicationId: string, d: RoundDecision) => {
      const p = progressById.get(applicationId);
      if (!p) return;
      try {
        await getExternalWorkflowHandle(p.workflowId).signal(roundDecision, d);
      } catch (err) {
        // An application that has ended (e.g. terminated by an operator) no longer listens; the round goes on.
        log.warn('application did not take the round decision', { applicationId, kind: d.kind, error: String(err) });
      }
    },
    setStatus: (applicationId: string, status: ApplicationStatus) => {
      const p = progressById.get(applicationId);
      if (p) progressById.set(applicationId, { ...p, status, updatedAt: nowIso() });
    },
    summaryOf: (id: string): ApplicationSummary => {
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
    },
    resultRecipients: (id: string): Recipient[] => {
      const a = approvedData.get(id);
      const college = collegeOf(progressById.get(id)!.collegeId)!;
      return uniqueRecipients([...(a ? [recipient('pilotLead', a.lead)] : []), recipient('collegeLeader', college.leader), aa]);
    },
    resultOf,
    /** Art. 8(2): the round's other live applications for the same major (as checkApplication reads them). */
    sameMajor: (a: Application) => {
      const mine = { collegeId: a.college.id, major: a.major };
      // The code where either side has one decides; progress recorded before codes were kept reads it from its key.
      const codeOf = (p: ApplicationProgress) => p.majorCode ?? /\/code:(.+)$/.exec(p.majorKey)?.[1];
      return [...progressById.values()]
        .filter(
          (p) =>
            p.applicationId !== a.id &&
            LIVE_FOR_MAJOR(p) &&
            sameMajor(mine, { collegeId: p.collegeId, major: { code: codeOf(p), name: p.majorName } }),
        )
        .map((p) => ({ id: p.applicationId, roundId: round.id, college: a.college, major: a.major }));
    },
    submittedIds,
    approvedIds: () => submittedIds().filter((id) => resultOf(id)?.outcome === 'approved'),

    // ── Validators' shared checks ────────────────────────────────────────────
    /** The whole input has the action's shape: no unknown fields (the details are checked after). */
    shapeOf: (schema: z.ZodType, raw: unknown) => {
      const parsed = safeParseBilingual(schema, raw);
      if (!parsed.ok) refuse(parsed.errors);
    },
    actorOf: (raw: unknown): Actor => {
      const parsed = safeParseBilingual(actorSchema, (raw as { actor?: unknown } | undefined)?.actor, 'actor');
      if (!parsed.ok) refuse(parsed.errors);
      return parsed.value;
    },
    requireAcademicAffairs: (actor: Actor, rule: RuleDefinition, what: Bilingual) => {
      if (actor.role === 'academicAffairs') return;
      refuse([breach(rule, 'actor.role', { zh: `只有教务部可以${what.zh}`, en: `only Academic Affairs may ${what.en}` })]);
    },
    requireStage: (stages: readonly RoundStage[], rule: RuleDefinition, what: Bilingual) => {
      if (stages.includes(s.stage)) return;
      refuse([
        breach(rule, 'stage', {
          zh: `本轮申报当前处于“${s.stageName.zh}”阶段，不能${what.zh}`,
          en: `the round is at "${s.stageName.en}"; it cannot ${what.en} now`,
        }),
      ]);
    },
    knownApplication: (id: unknown, field = 'applicationId'): ApplicationProgress => {
      const p = typeof id === 'string' ? progressById.get(id) : undefined;
      if (!p)
        refuse([inputError(field, `本轮没有申报 ${String(id)}`, `the round has no application ${String(id)}`, 'application.notFound')]);
      return p;
    },
  };
  return ctx;
}
