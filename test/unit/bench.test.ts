/**
 * The benchmark cannot rot: its pilots have a reportable week whatever the day and hour it
 * runs, and it names why Updates failed (counted by the refusal's rule id, the first in full).
 */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createChinaCalendar, shanghaiDate, shanghaiInstant } from '../../domain/calendar';
import type { RuleResult } from '../../domain/errors';
import { firstWeeklyPeriod } from '../../domain/weekly';
import { benchPilot, defaultRssLimitMiB, describeFailures, failureReason, parseBenchArgs } from '../../scripts/bench';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../../worker/config';
import { totalmem } from 'node:os';
import { REFUSAL_FAILURE_TYPE } from '../../workflows/messages';

const ahead: RuleResult = {
  ruleId: 'art5.weeklyReport.period',
  article: { article: 5 },
  severity: 'hard',
  field: 'periodId',
  message: { zh: '周次 2026-W51 尚未开始', en: 'week 2026-W51 has not started yet' },
};

function refused(results: RuleResult[]): WorkflowUpdateFailedError {
  return new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({ type: REFUSAL_FAILURE_TYPE, message: 'refused', details: [results], nonRetryable: true }),
  );
}

describe('bench failure reasons', () => {
  it('keys a refusal by its rule id and keeps its field and English message', () => {
    expect(failureReason(refused([ahead]))).toEqual({
      key: 'art5.weeklyReport.period',
      text: 'art5.weeklyReport.period (periodId): week 2026-W51 has not started yet',
    });
  });

  it('keys any other error by its name and message', () => {
    expect(failureReason(new Error('deadline exceeded')).key).toBe('Error: deadline exceeded');
  });

  it('describes the count by reason and the first failure', () => {
    const text = describeFailures(
      {
        count: 3,
        first: 'art5.weeklyReport.period (periodId): week 2026-W51 has not started yet',
        byReason: new Map([
          ['Error: x', 1],
          ['art5.weeklyReport.period', 2],
        ]),
      },
      20,
    );
    expect(text).toBe(
      '3 of 20 Updates failed; by reason: 2 × art5.weeklyReport.period; 1 × Error: x; the first: art5.weeklyReport.period (periodId): week 2026-W51 has not started yet',
    );
  });
});

describe('bench pilots', () => {
  it('open a week that may be reported at once, at any hour of any day of 2025 and 2026 (holidays included)', () => {
    const calendar = createChinaCalendar();
    const from = Date.parse('2025-01-01T00:00:00+08:00');
    const to = Date.parse('2026-12-31T23:59:00+08:00');
    const refused: string[] = [];
    // Every 5 h 7 min: each hour of the day and each weekday come round many times.
    for (let now = from; now <= to; now += 307 * 60_000) {
      const pilot = benchPilot('bench-onex-0', shanghaiDate(now));
      const first = firstWeeklyPeriod(pilot, new Date(now).toISOString(), calendar);
      // The workflow's rule (art5.weeklyReport.period): a week starting more than 7 days ahead is refused.
      if (!first || now < shanghaiInstant(first.monday, '00:00').getTime() - 7 * 86_400_000) refused.push(new Date(now).toISOString());
    }
    expect(refused).toEqual([]);
  });
});

describe('bench defaults', () => {
  it('size the cache as the worker does, guard the machine, and give many pilots the time they need', () => {
    const small = parseBenchArgs([]);
    expect(small).toMatchObject({ pilots: 1000, maxCached: DEFAULT_MAX_CACHED_WORKFLOWS, maxMinutes: 9 });
    expect(DEFAULT_MAX_CACHED_WORKFLOWS).toBe(1000);
    expect(small.rssLimitMiB).toBe(defaultRssLimitMiB());
    expect(small.rssLimitMiB).toBeLessThan(totalmem() / 1024 / 1024);
    // 10,000 pilots on two sides at a third of a quiet machine's start rate: 5 + 2 × 11.1 minutes.
    expect(parseBenchArgs(['--pilots', '10000']).maxMinutes).toBe(28);
    expect(parseBenchArgs(['--pilots', '10000', '--cache-curve', '250,1000,5000,all']).maxMinutes).toBe(72);
    expect(parseBenchArgs(['--pilots', '10000', '--max-minutes', '5', '--max-cached', '250', '--rss-limit', '2048'])).toMatchObject({
      maxMinutes: 5,
      maxCached: 250,
      rssLimitMiB: 2048,
    });
  });
});
