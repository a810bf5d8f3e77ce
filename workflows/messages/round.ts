/** The application round's messages (re-exported by workflows/messages.ts). */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ProvincialResultRecord, RoundState } from '../round-types';
import type {
  ApplicationProgress,
  ConfirmSubmissionInput,
  ConfirmSubmissionResult,
  CreateApplicationInput,
  CreateApplicationResult,
  GrantRoundWaiverInput,
  Objection,
  RecordObjectionInput,
  RecordProvincialResultInput,
  RecordPublicNoticeInput,
} from '../round-types';
import type { Waiver } from '../../domain/waivers';
import type { PublicNotice } from '../../domain/round';

/** Art. 9(2): a college drafts an application (starts the application workflow). */
export const createApplication = defineUpdate<CreateApplicationResult, [CreateApplicationInput]>('createApplication');
/** Art. 8(2): Academic Affairs waives "one pilot per major" for an application yet to be created. */
export const grantRoundWaiver = defineUpdate<Waiver, [GrantRoundWaiverInput]>('grantRoundWaiver');
/** Art. 9(2): Academic Affairs confirms the consolidated list for the province. */
export const confirmSubmission = defineUpdate<ConfirmSubmissionResult, [ConfirmSubmissionInput]>('confirmSubmission');
/** Art. 9(3): the province's result for one application. */
export const recordProvincialResult = defineUpdate<ProvincialResultRecord, [RecordProvincialResultInput]>('recordProvincialResult');
/** Art. 9(3): the public notice's first day; its end follows in working days. */
export const recordPublicNotice = defineUpdate<PublicNotice, [RecordPublicNoticeInput]>('recordPublicNotice');
/** Art. 9(3): an objection raised during the public notice. */
export const recordObjection = defineUpdate<Objection, [RecordObjectionInput]>('recordObjection');

/** Child → round: an application changed (machine fact). */
export const applicationProgress = defineSignal<[ApplicationProgress]>('applicationProgress');

/** The round overview: stage, per-college counts, each application's status, results, notice, pilots. */
export const roundStateQuery = defineQuery<RoundState>('roundState');
