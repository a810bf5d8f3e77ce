/**
 * The benchmark's smoke test: `npm run bench` in a tiny configuration (20 pilots, 20
 * weekly-report Updates, no pilot-year, at most 2 minutes), as its own process with its own
 * dev server and workers. It fails when the bench fails — an Update refused after a rule
 * change, a worker that does not start — and shows the bench's reason, so the benchmark
 * cannot rot unseen (issue 14).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function runBench(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('bench smoke test', () => {
  it('runs 20 pilots and 20 Updates on each side with no failure, two onex workers, the list and a cache curve', async () => {
    const { code, output } = await runBench(
      [
        ...['--pilots', '20', '--updates', '20', '--rate', '20', '--concurrency', '20', '--max-minutes', '3', '--skip-year'],
        ...['--workers', '2', '--colleges', '2', '--list-requests', '4', '--cache-curve', '5', '--rss-limit', '4096'],
      ],
      200_000,
    );
    // On failure, the bench's own reason (the refusal's rule id and message) is the assertion message.
    const failure = /\[bench\] failed:.*$/m.exec(output)?.[0];
    expect(failure ?? (code === 0 ? undefined : output.slice(-3000)), 'the bench failed').toBeUndefined();
    expect(code).toBe(0);
    expect(output).toMatch(/\[bench\] onex: p50 [\d.]+ ms, p99 [\d.]+ ms, failed 0;/);
    expect(output).toMatch(/\[bench\] baseline: p50 [\d.]+ ms, p99 [\d.]+ ms, failed 0;/);
    expect(output).toContain('| worker RSS with all 20 live (MiB) |');
    // Both onex processes completed some first tasks (the spread is read from the histories).
    const spread = [...output.matchAll(/^\| #\d \| (\d+) \| (\d+) \|/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(spread).toHaveLength(2);
    expect(spread.reduce((n, [s]) => n + s!, 0)).toBe(20);
    expect(spread.reduce((n, [, u]) => n + u!, 0)).toBe(20);
    expect(output).toMatch(/\[bench\] list by college: 4 requests, 10–10 rows each, p50 [\d.]+ ms, p95 [\d.]+ ms/);
    expect(output).toMatch(/^\| 5 \| \d+ \| \d+ \| [\d.]+ \| [\d.]+ \| \d+ of 20 \| [\d.]+ \|$/m);
  }, 230_000);
});
