/**
 * Drafting an application (Art. 8, Art. 12): the college edits the draft — its identity
 * (id, round, year, college, major) never changes — and submits it to the next step; hard
 * breaches (Art. 8(1), 8(4), 8(6)) refuse the submission at once, waivable ones travel with
 * it. The submitter may withdraw a submission until the next step acts; the college (or
 * Academic Affairs) may withdraw the application from the round.
 */
import { setHandler } from '@temporalio/workflow';
import { applicationSchema } from '../../domain/application';
import { inputError } from '../../domain/errors';
import { roundRules, type ApplicationStep } from '../../domain/round';
import { editApplicationInputSchema, submitApplicationInputSchema, withdrawApplicationInputSchema } from '../../domain/round-inputs';
import { breach } from '../../domain/rules';
import { safeParseBilingual } from '../../domain/validation';
import { abandonApplication, editApplication, submitApplication, withdrawSubmission } from '../messages';
import { refuse } from '../refusal';
import { nowIso } from '../round-support';
import type { ApplicationContext } from './context';
import { waitingOn } from './deadlines';

const identityFields = ['id', 'roundId', 'year', 'college', 'major'] as const;

/** editApplication, submitApplication, withdrawSubmission and abandonApplication. */
export function registerDrafting(ctx: ApplicationContext): void {
  const {
    s,
    app,
    refreshEvaluation,
    hardBlocking,
    loadPassRecords,
    openStep,
    closeSteps,
    progress,
    shapeOf,
    actorOf,
    requireStatus,
    requireCollege,
  } = ctx;

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
      ctx.returnBeforeSubmission = s.openReturn;
      delete s.openReturn;
      s.submissions++;
      s.submittedBy = actor;
      openStep(next);
      ctx.reachedBySubmission = true;
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
      if (ctx.returnBeforeSubmission) s.openReturn = ctx.returnBeforeSubmission;
      ctx.returnBeforeSubmission = undefined;
      ctx.reachedBySubmission = false;
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
        if (!ctx.reachedBySubmission || (s.status !== 'college' && s.status !== 'academicAffairs')) {
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
}
