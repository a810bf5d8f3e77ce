/** The application workflow's messages (re-exported by workflows/messages.ts). */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Waiver } from '../../domain/waivers';
import type {
  ApplicationState,
  EditApplicationInput,
  ReviewInput,
  RoundDecision,
  SignOffInput,
  SubmitApplicationInput,
  WaiveRuleInput,
  WithdrawApplicationInput,
} from '../round-types';

/** The college revises its draft (fields other than id, round, college and major). */
export const editApplication = defineUpdate<ApplicationState, [EditApplicationInput]>('editApplication');
/** The college submits (or resubmits after a return) the application. */
export const submitApplication = defineUpdate<ApplicationState, [SubmitApplicationInput]>('submitApplication');
/** The submitter takes the submission back to draft, until the next step acts. */
export const withdrawSubmission = defineUpdate<ApplicationState, [WithdrawApplicationInput]>('withdrawSubmission');
/** The college gives the application up (撤销申报): it leaves the round. */
export const abandonApplication = defineUpdate<ApplicationState, [WithdrawApplicationInput]>('abandonApplication');
/** Art. 5(2): the college leader signs off, declaring the materials authentic, or returns it. */
export const signOffApplication = defineUpdate<ApplicationState, [SignOffInput]>('signOffApplication');
/** Art. 9(2): Academic Affairs approves, returns to a chosen step, or rejects. */
export const reviewApplication = defineUpdate<ApplicationState, [ReviewInput]>('reviewApplication');
/** Academic Affairs waives a waivable (原则上) rule with a written reason. */
export const waiveApplicationRule = defineUpdate<Waiver, [WaiveRuleInput]>('waiveApplicationRule');

/** Round → application: submission, results, notice, pilot (machine facts). */
export const roundDecision = defineSignal<[RoundDecision]>('roundDecision');

/** The application and its timeline. */
export const applicationStateQuery = defineQuery<ApplicationState>('applicationState');
