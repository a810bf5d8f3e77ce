/**
 * The review of an application: the college leader signs off, declaring the materials
 * authentic (Art. 5(2)), or returns it to the drafters; Academic Affairs approves — only
 * with no unwaived breach of Art. 8 or Art. 12, so nothing else reaches the province —,
 * returns it for revision to a chosen step, or rejects it, and may waive a waivable rule
 * with a reason.
 */
import { setHandler } from '@temporalio/workflow';
import { applicationReviewChain } from '../../domain/application';
import { academicAffairsStep, approvalDecisionInputSchema, checkApprover, collegeLeaderStep } from '../../domain/approval';
import { inputError, type Bilingual } from '../../domain/errors';
import { roundRules } from '../../domain/round';
import { reviewInputSchema, signOffInputSchema, waiveRuleInputSchema } from '../../domain/round-inputs';
import { breach } from '../../domain/rules';
import { safeParseBilingual } from '../../domain/validation';
import { grantWaiver, type Waiver } from '../../domain/waivers';
import { reviewApplication, signOffApplication, waiveApplicationRule } from '../messages';
import { refuse } from '../refusal';
import { nowIso } from '../round-support';
import type { ApplicationContext } from './context';
import { waitingOn } from './deadlines';

/** What the college leader declares when signing off (Art. 5(2)). */
export const AUTHENTICITY_DECLARATION: Bilingual = {
  zh: '本人代表二级学院确认：申报材料真实、准确，本学院对材料的真实性负责（第五条（二））。',
  en: 'On behalf of the college I confirm that the application materials are true and accurate; the college answers for their authenticity (Art. 5(2)).',
};

/** signOffApplication (the college leader), reviewApplication and waiveApplicationRule (Academic Affairs). */
export function registerReview(ctx: ApplicationContext): void {
  const { s, app, evaluate, refreshEvaluation, openStep, closeSteps, progress, returnedMail, actorOf, requireStatus } = ctx;

  const signOffSchema = signOffInputSchema;
  setHandler(
    signOffApplication,
    async ({ outcome, comment, actor }) => {
      if (outcome === 'approve') {
        s.signedOff = { by: actor, at: nowIso(), declaration: AUTHENTICITY_DECLARATION };
        if (s.openReturn?.to === 'college') delete s.openReturn;
        ctx.reachedBySubmission = false;
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
        ctx.reachedBySubmission = false;
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
      ctx.reachedBySubmission = false;
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
}
