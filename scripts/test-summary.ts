// Prints the plain closing line `N passed, N failed[, N skipped]` from vitest's JSON report
// (written by the reporter configured in vitest.config.ts). Counts only what the runner ran;
// with no report (the run stopped before vitest, e.g. at lint) every count is 0.
import { existsSync, readFileSync, statSync } from 'node:fs';

const [path = 'test-results/vitest.json', since = '0'] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(path) && statSync(path).mtimeMs >= Number(since)) {
  const r = JSON.parse(readFileSync(path, 'utf8')) as {
    numPassedTests?: number;
    numFailedTests?: number;
    numPendingTests?: number;
    numTodoTests?: number;
    testResults?: { status: string; assertionResults?: { status: string }[] }[];
  };
  passed = r.numPassedTests ?? 0;
  // A test file that fails to load has no failed test but is a failed file: count it once.
  const brokenFiles = (r.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  failed = (r.numFailedTests ?? 0) + brokenFiles;
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);

