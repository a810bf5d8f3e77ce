/** How the benchmark names why Updates failed: counted by the refusal's rule id, the first one in full. */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { RuleResult } from '../../domain/errors';
import { describeFailures, failureReason } from '../../scripts/bench';
import { REFUSAL_FAILURE_TYPE } from '../../workflows/messages';

const ahead: RuleResult = {
  ruleId: 'art5.weeklyReport.period', article: { article: 5 }, severity: 'hard', field: 'periodId',
  message: { zh: '周次 2026-W51 尚未开始', en: 'week 2026-W51 has not started yet' },
};

function refused(results: RuleResult[]): WorkflowUpdateFailedError {
  return new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type: REFUSAL_FAILURE_TYPE, message: 'refused', details: [results], nonRetryable: true }));
}

describe('bench failure reasons', () => {
  it('keys a refusal by its rule id and keeps its field and English message', () => {
    expect(failureReason(refused([ahead]))).toEqual({ key: 'art5.weeklyReport.period', text: 'art5.weeklyReport.period (periodId): week 2026-W51 has not started yet' });
  });

  it('keys any other error by its name and message', () => {
    expect(failureReason(new Error('deadline exceeded')).key).toBe('Error: deadline exceeded');
  });

  it('describes the count by reason and the first failure', () => {
    const text = describeFailures({ count: 3, first: 'art5.weeklyReport.period (periodId): week 2026-W51 has not started yet', byReason: new Map([['Error: x', 1], ['art5.weeklyReport.period', 2]]) }, 20);
    expect(text).toBe('3 of 20 Updates failed; by reason: 2 × art5.weeklyReport.period; 1 × Error: x; the first: art5.weeklyReport.period (periodId): week 2026-W51 has not started yet');
  });
});
