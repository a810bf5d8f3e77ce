/**
 * The application's shared context (试点申报): its state, the domain rules it is checked
 * against (Art. 8, the Art. 12 restriction, waivers), who acts and who is told at each step,
 * the state changes every handler makes, and the checks every validator shares. The spine
 * (index.ts) makes one per run; each subject file registers its handlers on it.
 */
import { getExternalWorkflowHandle, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { OnexActivities } from '../../activities/types';
import { actorSchema, type Actor } from '../../domain/actor';
import { checkApplication, type Application } from '../../domain/application';
import { createChinaCalendar, type CalendarWarning } from '../../domain/calendar';
import type { Bilingual } from '../../domain/errors';
import { majorKey } from '../../domain/organisation';
import type { ApplicationSummary, RoundSummary } from '../../domain/round-notifications';
import {
  applicationStatusNames,
  finalStatuses,
  mayActForCollege,
  roundRules,
  stepArticles,
  stepDeadline,
  type ApplicationStatus,
  type ApplicationStep,
} from '../../domain/round';
import { breach } from '../../domain/rules';
import { ruleTable } from '../../domain/tables';
import { safeParseBilingual } from '../../domain/validation';
import { evaluateRules, type Waiver } from '../../domain/waivers';
import type { Recipient } from '../../domain/weekly';
import type { z } from 'zod';
import { applicationProgress } from '../messages';
import { refuse } from '../refusal';
import { Mailer, nowIso, recipient, uniqueRecipients } from '../round-support';
import type { ApplicationProgress, ApplicationState, ApplicationWorkflowInput, OpenStep } from '../round-types';
import { OnexStage } from '../search-attributes';

// Reading last year's pass records is a quick query; if the registry cannot answer, keep what was read before.
const { passRecordsFor } = proxyActivities<OnexActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 } });

export type ApplicationContext = ReturnType<typeof applicationContext>;

