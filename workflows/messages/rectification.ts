/** The rectification workflow's messages (re-exported by workflows/messages.ts). */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RecordReinspectionInput, RecordReinspectionResult, RectificationEvent, RectificationState } from '../rectification-types';

/** Art. 18: Academic Affairs records the re-inspection; passing closes the rectification. */
export const recordReinspection = defineUpdate<RecordReinspectionResult, [RecordReinspectionInput]>('recordReinspection');

/** The whole state of a rectification: rounds, deadlines, re-inspections, timeline, e-mails. */
export const rectificationStateQuery = defineQuery<RectificationState>('rectificationState');

/** Sent by the rectification workflow to its parent (the pilot): overdue, re-inspection failed, closed. */
export const rectificationEventSignal = defineSignal<[RectificationEvent]>('rectificationEvent');

/** `pilot:<id>/rectification/<inspectionId>`: one rectification per failed inspection. */
export const rectificationWorkflowId = (parentWorkflowId: string, inspectionId: string): string =>
  `${parentWorkflowId}/rectification/${inspectionId}`;
