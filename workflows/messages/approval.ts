/** The approval workflow's messages (re-exported by workflows/messages.ts). */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ApprovalConcluded,
  ApprovalState,
  ApprovalUpdateResult,
  CcApprovalInput,
  DecideApprovalInput,
  DelegateApprovalInput,
  RecordFilingInput,
  ResubmitApprovalInput,
  WithdrawApprovalInput,
} from '../approval-types';

/** The current step's approver (or their delegate) approves, returns or rejects. */
export const decideApproval = defineUpdate<ApprovalUpdateResult, [DecideApprovalInput]>('decideApproval');
/** The submitter resubmits a returned item with an amended subject. */
export const resubmitApproval = defineUpdate<ApprovalUpdateResult, [ResubmitApprovalInput]>('resubmitApproval');
/** The submitter withdraws the item, until the next step acts. */
export const withdrawApproval = defineUpdate<ApprovalUpdateResult, [WithdrawApprovalInput]>('withdrawApproval');
/** The current step's approver transfers the decision to a delegate for a validity period. */
export const delegateApproval = defineUpdate<ApprovalUpdateResult, [DelegateApprovalInput]>('delegateApproval');
/** Adds people who are copied on every decision. */
export const ccApproval = defineUpdate<ApprovalUpdateResult, [CcApprovalInput]>('ccApproval');
/**
 * Art. 7: Academic Affairs records the provincial filing (备案) of an approved change request.
 * (Named apart from domain/change.ts#recordFiling, which builds the record.)
 */
export const recordApprovalFiling = defineUpdate<ApprovalUpdateResult, [RecordFilingInput]>('recordApprovalFiling');

/** The whole state of an approval: subject, step, due date, decisions, delegations, CC, timeline. */
export const approvalStateQuery = defineQuery<ApprovalState>('approvalState');

/** Sent by the approval workflow to its parent (the pilot) when it concludes. */
export const approvalConcludedSignal = defineSignal<[ApprovalConcluded]>('approvalConcluded');

/** `pilot:<id>/budget/1`: one id per approval of a pilot, `seq` counting that kind's approvals. */
export const approvalWorkflowId = (parentWorkflowId: string, kind: ApprovalConcluded['kind'], seq: number): string =>
  `${parentWorkflowId}/${kind}/${seq}`;
