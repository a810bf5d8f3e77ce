/**
 * The closing line of CI (.ci/run): counts summed over the main run's and the cluster run's
 * vitest JSON reports, a file that failed to load counted as a failure, a stale or missing
 * report counted as nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countReport, summaryLine } from '../../scripts/test-summary';

const dir = mkdtempSync(join(tmpdir(), 'onex-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function report(name: string, r: object): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(r));
  return path;
}

describe('scripts/test-summary.ts', () => {
  const main = report('main.json', {
    numPassedTests: 40,
    numFailedTests: 1,
    numPendingTests: 2,
    numTodoTests: 0,
    testResults: [{ status: 'failed', assertionResults: [{ status: 'failed' }] }],
  });
  const cluster = report('cluster.json', {
    numPassedTests: 7,
    numFailedTests: 0,
    numPendingTests: 0,
    testResults: [
      { status: 'failed', assertionResults: [] },
      { status: 'passed', assertionResults: [{ status: 'passed' }] },
    ],
  });

  it('counts one report, a file that failed to load as one failure', () => {
    expect(countReport(main)).toEqual({ passed: 40, failed: 1, skipped: 2 });
    expect(countReport(cluster)).toEqual({ passed: 7, failed: 1, skipped: 0 });
    expect(summaryLine({ passed: 3, failed: 0, skipped: 0 })).toBe('3 passed, 0 failed');
  });

  it('sums every report given on the command line, and ignores a missing or stale one', () => {
    const stale = report('stale.json', { numPassedTests: 99 });
    utimesSync(stale, new Date(1_000), new Date(1_000));
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve(import.meta.dirname, '../../scripts/test-summary.ts'),
        '--since',
        '2000',
        main,
        cluster,
        stale,
        join(dir, 'missing.json'),
      ],
      { encoding: 'utf8' },
    );
    expect(out).toBe('47 passed, 2 failed, 2 skipped\n');
  });
});
