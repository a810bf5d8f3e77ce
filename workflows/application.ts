/**
 * The application workflow (试点申报): one per application, a child of its round, id
 * `application:<roundId>:<applicationId>`. Draft → validation with the domain rules
 * (Art. 8, the Art. 12 restriction, waivers) → the college leader signs off, declaring the
 * materials authentic (Art. 5(2)) → Academic Affairs reviews: approve, return for revision
 * to a chosen step (the resubmission goes straight back to whoever returned it), reject,
 * or waive a waivable rule with a reason → included in the provincial submission by the
 * round → the province's result, the public notice, the pilot.
 *
 * Validation: hard breaches (Art. 8(1), 8(4), 8(6)) refuse the submission at once; waivable
 * ones (Art. 8(2), 8(3), Art. 12) travel with the application, shown to every step, and
 * Academic Affairs cannot approve it — so it cannot reach the province — until each one is
 * waived (by Academic Affairs, with a reason). Advisory results (Art. 8(5)) never block.
 *
 * Each step has a due date (the first draft: the internal deadline; later steps: the
 * table's working days), a reminder before it and an escalation to the next level after
 * it. Human actions are Updates whose validators refuse without a trace in history.
 */
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnexActivities } from '../activities/types';
import { actorSchema, type Actor } from '../domain/actor';
import { applicationReviewChain, applicationSchema, checkApplication, type Application } from '../domain/application';
import { academicAffairsStep, approvalDecisionInputSchema, checkApprover, collegeLeaderStep } from '../domain/approval';
import { createChinaCalendar, formatShanghai, type CalendarWarning } from '../domain/calendar';
import { inputError, type Bilingual } from '../domain/errors';
import { majorKey } from '../domain/organisation';
import type { ApplicationSummary, RoundSummary } from '../domain/round-notifications';
import {
  applicationStatusNames,
  finalStatuses,
  mayActForCollege,
  roundRules,
  stepArticles,
  stepDeadline,
  stepNames,
  type ApplicationStatus,
  type ApplicationStep,
} from '../domain/round';
import { breach } from '../domain/rules';
import { ruleTable } from '../domain/tables';
import { safeParseBilingual } from '../domain/validation';
import { evaluateRules, grantWaiver, type Waiver } from '../domain/waivers';
import type { Recipient } from '../domain/weekly';
import type { z } from 'zod';
import {
  editApplicationInputSchema,
  reviewInputSchema,
  signOffInputSchema,
  submitApplicationInputSchema,
  waiveRuleInputSchema,
  withdrawApplicationInputSchema,
} from '../domain/round-inputs';
import {
  abandonApplication,
  applicationProgress,
  applicationStateQuery,
  editApplication,
  reviewApplication,
  roundDecision,
  signOffApplication,
  submitApplication,
  waiveApplicationRule,
  withdrawSubmission,
} from './messages';
import { refuse } from './refusal';
import { Mailer, nowIso, recipient, uniqueRecipients, waitUntil } from './round-support';
import type { ApplicationOutcome, ApplicationProgress, ApplicationState, ApplicationWorkflowInput, OpenStep } from './round-types';
import { OnexStage } from './search-attributes';

// Reading last year's pass records is a quick query; if the registry cannot answer, keep what was read before.
const { passRecordsFor } = proxyActivities<OnexActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 } });

/** What the college leader declares when signing off (Art. 5(2)). */
export const AUTHENTICITY_DECLARATION: Bilingual = {
  zh: '本人代表二级学院确认：申报材料真实、准确，本学院对材料的真实性负责（第五条（二））。',
  en: 'On behalf of the college I confirm that the application materials are true and accurate; the college answers for their authenticity (Art. 5(2)).',
};

const identityFields = ['id', 'roundId', 'year', 'college', 'major'] as const;