/** The application's state and helpers, built once at the start of the run. */
export function applicationContext(input: ApplicationWorkflowInput) {
  const table = ruleTable(input.round.rulesVersion);
  const { workflowId, parent } = workflowInfo();
  const s: ApplicationState = {
    workflowId,
    roundId: input.round.id,
    application: input.application,
    status: 'draft',
    statusName: applicationStatusNames.draft,
    submissions: 0,
    evaluation: { blocking: [], waived: [], advisories: [] },
    waivers: [...input.waivers],
    passRecords: [],
    missedInternalDeadline: false,
    objections: [],
    timeline: [{ at: nowIso(), event: 'created', actor: input.createdBy }],
    emails: [],
    calendarWarnings: [],
    waitingOn: { zh: '', en: '' },
  };
  const calendar = createChinaCalendar((w: CalendarWarning) => {
    if (!s.calendarWarnings.some((x) => x.year === w.year)) s.calendarWarnings.push(w);
  });
  const mailer = new Mailer(s.emails);

  const app = () => s.application;
  const isFinal = () => finalStatuses.includes(s.status);
  /** The workflow ends at a final status — except a provincial rejection, which may still change until the round closes. */
  const done = (): boolean => ctx.closedByRound || (isFinal() && s.status !== 'provinciallyRejected');
  const roundSummary: RoundSummary = {
    id: input.round.id,
    year: input.round.year,
    title: input.round.provincialCall,
    documentNumber: input.round.documentNumber,
  };
  const summary = (): ApplicationSummary => ({
    id: app().id,
    collegeName: app().college.name,
    majorName: app().major.name,
    certificateName: app().certificate.name,
    level: app().certificate.level,
    leadName: app().lead.name,
  });

  // ── Rules ────────────────────────────────────────────────────────────────
  const evaluate = (a: Application = app(), waivers: Waiver[] = s.waivers) =>
    evaluateRules(checkApplication(a, { sameRound: input.sameRound, passRecords: s.passRecords }, table), waivers, a.id);
  const refreshEvaluation = () => {
    const e = evaluate();
    s.evaluation = {
      blocking: e.blocking,
      waived: e.waived.map((w) => ({ result: w.result, waiverId: w.waiver.id })),
      advisories: e.advisories,
    };
  };
  const hardBlocking = (a: Application) => evaluate(a).blocking.filter((r) => r.severity === 'hard');
  const loadPassRecords = async () => {
    try {
      s.passRecords = await passRecordsFor({
        year: app().year - 1,
        collegeId: app().college.id,
        major: app().major,
        certificate: app().certificate,
      });
    } catch {
      // Keep the records read before; the next submission reads them again.
    }
    refreshEvaluation();
  };

  // ── Recipients per step ──────────────────────────────────────────────────
  const c = input.contacts;
  const drafters = (): Recipient[] =>
    uniqueRecipients([recipient('pilotLead', app().lead), ...c.collegeStaff.map((p) => recipient('collegeStaff', p))]);
  const actorsOf = (step: ApplicationStep): Recipient[] =>
    step === 'draft'
      ? drafters()
      : step === 'college'
        ? [recipient('collegeLeader', c.collegeLeader)]
        : [recipient('academicAffairs', c.academicAffairs)];
  const escalation: Record<ApplicationStep, { to: () => Recipient[]; name: Bilingual }> = {
    draft: {
      to: () =>
        uniqueRecipients([...drafters(), recipient('collegeLeader', c.collegeLeader), recipient('academicAffairs', c.academicAffairs)]),
      name: { zh: '二级学院负责人和教务部', en: 'the college leader and Academic Affairs' },
    },
    college: {
      to: () => uniqueRecipients([recipient('collegeLeader', c.collegeLeader), recipient('academicAffairs', c.academicAffairs)]),
      name: { zh: '教务部', en: 'Academic Affairs' },
    },
    academicAffairs: {
      to: () => uniqueRecipients([recipient('academicAffairs', c.academicAffairs), recipient('schoolLeader', c.schoolLeader)]),
      name: { zh: '主管校领导', en: 'the school leader' },
    },
  };

  // ── State changes ────────────────────────────────────────────────────────
  const setStatus = (status: ApplicationStatus) => {
    s.status = status;
    s.statusName = applicationStatusNames[status];
    upsertSearchAttributes([{ key: OnexStage, value: status }]);
  };
  const openStep = (step: ApplicationStep) => {
    const firstDraft = step === 'draft' && !s.openReturn;
    const now = new Date(Date.now());
    let d = stepDeadline(step, now, firstDraft, input.round, table, calendar);
    // A first draft reopened after the internal deadline (a withdrawal) gets the normal working days.
    if (Date.parse(d.dueAt) <= now.getTime()) d = stepDeadline(step, now, false, input.round, table, calendar);
    const open: OpenStep = { step, openedAt: now.toISOString(), dueAt: d.dueAt, remindAt: d.remindAt, reminded: false, overdue: false };
    s.step = open;
    ctx.stepCount++;
    ctx.version++;
    setStatus(step);
  };
  const closeSteps = (status: ApplicationStatus) => {
    delete s.step;
    ctx.version++;
    setStatus(status);
  };
  const progress = async (): Promise<void> => {
    if (!parent) return;
    const a = app();
    const p: ApplicationProgress = {
      seq: ++ctx.progressSeq,
      applicationId: a.id,
      workflowId,
      collegeId: a.college.id,
      collegeName: a.college.name,
      majorName: a.major.name,
      ...(a.major.code ? { majorCode: a.major.code } : {}),
      majorKey: majorKey(a.college.id, a.major),
      certificateName: a.certificate.name,
      level: a.certificate.level,
      status: s.status,
      ...(s.step ? { dueAt: s.step.dueAt } : {}),
      missedInternalDeadline: s.missedInternalDeadline,
      signed: s.signedOff !== undefined && s.status !== 'draft',
      reviewed: s.reviewedBy !== undefined,
      returned: s.openReturn !== undefined,
      blocking: s.evaluation.blocking.map((r) => r.ruleId),
      waived: s.evaluation.waived.map((w) => w.result.ruleId),
      updatedAt: nowIso(),
      ...(s.status === 'approved' ? { approved: a } : {}),
    };
    await getExternalWorkflowHandle(parent.workflowId).signal(applicationProgress, p);
  };
  const returnedMail = (by: ApplicationStep, to: ApplicationStep, comment: string) => {
    mailer.post({
      kind: 'returnedForRevision',
      workflowId,
      eventKey: `step:${ctx.stepCount}:returned`,
      occurredAt: nowIso(),
      to: actorsOf(to),
      article: stepArticles[by],
      round: roundSummary,
      application: summary(),
      returnedBy: by,
      returnedTo: to,
      comment,
      dueAt: s.step!.dueAt,
    });
  };

  // ── Validators' shared checks ────────────────────────────────────────────
  /** The whole input has the action's shape: no unknown fields (the details are checked after). */
  const shapeOf = (schema: z.ZodType, raw: unknown) => {
    const parsed = safeParseBilingual(schema, raw);
    if (!parsed.ok) refuse(parsed.errors);
  };
  /** Every action carries a valid actor. */
  const actorOf = (raw: unknown): Actor => {
    const parsed = safeParseBilingual(actorSchema, (raw as { actor?: unknown } | undefined)?.actor, 'actor');
    if (!parsed.ok) refuse(parsed.errors);
    return parsed.value;
  };
  const requireStatus = (allowed: readonly ApplicationStatus[], what: Bilingual) => {
    if (allowed.includes(s.status)) return;
    refuse([
      breach(roundRules.stepOrder, 'status', {
        zh: `该申报当前状态为“${s.statusName.zh}”，不能${what.zh}`,
        en: `the application is ${s.statusName.en}; it cannot ${what.en} now`,
      }),
    ]);
  };
  const requireCollege = (actor: Actor, what: Bilingual) => {
    const r = mayActForCollege(actor, app(), what);
    if (r.length > 0) refuse(r);
  };

  const ctx = {
    input,
    table,
    workflowId,
    s,
    calendar,
    mailer,
    /** Bumped at every change the main loop must notice (a step opened or closed). */
    version: 0,
    stepCount: 0,
    progressSeq: 0,
    /** How the current step was reached: only a submission can be withdrawn. */
    reachedBySubmission: false,
    /** The return that was open when the current submission was made (restored by a withdrawal). */
    returnBeforeSubmission: undefined as ApplicationState['openReturn'],
    /** Set when the round has closed: the workflow ends. */
    closedByRound: false,
    app,
    isFinal,
    done,
    roundSummary,
    summary,
    evaluate,
    refreshEvaluation,
    hardBlocking,
    loadPassRecords,
    actorsOf,
    escalation,
    setStatus,
    openStep,
    closeSteps,
    progress,
    returnedMail,
    shapeOf,
    actorOf,
    requireStatus,
    requireCollege,
  };
  return ctx;
}
