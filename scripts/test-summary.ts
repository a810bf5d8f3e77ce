// Prints the plain closing line `N passed, N failed[, N skipped]` from vitest's JSON reports
// (written by the reporters configured in vitest.config.ts and vitest.cluster.config.ts),
// summed over every report given. Counts only what the runner ran; a report that is missing
// or older than `--since <ms>` (the run stopped before vitest, e.g. at lint) counts 0.
//
//   node --import tsx scripts/test-summary.ts [--since <epoch ms>] report.json [report.json …]
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isMainModule } from '../client/main-module';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export function countReport(path: string, since = 0): Counts {
  if (!existsSync(path) || statSync(path).mtimeMs < since) return { passed: 0, failed: 0, skipped: 0 };
  const r = JSON.parse(readFileSync(path, 'utf8')) as {
    numPassedTests?: number;
    numFailedTests?: number;
    numPendingTests?: number;
    numTodoTests?: number;
    testResults?: { status: string; assertionResults?: { status: string }[] }[];
  };
  // A test file that fails to load has no failed test but is a failed file: count it once.
  const brokenFiles = (r.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  return {
    passed: r.numPassedTests ?? 0,
    failed: (r.numFailedTests ?? 0) + brokenFiles,
    skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
  };
}

export function summaryLine(c: Counts): string {
  return `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`;
}

if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--since');
  const since = at >= 0 ? Number(args.splice(at, 2)[1]) : 0;
  const paths = args.length > 0 ? args : ['test-results/vitest.json'];
  const total = paths
    .map((p) => countReport(p, since))
    .reduce((a, b) => ({ passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped }));
  console.log(summaryLine(total));
}