export async function applicationWorkflow(input: ApplicationWorkflowInput): Promise<ApplicationOutcome> {
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
  /** Bumped at every change the main loop must notice (a step opened or closed). */
  let version = 0;
  let stepCount = 0;
  let progressSeq = 0;
  /** How the current step was reached: only a submission can be withdrawn. */
  let reachedBySubmission = false;
  /** The return that was open when the current submission was made (restored by a withdrawal). */
  let returnBeforeSubmission: ApplicationState['openReturn'];

  const app = () => s.application;
  const isFinal = () => finalStatuses.includes(s.status);
  /** The workflow ends at a final status — except a provincial rejection, which may still change until the round closes. */
  const done = () => closedByRound || (isFinal() && s.status !== 'provinciallyRejected');
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
    stepCount++;
    version++;
    setStatus(step);
  };
  const closeSteps = (status: ApplicationStatus) => {
    delete s.step;
    version++;
    setStatus(status);
  };
  const progress = async () => {
    if (!parent) return;
    const a = app();
    const p: ApplicationProgress = {
      seq: ++progressSeq,
      applicationId: a.id,
      workflowId,
      collegeId: a.college.id,
      collegeName: a.college.name,
      majorName: a.major.name,
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
      eventKey: `step:${stepCount}:returned`,
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

  // ── Queries ──────────────────────────────────────────────────────────────
  setHandler(applicationStateQuery, (): ApplicationState => ({ ...s, waitingOn: waitingOn(s) }));

  // ── Updates ──────────────────────────────────────────────────────────────
  const editSchema = editApplicationInputSchema;
  /** The application with the changes applied; identity fields always stay. */
  const withChanges = (changes: Record<string, unknown>) => ({
    ...app(),
    ...changes,
    ...Object.fromEntries(identityFields.map((k) => [k, app()[k]])),
  });
  setHandler(
    editApplication,
    async (raw) => {
      s.application = applicationSchema.parse(withChanges(raw.changes));
      refreshEvaluation();
      s.timeline.push({ at: nowIso(), event: 'edited', actor: raw.actor });
      await progress();
      return { ...s, waitingOn: waitingOn(s) };
    },
    {
      validator: (raw) => {
        const shape = safeParseBilingual(editSchema, raw);
        if (!shape.ok) refuse(shape.errors);
        const actor = actorOf(raw);
        const what = { zh: '修改申报', en: 'edit the application' };
        requireCollege(actor, what);
        requireStatus(['draft'], what);
        const changes = (raw as { changes: Record<string, unknown> }).changes;
        const fixed = identityFields.filter((k) => k in changes && JSON.stringify(changes[k]) !== JSON.stringify(app()[k]));
        if (fixed.length > 0) {
          refuse(
            fixed.map((k) =>
              inputError(
                `changes.${k}`,
                `申报的${k === 'college' ? '学院' : k === 'major' ? '专业' : '编号、轮次或年度'}不能修改；如需更换，请撤销本申报后重新申报`,
                `the application's ${k} cannot change; withdraw it and apply again instead`,
                'application.identity',
              ),
            ),
          );
        }
        const parsed = safeParseBilingual(applicationSchema, withChanges(changes), 'changes');
        if (!parsed.ok) refuse(parsed.errors);
      },
    },
  );

  setHandler(
    submitApplication,
    async ({ actor }) => {
      const next: ApplicationStep = s.openReturn?.by ?? 'college';
      const resubmission = s.openReturn !== undefined;
      returnBeforeSubmission = s.openReturn;
      delete s.openReturn;
      s.submissions++;
      s.submittedBy = actor;
      openStep(next);
      reachedBySubmission = true;
      s.timeline.push({ at: nowIso(), event: 'submitted', actor, to: next, ...(resubmission ? { comment: 'resubmitted' } : {}) });
      await loadPassRecords();
      await progress();
      return { ...s, waitingOn: waitingOn(s) };
    },
    {
      validator: (raw) => {
        shapeOf(submitApplicationInputSchema, raw);
        const actor = actorOf(raw);
        const what = { zh: '提交申报', en: 'submit the application' };
        requireCollege(actor, what);
        requireStatus(['draft'], what);
        const hard = hardBlocking(app());
        if (hard.length > 0) refuse(hard);
      },
    },
  );

  setHandler(
    withdrawSubmission,
    async ({ actor, reason }) => {
      const from = s.status as ApplicationStep;
      if (returnBeforeSubmission) s.openReturn = returnBeforeSubmission;
      returnBeforeSubmission = undefined;
      reachedBySubmission = false;
      openStep('draft');
      s.timeline.push({ at: nowIso(), event: 'withdrawn', actor, step: from, ...(reason ? { comment: reason } : {}) });
      await progress();
      return { ...s, waitingOn: waitingOn(s) };
    },
    {
      validator: (raw) => {
        shapeOf(withdrawApplicationInputSchema, raw);
        const actor = actorOf(raw);
        const what = { zh: '撤回提交', en: 'withdraw the submission' };
        requireCollege(actor, what);
        if (!reachedBySubmission || (s.status !== 'college' && s.status !== 'academicAffairs')) {
          refuse([
            breach(roundRules.stepOrder, 'status', {
              zh: `只能在下一环节处理之前撤回提交；该申报当前状态为“${s.statusName.zh}”`,
              en: `a submission can be withdrawn only until the next step acts; the application is ${s.statusName.en}`,
            }),
          ]);
        }
        const by = s.submittedBy;
        if (by && actor.id !== by.id && actor.onBehalfOf !== by.id) {
          refuse([
            breach(roundRules.stepOrder, 'actor', {
              zh: `只有提交人（${by.id}）可以撤回本次提交`,
              en: `only the submitter (${by.id}) may withdraw this submission`,
            }),
          ]);
        }
      },
    },
  );

  setHandler(
    abandonApplication,
    async ({ actor, reason }) => {
      closeSteps('withdrawn');
      s.timeline.push({ at: nowIso(), event: 'abandoned', actor, ...(reason ? { comment: reason } : {}) });
      await progress();
      return { ...s, waitingOn: waitingOn(s) };
    },
    {
      validator: (raw) => {
        shapeOf(withdrawApplicationInputSchema, raw);
        const actor = actorOf(raw);
        const what = { zh: '撤销申报', en: 'withdraw the application from the round' };
        if (actor.role !== 'academicAffairs') requireCollege(actor, what);
        requireStatus(['draft', 'college', 'academicAffairs', 'approved'], what);
      },
    },
  );

  const signOffSchema = signOffInputSchema;
  setHandler(
    signOffApplication,
    async ({ outcome, comment, actor }) => {
      if (outcome === 'approve') {
        s.signedOff = { by: actor, at: nowIso(), declaration: AUTHENTICITY_DECLARATION };
        if (s.openReturn?.to === 'college') delete s.openReturn;
        reachedBySubmission = false;
        openStep('academicAffairs');
        s.timeline.push({
          at: nowIso(),
          event: 'signedOff',
          actor,
          step: 'college',
          to: 'academicAffairs',
          ...(comment ? { comment } : {}),
        });
      } else {
        s.openReturn = { by: 'college', to: 'draft', comment: comment!, at: nowIso(), actor };
        reachedBySubmission = false;
        openStep('draft');
        s.timeline.push({ at: nowIso(), event: 'returned', actor, step: 'college', to: 'draft', comment: comment! });
        returnedMail('college', 'draft', comment!);
      }
      await progress();
      return { ...s, waitingOn: waitingOn(s) };
    },
    {
      validator: (raw) => {
        const shape = safeParseBilingual(signOffSchema, raw);
        if (!shape.ok) refuse(shape.errors);
        const actor = actorOf(raw);
        requireStatus(['college'], { zh: '审核签字', en: 'be signed off' });
        const denied = checkApprover(
          applicationReviewChain,
          { status: 'pending', step: collegeLeaderStep, stepIndex: 0 },
          actor,
          app().college.id,
        );
        if (denied.length > 0) refuse(denied);
        const decision = safeParseBilingual(approvalDecisionInputSchema, { outcome: shape.value.outcome, comment: shape.value.comment });
        if (!decision.ok) refuse(decision.errors);
        if (shape.value.outcome === 'approve' && shape.value.declareAuthentic !== true) {
          refuse([
            breach(roundRules.authenticity, 'declareAuthentic', {
              zh: `签字确认须声明：${AUTHENTICITY_DECLARATION.zh}`,
              en: `signing off requires the declaration: ${AUTHENTICITY_DECLARATION.en}`,
            }),
          ]);
        }
      },
    },
  );

  const reviewSchema = reviewInputSchema;
  setHandler(
    reviewApplication,
    async ({ outcome, comment, returnTo, actor }) => {
      reachedBySubmission = false;
      if (outcome === 'approve') {
        s.reviewedBy = { by: actor, at: nowIso() };
        closeSteps('approved');
        s.timeline.push({ at: nowIso(), event: 'approved', actor, step: 'academicAffairs', ...(comment ? { comment } : {}) });
      } else if (outcome === 'return') {
        const to = returnTo ?? 'draft';
        s.openReturn = { by: 'academicAffairs', to, comment: comment!, at: nowIso(), actor };
        openStep(to);
        s.timeline.push({ at: nowIso(), event: 'returned', actor, step: 'academicAffairs', to, comment: comment! });
        returnedMail('academicAffairs', to, comment!);
      } else {
        closeSteps('rejected');
        s.timeline.push({ at: nowIso(), event: 'rejected', actor, step: 'academicAffairs', comment: comment! });
      }
      await progress();
      return { ...s, waitingOn: waitingOn(s) };
    },
    {
      validator: (raw) => {
        const shape = safeParseBilingual(reviewSchema, raw);
        if (!shape.ok) refuse(shape.errors);
        const actor = actorOf(raw);
        requireStatus(['academicAffairs'], { zh: '由教务部审核', en: 'be reviewed by Academic Affairs' });
        const denied = checkApprover(
          applicationReviewChain,
          { status: 'pending', step: academicAffairsStep, stepIndex: 1 },
          actor,
          app().college.id,
        );
        if (denied.length > 0) refuse(denied);
        const decision = safeParseBilingual(approvalDecisionInputSchema, { outcome: shape.value.outcome, comment: shape.value.comment });
        if (!decision.ok) refuse(decision.errors);
        if (shape.value.outcome === 'approve') {
          // Art. 8, 12: nothing may reach the province with an unwaived breach.
          const blocking = evaluate().blocking;
          if (blocking.length > 0) refuse(blocking);
        }
      },
    },
  );

  const waiveSchema = waiveRuleInputSchema;
  setHandler(
    waiveApplicationRule,
    async ({ ruleId, field, reason, actor }) => {
      const granted = grantWaiver({ ruleId, subjectId: app().id, field, reason }, actor, new Date(Date.now()));
      const waiver = (granted as { ok: true; value: Waiver }).value;
      s.waivers.push(waiver);
      refreshEvaluation();
      s.timeline.push({ at: nowIso(), event: 'waived', actor, ruleId, comment: reason });
      await progress();
      return waiver;
    },
    {
      validator: (raw) => {
        const shape = safeParseBilingual(waiveSchema, raw);
        if (!shape.ok) refuse(shape.errors);
        const actor = actorOf(raw);
        requireStatus(['draft', 'college', 'academicAffairs'], { zh: '豁免规则', en: 'have a rule waived' });
        const { ruleId, field, reason } = shape.value;
        const granted = grantWaiver({ ruleId, subjectId: app().id, field, reason }, actor, new Date(Date.now()));
        if (!granted.ok) refuse(granted.errors);
        const open = evaluate().blocking.filter((r) => r.ruleId === ruleId && (field === undefined || r.field === field));
        if (open.length === 0) {
          refuse([
            inputError(
              'ruleId',
              `该申报当前没有需要豁免的 ${ruleId} 问题`,
              `the application has no open ${ruleId} result to waive`,
              'waiver.nothingToWaive',
            ),
          ]);
        }
      },
    },
  );

  // ── Signals from the round ───────────────────────────────────────────────
  let closedByRound = false;
  setHandler(roundDecision, (d) => {
    switch (d.kind) {
      case 'submittedToProvince':
        closeSteps('submitted');
        s.timeline.push({ at: d.at, event: 'submittedToProvince', actor: d.by });
        break;
      case 'notSubmitted':
        closeSteps('notSubmitted');
        s.timeline.push({ at: d.at, event: 'notSubmitted', comment: d.reason.zh });
        break;
      case 'provincialResult':
        s.provincial = { outcome: d.outcome, ...(d.reason ? { reason: d.reason } : {}), at: d.at, by: d.by };
        closeSteps(d.outcome === 'approved' ? 'provinciallyApproved' : 'provinciallyRejected');
        s.timeline.push({
          at: d.at,
          event: 'provincialResult',
          actor: d.by,
          comment: d.outcome === 'approved' ? 'approved' : `rejected: ${d.reason ?? ''}`,
        });
        break;
      case 'objection':
        s.objections.push({ content: d.content, by: d.by, at: d.at });
        s.timeline.push({ at: d.at, event: 'objection', actor: d.by, comment: d.content });
        break;
      case 'publicNotice':
        s.publicNotice = d.notice;
        s.timeline.push({ at: d.at, event: 'publicNotice', comment: `${d.notice.start} – ${d.notice.end}` });
        break;
      case 'pilotStarted':
        s.pilot = { pilotId: d.pilotId, workflowId: d.workflowId };
        closeSteps('pilotStarted');
        s.timeline.push({ at: d.at, event: 'pilotStarted', comment: d.pilotId });
        break;
      case 'closed':
        s.timeline.push({ at: d.at, event: 'closed' });
        if (!isFinal()) closeSteps(s.status === 'provinciallyApproved' ? 'provinciallyApproved' : 'provinciallyRejected');
        version++;
        closedByRound = true;
        break;
    }
  });

  // ── Main loop: one open step at a time, with its reminder and escalation ──
  await loadPassRecords();
  openStep('draft');
  await progress();

  while (!done()) {
    const v = version;
    const changed = () => version !== v || done();
    const st = s.step;
    if (!st) {
      await condition(changed);
      continue;
    }
    const n = stepCount;
    if (!st.reminded) {
      await waitUntil(st.remindAt, changed);
      if (changed()) continue;
      st.reminded = true;
      if (nowIso() < st.dueAt) {
        mailer.post({
          kind: 'stepReminder',
          workflowId,
          eventKey: `step:${n}:${st.step}:reminder`,
          occurredAt: nowIso(),
          to: actorsOf(st.step),
          article: stepArticles[st.step],
          round: roundSummary,
          application: summary(),
          step: st.step,
          dueAt: st.dueAt,
        });
        s.timeline.push({ at: nowIso(), event: 'reminded', step: st.step });
      }
    }
    if (!st.overdue) {
      await waitUntil(st.dueAt, changed);
      if (changed()) continue;
      st.overdue = true;
      if (st.step === 'draft' && !s.openReturn) s.missedInternalDeadline = true;
      const esc = escalation[st.step];
      mailer.post({
        kind: 'stepOverdue',
        workflowId,
        eventKey: `step:${n}:${st.step}:overdue`,
        occurredAt: nowIso(),
        to: esc.to(),
        article: stepArticles[st.step],
        round: roundSummary,
        application: summary(),
        step: st.step,
        dueAt: st.dueAt,
        escalatedTo: esc.name,
      });
      s.timeline.push({ at: nowIso(), event: 'overdue', step: st.step });
      await progress();
    }
    await condition(changed);
  }

  await condition(() => mailer.idle() && allHandlersFinished());
  return { applicationId: app().id, status: s.status, ...(s.pilot ? { pilotId: s.pilot.pilotId } : {}) };
}

function waitingOn(s: ApplicationState): Bilingual {
  const st = s.step;
  if (st) {
    const who = stepNames[st.step];
    const due = formatShanghai(Date.parse(st.dueAt));
    return {
      zh: `等待${who.zh}（截止 ${due}${st.overdue ? '，已逾期' : ''}）`,
      en: `waiting for ${who.en} (due ${due}${st.overdue ? ', overdue' : ''})`,
    };
  }
  switch (s.status) {
    case 'approved':
      return { zh: '等待教务部确认报送名单', en: 'waiting for Academic Affairs to confirm the provincial submission' };
    case 'submitted':
      return { zh: '等待省教育厅评审结果', en: "waiting for the province's result" };
    case 'provinciallyApproved':
      return s.publicNotice
        ? {
            zh: `公示中（${s.publicNotice.start} 至 ${s.publicNotice.end}），期满后启动试点`,
            en: `public notice ${s.publicNotice.start} to ${s.publicNotice.end}; the pilot starts when it ends`,
          }
        : { zh: '等待教务部录入公示期', en: 'waiting for Academic Affairs to record the public notice' };
    default:
      return { zh: `已结束：${s.statusName.zh}`, en: `closed: ${s.statusName.en}` };
  }
}
