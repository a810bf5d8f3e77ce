/**
 * How a workflow's update validator refuses an action: an ApplicationFailure of type
 * {@link REFUSAL_FAILURE_TYPE} whose details[0] carries the RuleResult[] (rule id, article,
 * field, bilingual message). Thrown from a validator, the refusal leaves no trace in
 * history. Shared by the approval and rectification workflows (the pilot workflow keeps
 * its own copy until it is moved here).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { OnexRefusal, type RuleResult } from '../domain/errors';
import { REFUSAL_FAILURE_TYPE } from './messages/common';

/** Throws the refusal as an ApplicationFailure whose details carry the RuleResults. */
export function refuse(results: RuleResult[]): never {
  const refusal = new OnexRefusal(results);
  throw ApplicationFailure.create({ type: REFUSAL_FAILURE_TYPE, message: refusal.message, details: [results], nonRetryable: true });
}

/** Refuses when there is anything to refuse; returns otherwise. */
export function refuseIfAny(results: RuleResult[]): void {
  if (results.length > 0) refuse(results);
}
