/**
 * The benchmark (`npm run bench`; `npm test` runs it only as a 20-pilot smoke test,
 * test/e2e/bench-smoke.test.ts). On a local Temporal dev server it
 * starts (in memory, headless, free ports on 127.0.0.1):
 *
 *   1. N pilots (default 1,000; `--pilots 10000`) through the onex worker process
 *      (worker/main.ts): start throughput (accepted, and running: first workflow task done);
 *   2. M weekly-report Updates at a steady rate (`--updates`, `--rate`): latency p50/p99;
 *   3. the worker's RSS with all pilots live;
 *   4. the same starts and Update pattern against a minimal baseline workflow
 *      (scripts/bench/baseline-workflows.ts, its own worker process) — the onex/baseline ratio;
 *   5. history events per pilot-year, on the time-skipping test server: one pilot reporting
 *      on time every week, one never reporting (every run of the continue-as-new chain); then
 *      the three-year pilot with every kind of event, timed, with the events of each run.
 *
 *   6. the list of pilots by college through the admin API (`GET /api/pilots?college=…`,
 *      in this process over the same dev server): latency p50/p95 (`--list-requests`, 0: none);
 *   7. with `--cache-curve 250,1000,all`: the onex side again, once per workflow cache size
 *      (fresh worker process and fresh pilots each), RSS and Update latency per size.
 *
 * Each worker bundles its workflow code at start (`workflowsPath`); `--prebundled` bundles both
 * sides once before and the workers load the file, as the production image does
 * (`npm run bundle:workflows`, ONEX_WORKFLOW_BUNDLE). Not the default, so that figures stay
 * comparable with the earlier runs, and because two pre-bundled 1,000-pilot runs on 2026-12-02
 * had onex Update p50 of 0.7 and 1.4 s where one bundling at start had 30 ms — under a load
 * average of 5 to 13 from other work, which also slowed a baseline side to 218 ms, so not
 * explained (docs/benchmarks.md). `--workers 2` runs two onex worker processes on one task queue and counts the
 * first workflow tasks and the Updates each one completed (from the histories' worker identity).
 * Workflow cache: `--max-cached N` on both sides, by default the onex worker's own default
 * (1,000, what docs/deploy.md advises). Memory guard: `--worker-heap MiB` starts every worker
 * with `--max-old-space-size`, and `--rss-limit MiB` (default 60 % of the machine's memory)
 * stops the run as soon as one worker process's RSS goes above it (read every second), so
 * that a run can never take the machine down.
 *
 * `--write` records the figures and the machine in docs/benchmarks.md. Every phase is
 * bounded in count and time; the whole run aborts after `--max-minutes` (by default 9, more
 * for many pilots or a cache curve: `defaultMaxMinutes`).
 *
 *   npm run bench
 *   npm run bench -- --pilots 10000 --write
 *   npm run bench -- --pilots 10000 --max-cached 2000 --cache-curve 250,1000,5000,all --write
 *   npm run bench -- --pilots 1000 --max-cached 250 --skip-year   (both workers' cache smaller)
 *   npm run bench -- --pilots 1000 --workers 2 --cache-curve 250,1000,all --skip-year
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { addDays, shanghaiDate } from '../domain/calendar';
import { pilotRecordSchema, type PilotRecord } from '../domain/pilot';
import { samplePilot } from './support/pilots';
import { refusalFrom } from '../client/service';
import { pilotStateQuery, submitWeeklyReport } from '../workflows/messages';
import { pilotWorkflow } from '../workflows/pilot';
import { pilotStartOptions } from '../workflows/pilot-start';
import { recordingActivities } from './support/recording-activities';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { workflowBundlerOptions, workflowsPath } from '../worker/paths';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../worker/config';
import { buildApi } from '../client/api';
import { addAccount } from '../client/auth/accounts';
import { ApiStateStore } from '../client/auth/store';
import { UserStore } from '../client/auth/users';
import { baselineSubmit, baselineWorkflow } from './bench/baseline-workflows';
import { projectRoot, temporalCliPath } from './binaries';
import { freePorts } from './support/ports';
import { isMainModule } from '../client/main-module';
import { startMailSink } from './mail-sink';
import { runsOf, startTimeSkipping } from './record-histories';
import { runThreeYearPilot } from './support/three-year-pilot';
import { startTemporalDevServer, stopProcess, waitFor } from './temporal-dev-server';

export interface BenchOptions {
  pilots: number;
  updates: number;
  rate: number;
  concurrency: number;
  maxMinutes: number;
  write: boolean;
  skipYear: boolean;
  /** Workflow cache size of both workers (maxCachedWorkflows); default the onex worker's (1,000). */
  maxCached: number;
  /** onex worker processes on the one task queue (the baseline always has one). */
  workers: number;
  /** `--max-old-space-size` of every worker process, MiB. */
  workerHeapMiB?: number;
  /** Stop the run when a worker process's RSS goes above this, MiB. */
  /** Default: 60 % of the machine's memory, so that no run can take the machine down. */
  rssLimitMiB: number;
  /** Workflow cache sizes for the curve (`all`: as many as pilots); empty: no curve. */
  cacheCurve: (number | 'all')[];
  /** Colleges the pilots are spread over (college ids c00, c01, …). */
  colleges: number;
  /** `GET /api/pilots?college=…` requests timed after the onex Updates; 0: none. */
  listRequests: number;
  /** Bundle the workflow code once before the workers start and load it from the file (`--prebundled`), as production images do. */
  prebundled: boolean;
  /** With --prebundled: the onex bundle without the shared-modules preload (a copy of domain/ and zod per workflow, as before issue 14), for A/B runs. */
  unshared: boolean;
}

interface SideFigures {
  startAcceptedPerSec: number;
  startRunningPerSec: number;
  startSeconds: number;
  updates: number;
  updateErrors: number;
  updateRatePerSec: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
  rssMiB: number;
  peakRssMiB: number;
  /** Per worker process (more than one with --workers): RSS and how many first tasks / Updates it completed. */
  perWorker: { rssMiB: number; starts: number; updates: number }[];
}

interface ListFigures {
  requests: number;
  p50: number;
  p95: number;
  max: number;
  rows: number[];
}

interface CurvePoint {
  cache: number | 'all';
  rssMiB: number;
  peakRssMiB: number;
  p50: number;
  p99: number;
  startRunningPerSec: number;
  /** Updates that failed (a small cache replays a pilot per Update: under load some time out). */
  updateErrors: number;
  updates: number;
}

interface YearFigures {
  behaviour: string;
  periods: number;
  runs: number;
  events: number;
}

/** The three-year pilot with every kind of event (scripts/support/three-year-pilot.ts). */
interface ThreeYearFigures {
  seconds: number;
  periods: number;
  runs: number;
  events: number;
  /** Events of the longest run of the continue-as-new chain. */
  maxRunEvents: number;
}

interface SimulatedFigures {
  year: YearFigures[];
  threeYears: ThreeYearFigures;
}

const MiB = 1024 * 1024;
let deadline = Infinity;
let startLoad = NaN;

/** Set by the RSS watchdog: why the run must stop. */
let stopReason: string | undefined;

function checkDeadline(what: string): void {
  if (stopReason) throw new Error(`${stopReason} (during ${what})`);
  if (Date.now() > deadline) throw new Error(`benchmark over its time limit during ${what}`);
}

/**
 * Reads every live worker process's RSS each second; above `limitMiB` it kills them all and
 * records why, so that every phase stops at its next check (a run can never exhaust the machine).
 */
/**
 * The default bound on a whole run: 5 minutes plus every side's starts (the two sides and each
 * cache-curve point) at 15 pilots per second, a third of the rate of a quiet 2-core machine
 * (10,000 pilots: 28 minutes; with a four-point curve 72); at least 9.
 */
export function defaultMaxMinutes(pilots: number, curvePoints: number): number {
  return Math.max(9, Math.ceil(5 + ((2 + curvePoints) * pilots) / (15 * 60)));
}

/** The watchdog's default limit: 60 % of the machine's memory. */
export function defaultRssLimitMiB(): number {
  return Math.floor((totalmem() / MiB) * 0.6);
}

function rssWatchdog(children: () => Child[], limitMiB: number): () => void {
  const timer = setInterval(() => {
    for (const c of children()) {
      if (c.child.exitCode !== null || c.child.signalCode !== null || !c.child.pid) continue;
      let rss: number;
      try {
        rss = rssOf(c.child.pid).rss;
      } catch {
        continue;
      }
      if (rss > limitMiB && !stopReason) {
        stopReason = `RSS watchdog: a worker process (pid ${c.child.pid}) reached ${rss.toFixed(0)} MiB, above the limit of ${limitMiB} MiB; run stopped`;
        log(stopReason);
        for (const k of children()) k.child.kill('SIGKILL');
      }
    }
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}

function log(msg: string): void {
  console.log(`[bench] ${msg}`);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** VmRSS and VmHWM (peak) of a process, in MiB, from /proc. */
function rssOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: (kb('VmRSS') * 1024) / MiB, peak: (kb('VmHWM') * 1024) / MiB };
}

/** Runs `fn(i)` for i in [0, n) with at most `concurrency` in flight. */
async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        if (i % 500 === 0) checkDeadline('a batch');
        await fn(i);
      }
    }),
  );
}

/** Why an Update failed, as a short key to count by: the refusal's rule id, else the error's name and message. */
export function failureReason(err: unknown): { key: string; text: string } {
  const refusal = refusalFrom(err);
  if (refusal && refusal.length > 0) {
    const ids = [...new Set(refusal.map((r) => r.ruleId))].join('+');
    return { key: ids, text: refusal.map((r) => `${r.ruleId} (${r.field ?? '-'}): ${r.message.en}`).join('; ') };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return { key: `${e.name}: ${e.message}${cause}`.slice(0, 200), text: `${e.name}: ${e.message}${cause}` };
}

export interface UpdateFailures {
  count: number;
  /** The first failure's full reason (by send order), or undefined when none failed. */
  first?: string;
  /** How many failed, by {@link failureReason} key. */
  byReason: Map<string, number>;
}

export function describeFailures(f: UpdateFailures, of: number): string {
  const reasons = [...f.byReason]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} × ${k}`)
    .join('; ');
  return `${f.count} of ${of} Updates failed; by reason: ${reasons}; the first: ${f.first ?? '?'}`;
}

/**
 * Open-loop Updates: the i-th is sent at t0 + i/rate whatever the earlier ones do (at most
 * `maxInFlight` outstanding); returns each latency in ms and the failures with their reasons.
 */
async function steadyUpdates(
  count: number,
  rate: number,
  send: (i: number) => Promise<unknown>,
  maxInFlight = 200,
): Promise<{ latencies: number[]; failures: UpdateFailures; seconds: number }> {
  const latencies: number[] = [];
  const failed: { i: number; key: string; text: string }[] = [];
  let inFlight = 0;
  const t0 = performance.now();
  const all: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const at = t0 + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    while (inFlight >= maxInFlight) await new Promise((r) => setTimeout(r, 5));
    checkDeadline('the updates');
    inFlight++;
    const sent = performance.now();
    all.push(
      send(i)
        .then(
          () => void latencies.push(performance.now() - sent),
          (err: unknown) => void failed.push({ i, ...failureReason(err) }),
        )
        .finally(() => inFlight--),
    );
  }
  await Promise.all(all);
  failed.sort((a, b) => a.i - b.i);
  const byReason = new Map<string, number>();
  for (const f of failed) byReason.set(f.key, (byReason.get(f.key) ?? 0) + 1);
  const failures: UpdateFailures = { count: failed.length, byReason, ...(failed[0] ? { first: failed[0].text } : {}) };
  return { latencies: latencies.sort((a, b) => a - b), failures, seconds: (performance.now() - t0) / 1000 };
}

interface Child {
  child: ChildProcess;
  output: () => string;
}

function alive(c: Child): boolean {
  return c.child.exitCode === null && c.child.signalCode === null && !stopReason;
}

function spawnTs(entry: string, env: Record<string, string>, heapMiB?: number): Child {
  const heap = heapMiB !== undefined ? [`--max-old-space-size=${heapMiB}`] : [];
  const child = spawn(process.execPath, [...heap, '--import', 'tsx', join(projectRoot, entry)], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  return { child, output: () => out };
}

/**
 * A two-year pilot starting today (Shanghai), whatever the date and weekday: its first period
 * is the current week, or the coming one once this week's report is already due; either way
 * it is open at once and within the week a report may be filed ahead (the Updates send the
 * period each pilot's state names, never a computed one).
 */
export function benchPilot(id: string, today: string, college = 'forestry'): PilotRecord {
  return pilotRecordSchema.parse(
    samplePilot({ id, startDate: today, endDate: addDays(today, 730), college: { id: college, name: `学院 ${college}` } }),
  );
}

/** The college of the i-th bench pilot: c00, c01, … spread evenly. */
export function benchCollege(i: number, colleges: number): string {
  return `c${String(i % colleges).padStart(2, '0')}`;
}

/** The worker identity (SDK default `pid@host`) of the workflow task completed last before event `before` (or the first one). */
function identityBefore(
  events: { workflowTaskCompletedEventAttributes?: { identity?: string | null } | null }[],
  before: number,
): string | undefined {
  let id: string | undefined;
  for (let k = 0; k < Math.min(before, events.length); k++) {
    const a = events[k]!.workflowTaskCompletedEventAttributes;
    if (a) id = a.identity ?? undefined;
  }
  return id;
}

async function measureSide(
  name: 'onex' | 'baseline',
  client: Client,
  workers: Child[],
  o: BenchOptions,
  today: string,
  label: string = name,
  /** Count failed Updates instead of failing the run (the cache curve). */
  tolerateFailures = false,
): Promise<SideFigures> {
  const taskQueue = `bench-${label}`;
  const ids = Array.from({ length: o.pilots }, (_, i) => `bench-${label}-${i}`);
  const workerOf = (identity: string | undefined) => workers.findIndex((w) => identity?.startsWith(`${w.child.pid}@`));
  const starts = workers.map(() => 0);
  const updatesBy = workers.map(() => 0);
  // The same start call on both sides, as the admin API starts a pilot (workflows/pilot-start.ts):
  // the pilot record and its pinned working-day schedule as input, the same search attributes.
  log(`${label}: starting ${o.pilots} workflows (${o.concurrency} at a time)`);
  const t0 = performance.now();
  await pool(o.pilots, o.concurrency, async (i) => {
    const pilot = benchPilot(ids[i]!, today, benchCollege(i, o.colleges));
    const opts = { ...pilotStartOptions(pilot), taskQueue };
    if (name === 'onex') await client.workflow.start(pilotWorkflow, opts);
    else await client.workflow.start(baselineWorkflow, opts);
  });
  const accepted = (performance.now() - t0) / 1000;
  // Running: the workflow's first task has completed (the same check on both sides).
  await pool(o.pilots, o.concurrency, async (i) => {
    const h = client.workflow.getHandle(`pilot:${ids[i]}`);
    await waitFor(
      `${label} ${i} running`,
      async () => {
        const events = (await h.fetchHistory()).events ?? [];
        const first = events.findIndex((e) => e.workflowTaskCompletedEventAttributes);
        if (first < 0) return false;
        const w = workerOf(identityBefore(events, first + 1));
        if (w >= 0) starts[w]!++;
        return true;
      },
      120_000,
      () => !stopReason,
    );
  });
  const running = (performance.now() - t0) / 1000;
  log(`${label}: ${o.pilots} accepted in ${accepted.toFixed(1)} s, all running after ${running.toFixed(1)} s`);

  const count = Math.min(o.updates, o.pilots);
  // The open period of each pilot that gets an Update, read from its state (onex only).
  const periodIds: string[] = Array.from({ length: count }, () => 'n/a');
  if (name === 'onex') {
    await pool(count, o.concurrency, async (i) => {
      const s = await client.workflow.getHandle(`pilot:${ids[i]}`).query(pilotStateQuery);
      if (!s.nextDue) throw new Error(`pilot ${ids[i]} has no open period (status ${s.status})`);
      periodIds[i] = s.nextDue.periodId;
      if (i === 0) log(`${label}: open period ${s.nextDue.periodId}, reminder at ${s.nextDue.remindAt}, due ${s.nextDue.dueAt}`);
    });
  }
  log(`${label}: ${count} weekly-report Updates at ${o.rate}/s`);
  const lead = { id: 'zhang', role: 'pilotLead' as const };
  const u = await steadyUpdates(count, o.rate, (i) => {
    const h = client.workflow.getHandle(`pilot:${ids[i]}`);
    const report = { periodId: periodIds[i]!, content: `第 ${i} 份工作周报：本周完成实训与考核准备。`, actor: lead };
    return name === 'onex' ? h.executeUpdate(submitWeeklyReport, { args: [report] }) : h.executeUpdate(baselineSubmit, { args: [report] });
  });
  const mems = workers.map((w) => rssOf(w.child.pid!));
  const mem = { rss: mems.reduce((a, m) => a + m.rss, 0), peak: mems.reduce((a, m) => a + m.peak, 0) };
  if (workers.length > 1) {
    // Which process completed the workflow task that accepted each Update.
    await pool(count, o.concurrency, async (i) => {
      const events = (await client.workflow.getHandle(`pilot:${ids[i]}`).fetchHistory()).events ?? [];
      const accepted = events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      const w = accepted < 0 ? -1 : workerOf(identityBefore(events, accepted));
      if (w >= 0) updatesBy[w]!++;
    });
  }
  const figures: SideFigures = {
    startAcceptedPerSec: o.pilots / accepted,
    startRunningPerSec: o.pilots / running,
    startSeconds: running,
    updates: count,
    updateErrors: u.failures.count,
    updateRatePerSec: u.latencies.length / u.seconds,
    p50: percentile(u.latencies, 50),
    p99: percentile(u.latencies, 99),
    max: u.latencies[u.latencies.length - 1] ?? NaN,
    mean: u.latencies.reduce((a, b) => a + b, 0) / Math.max(1, u.latencies.length),
    rssMiB: mem.rss,
    peakRssMiB: mem.peak,
    perWorker: mems.map((m, w) => ({ rssMiB: m.rss, starts: starts[w]!, updates: updatesBy[w]! })),
  };
  if (workers.length > 1)
    log(
      `${label}: per worker process: ${figures.perWorker.map((w, k) => `#${k + 1} ${w.starts} first tasks, ${w.updates} Updates, RSS ${w.rssMiB.toFixed(0)} MiB`).join('; ')}`,
    );
  log(
    `${label}: p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, failed ${u.failures.count}; worker RSS ${mem.rss.toFixed(0)} MiB (peak ${mem.peak.toFixed(0)})`,
  );
  if (u.failures.count > 0 && !tolerateFailures) throw new Error(`${label}: ${describeFailures(u.failures, count)}`);
  if (u.failures.count > 0) log(`${label}: ${describeFailures(u.failures, count)} (counted in the curve)`);
  return figures;
}

/**
 * `GET /api/pilots?college=…&limit=1000` through the real admin API (built in this process,
 * a real users file and token, the same dev server), one request at a time over the colleges.
 * The first request per college waits (up to 60 s) until visibility lists every pilot of it.
 */
async function listLatency(connection: Connection, dir: string, o: BenchOptions): Promise<ListFigures> {
  const file = join(dir, 'bench-users.json');
  const { token } = await addAccount(file, {
    id: 'jwb',
    name: '教务部',
    email: 'jwb@college.test',
    role: 'academicAffairs',
    password: 'bench-password-jwb',
    token: 'bench',
  });
  const secret = () => randomBytes(32).toString('base64url');
  const app = buildApi({
    client: new Client({ connection, namespace: 'default' }),
    taskQueue: 'bench-onex',
    auth: {
      users: new UserStore(file),
      state: new ApiStateStore(join(dir, 'bench-api-state.sqlite')),
      sessionSecret: secret(),
      linkSecret: secret(),
      securityLog: () => undefined,
    },
    logger: false,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const addr = app.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const get = async (college: string) => {
      const res = await fetch(`${base}/api/pilots?college=${college}&limit=1000`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET /api/pilots?college=${college}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
      return ((await res.json()) as { pilots: unknown[] }).pilots.length;
    };
    const perCollege = (c: number) => Math.min(1000, Math.floor(o.pilots / o.colleges) + (c < o.pilots % o.colleges ? 1 : 0));
    // Visibility is eventually consistent: wait until each college lists all its pilots.
    for (let c = 0; c < Math.min(o.colleges, o.listRequests); c++) {
      const college = benchCollege(c, o.colleges);
      let last = '';
      await waitFor(
        `visibility of ${college}`,
        async () => {
          const n = await get(college).catch((err: unknown) => ((last = String(err)), -1));
          if (n >= 0) last = `${n} of ${perCollege(c)} listed`;
          return n >= perCollege(c);
        },
        60_000,
      ).catch((err: unknown) => {
        throw new Error(`${String(err)}; last: ${last}`);
      });
    }
    const latencies: number[] = [];
    const rows: number[] = [];
    for (let i = 0; i < o.listRequests; i++) {
      checkDeadline('the list requests');
      const t = performance.now();
      rows.push(await get(benchCollege(i, o.colleges)));
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    const figures = {
      requests: latencies.length,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      max: latencies.at(-1) ?? NaN,
      rows,
    };
    log(
      `list by college: ${figures.requests} requests, ${Math.min(...rows)}–${Math.max(...rows)} rows each, p50 ${figures.p50.toFixed(1)} ms, p95 ${figures.p95.toFixed(1)} ms`,
    );
    return figures;
  } finally {
    await app.close();
  }
}

/**
 * On the time-skipping server: one pilot for a simulated year per behaviour (events summed
 * over every run), then the three-year pilot with every kind of event, timed.
 */
async function simulated(): Promise<SimulatedFigures> {
  const env = await startTimeSkipping();
  const out: YearFigures[] = [];
  let threeYears: ThreeYearFigures | undefined;
  try {
    const taskQueue = 'bench-year';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath,
      bundlerOptions: workflowBundlerOptions,
      activities: recordingActivities(),
    });
    await worker.runUntil(async () => {
      for (const behaviour of ['reports on time every week', 'never reports'] as const) {
        const now = await env.currentTimeMs();
        const today = shanghaiDate(now);
        const pilot = pilotRecordSchema.parse(samplePilot({ id: `year-${out.length}`, startDate: today, endDate: addDays(today, 365) }));
        const handle = await env.client.workflow.start(pilotWorkflow, { ...pilotStartOptions(pilot), taskQueue });
        if (behaviour === 'never reports') {
          await env.sleep('366 days');
        } else {
          const lead = { id: 'zhang', role: 'pilotLead' as const };
          for (let week = 0; week < 60; week++) {
            checkDeadline('the pilot-year');
            const s = await handle.query(pilotStateQuery);
            if (!s.nextDue) break;
            const wait = Date.parse(s.nextDue.remindAt) + 60_000 - (await env.currentTimeMs());
            if (wait > 0) await env.sleep(wait);
            await waitFor(
              'reminded',
              async () => (await handle.query(pilotStateQuery)).periods.find((p) => p.id === s.nextDue!.periodId)?.reminded === true,
              30_000,
            );
            await handle.executeUpdate(submitWeeklyReport, {
              args: [{ periodId: s.nextDue.periodId, content: '本周工作周报', actor: lead }],
            });
          }
        }
        const outcome = await handle.result();
        const runs = await runsOf(env.client, handle.workflowId, handle.firstExecutionRunId);
        const events = runs.reduce((n, r) => n + (r.history.events?.length ?? 0), 0);
        out.push({ behaviour, periods: outcome.periods, runs: runs.length, events });
        log(`pilot-year (${behaviour}): ${outcome.periods} periods, ${runs.length} run(s), ${events} events`);
      }
      const three = await runThreeYearPilot(env, taskQueue, 'three-years', () => checkDeadline('the three-year pilot'));
      const runs = await runsOf(env.client, three.handle.workflowId, three.handle.firstExecutionRunId);
      const lengths = runs.map((r) => r.history.events?.length ?? 0);
      threeYears = {
        seconds: three.seconds,
        periods: three.outcome.periods,
        runs: runs.length,
        events: lengths.reduce((a, b) => a + b, 0),
        maxRunEvents: Math.max(...lengths),
      };
      log(
        `three-year pilot, every kind of event: ${three.seconds.toFixed(1)} s, ${threeYears.periods} periods, ${runs.length} run(s), ${threeYears.events} events, longest run ${threeYears.maxRunEvents}`,
      );
    });
  } finally {
    await env.teardown();
  }
  return { year: out, threeYears: threeYears! };
}

function machine(): Record<string, string> {
  const sdk = (JSON.parse(readFileSync(join(projectRoot, 'node_modules/@temporalio/worker/package.json'), 'utf8')) as { version: string })
    .version;
  let cli = 'unknown';
  try {
    cli = /temporal version (\S+ \(Server [^,]+)/.exec(execFileSync(temporalCliPath(), ['--version']).toString())?.[1]?.concat(')') ?? cli;
  } catch {
    /* reported as unknown */
  }
  return {
    CPU: `${cpus()[0]?.model ?? 'unknown'}`,
    'cores (nproc)': String(availableParallelism()),
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    'Node.js': process.version,
    'Temporal SDK': sdk,
    'Temporal CLI (dev server)': cli,
    OS: `${process.platform} ${process.arch}`,
    'load average at the start / end (1 min)': `${startLoad.toFixed(2)} / ${loadavg()[0]!.toFixed(2)}${
      startLoad >= 1
        ? ' (the machine was busy at the start: other work, or the tail of a run just ended)'
        : ' (nothing else was running at the start)'
    }`,
  };
}

function report(
  o: BenchOptions,
  onex: SideFigures,
  base: SideFigures,
  sim: SimulatedFigures | undefined,
  seconds: number,
  list: ListFigures | undefined,
  curve: CurvePoint[],
): string {
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '—');
  const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '—');
  const rows: [string, string, string, string][] = [
    [
      'starts accepted per second',
      f(onex.startAcceptedPerSec),
      f(base.startAcceptedPerSec),
      ratio(onex.startAcceptedPerSec, base.startAcceptedPerSec),
    ],
    [
      'starts running per second (first task done)',
      f(onex.startRunningPerSec),
      f(base.startRunningPerSec),
      ratio(onex.startRunningPerSec, base.startRunningPerSec),
    ],
    [`Update latency p50 (ms, ${onex.updates} at ${o.rate}/s)`, f(onex.p50), f(base.p50), ratio(onex.p50, base.p50)],
    ['Update latency p99 (ms)', f(onex.p99), f(base.p99), ratio(onex.p99, base.p99)],
    ['Update latency max (ms)', f(onex.max), f(base.max), ratio(onex.max, base.max)],
    [
      'Updates completed per second',
      f(onex.updateRatePerSec),
      f(base.updateRatePerSec),
      ratio(onex.updateRatePerSec, base.updateRatePerSec),
    ],
    [`worker RSS with all ${o.pilots} live (MiB)`, f(onex.rssMiB, 0), f(base.rssMiB, 0), ratio(onex.rssMiB, base.rssMiB)],
    ['worker peak RSS (MiB)', f(onex.peakRssMiB, 0), f(base.peakRssMiB, 0), ratio(onex.peakRssMiB, base.peakRssMiB)],
  ];
  const m = machine();
  const cmd = [
    `--pilots ${o.pilots} --updates ${o.updates} --rate ${o.rate}`,
    o.skipYear ? ' --skip-year' : '',
    o.maxCached !== DEFAULT_MAX_CACHED_WORKFLOWS ? ` --max-cached ${o.maxCached}` : '',
    o.workers > 1 ? ` --workers ${o.workers}` : '',
    o.workerHeapMiB !== undefined ? ` --worker-heap ${o.workerHeapMiB}` : '',
    o.rssLimitMiB !== defaultRssLimitMiB() ? ` --rss-limit ${o.rssLimitMiB}` : '',
    o.cacheCurve.length ? ` --cache-curve ${o.cacheCurve.join(',')}` : '',
    o.prebundled ? ' --prebundled' : '',
    o.unshared ? ' --unshared' : '',
  ].join('');
  const spread =
    onex.perWorker.length > 1
      ? [
          `Two onex worker processes on one task queue (\`--workers ${o.workers}\`); what each one did, read from the histories' worker identity (first workflow task of each pilot; the workflow task that accepted each Update):`,
          '',
          '| onex worker process | first tasks completed | Updates accepted | RSS at the end (MiB) |',
          '|---|---:|---:|---:|',
          ...onex.perWorker.map((w, k) => `| #${k + 1} | ${w.starts} | ${w.updates} | ${f(w.rssMiB, 0)} |`),
          '',
          'The onex RSS in the table above is the sum of the processes.',
          '',
        ]
      : [];
  const listRows = list
    ? [
        `List by college through the admin API (\`GET /api/pilots?college=…&limit=1000\`, ${list.requests} requests one at a time over ${o.colleges} colleges, ${Math.min(...list.rows)}–${Math.max(...list.rows)} rows each, ${o.pilots.toLocaleString('en-US')} pilots on the server): p50 ${f(list.p50)} ms, p95 ${f(list.p95)} ms, max ${f(list.max)} ms.`,
        '',
      ]
    : [];
  const curveRows = curve.length
    ? [
        `Workflow cache curve (onex side only, one worker process, ${o.pilots.toLocaleString('en-US')} fresh pilots and the same Updates per size; \`all\` = maxCachedWorkflows ${o.pilots}):`,
        '',
        '| maxCachedWorkflows | worker RSS (MiB) | peak RSS (MiB) | Update p50 (ms) | Update p99 (ms) | Updates failed | starts running per second |',
        '|---|---:|---:|---:|---:|---:|---:|',
        ...curve.map(
          (c) =>
            `| ${c.cache} | ${f(c.rssMiB, 0)} | ${f(c.peakRssMiB, 0)} | ${f(c.p50)} | ${f(c.p99)} | ${c.updateErrors} of ${c.updates} | ${f(c.startRunningPerSec)} |`,
        ),
        '',
      ]
    : [];
  return [
    `## ${o.pilots.toLocaleString('en-US')} pilots — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `\`npm run bench -- ${cmd}\`, finished in ${f(seconds, 0)} s. Dev server in memory, headless; ${o.workers} onex worker process(es) and one baseline worker process (\`node --import tsx\`${o.workerHeapMiB !== undefined ? `, \`--max-old-space-size=${o.workerHeapMiB}\`` : ''}), the sides run one after the other; workflow code ${o.prebundled ? 'pre-bundled once and loaded from the file (as production workers do)' : 'bundled by each worker at start'}; workflow cache (maxCachedWorkflows) ${o.maxCached} on both sides; RSS watchdog at ${o.rssLimitMiB} MiB per worker process.`,
    '',
    '| measure | onex | baseline | onex/baseline |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    ...spread,
    ...listRows,
    ...curveRows,
    ...(sim === undefined
      ? ['History events per pilot-year and the three-year pilot: not measured (`--skip-year`).', '']
      : [
          'History events per pilot-year (time-skipping server, default continue-as-new at 2,000 events, every run counted):',
          '',
          '| behaviour | periods | runs | events | events per period |',
          '|---|---:|---:|---:|---:|',
          ...sim.year.map((y) => `| ${y.behaviour} | ${y.periods} | ${y.runs} | ${y.events} | ${f(y.events / Math.max(1, y.periods))} |`),
          '',
          `A three-year pilot with every kind of event (scripts/support/three-year-pilot.ts: weekly reports, provincial requests and material, income and expenses every month, an assessment and an inspection each year, to completion) on the time-skipping server: ${f(sim.threeYears.seconds)} s (target ≤ 20 s), ${sim.threeYears.periods} periods, ${sim.threeYears.runs} runs, ${sim.threeYears.events} events in all, the longest run ${sim.threeYears.maxRunEvents} events (target: every run under 4,096).`,
          '',
        ]),
    'Machine:',
    '',
    ...Object.entries(m).map(([k, v]) => `- ${k}: ${v}`),
    '',
  ].join('\n');
}

const DOC_HEADER = `# 性能基准 / Benchmarks

由 \`npm run bench -- --write\` 生成；测试只以 20 个试点的冒烟测试运行它（不写本文件）；每次运行在本节前追加一节。
Written by \`npm run bench -- --write\` (scripts/bench.ts); the tests run it only as a 20-pilot
smoke test (test/e2e/bench-smoke.test.ts), which writes nothing. Each run adds a section at the
top. What is measured: starting N pilots on a local Temporal dev server
(accepted by the server; running, i.e. their first workflow task done), weekly-report Update
latency at a steady open-loop rate, the worker's memory with every pilot live, the list of
pilots by college through the admin API, history events per pilot-year and the time of a
three-year pilot with every kind of event on the time-skipping server. The baseline is a bench-only workflow that
accepts the same Update and waits (scripts/bench/baseline-workflows.ts), started and updated
the same way, so onex/baseline is onex's own cost over bare Temporal on the same machine.
Latency ratios above 1 and throughput ratios below 1 mean onex is slower.

`;

function writeDoc(section: string): string {
  const path = join(projectRoot, 'docs', 'benchmarks.md');
  let previous = '';
  try {
    previous = readFileSync(path, 'utf8');
  } catch {
    /* first run */
  }
  const sections = previous.startsWith('# ') ? previous.slice(previous.indexOf('\n## ') + 1) : '';
  writeFileSync(path, `${DOC_HEADER}${section}\n${previous.includes('\n## ') ? sections : ''}`);
  return path;
}

export async function runBench(o: BenchOptions): Promise<string> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  startLoad = loadavg()[0]!;
  const started = Date.now();
  deadline = started + o.maxMinutes * 60_000;
  const dir = mkdtempSync(join(tmpdir(), 'onex-bench-'));
  const [port, httpPort, metricsPort] = (await freePorts(3)) as [number, number, number];
  log(`dev server on 127.0.0.1:${port} (in memory)`);
  const server = await startTemporalDevServer({ port, httpPort, metricsPort, startTimeoutMs: 90_000 });
  const sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir: join(dir, 'mail'), warn: () => undefined });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: 'default' });
  const children: Child[] = [];
  const env = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: 'default',
    ONEX_LOG_LEVEL: 'WARN',
    ONEX_MAX_CACHED_WORKFLOWS: String(o.maxCached),
  };
  const quietLogger = new DefaultLogger('WARN');
  const stopWatchdog = rssWatchdog(() => children, o.rssLimitMiB);
  try {
    const today = shanghaiDate(Date.now());
    // --prebundled: bundled once, loaded as production workers load it (ONEX_WORKFLOW_BUNDLE).
    const bundles: { onex?: string; baseline?: string } = {};
    if (o.prebundled) {
      const write = async (name: string, path: string, options: object) => {
        const file = join(dir, `${name}-bundle.js`);
        writeFileSync(file, (await bundleWorkflowCode({ workflowsPath: path, ...options, logger: quietLogger })).code);
        return file;
      };
      bundles.onex = await write('onex', workflowsPath, o.unshared ? {} : workflowBundlerOptions);
      bundles.baseline = await write('baseline', fileURLToPath(new URL('./bench/baseline-workflows.ts', import.meta.url)), {});
      log('workflow code bundled for both sides');
    }
    const startOnexWorkers = async (n: number, taskQueue: string, maxCached: number): Promise<Child[]> => {
      const started: Child[] = [];
      for (let k = 0; k < n; k++) {
        const [health] = (await freePorts(1)) as [number];
        const w = spawnTs(
          'worker/main.ts',
          {
            ...env,
            ONEX_TASK_QUEUE: taskQueue,
            ONEX_SMTP_URL: sink.smtpUrl,
            ONEX_WORKER_HEALTH_PORT: String(health),
            ONEX_MAX_CACHED_WORKFLOWS: String(maxCached),
            ...(bundles.onex ? { ONEX_WORKFLOW_BUNDLE: bundles.onex } : {}),
          },
          o.workerHeapMiB,
        );
        children.push(w);
        started.push(w);
        await waitFor(
          'onex worker',
          async () => (await fetch(`http://127.0.0.1:${health}/readyz`)).ok,
          90_000,
          () => alive(w),
        );
      }
      return started;
    };
    const onexWorkers = await startOnexWorkers(o.workers, 'bench-onex', o.maxCached);
    const onex = await measureSide('onex', client, onexWorkers, o, today);
    const list = o.listRequests > 0 ? await listLatency(connection, dir, o) : undefined;
    for (const w of onexWorkers) await stopProcess(w.child, 30_000);

    const baselineWorker = spawnTs(
      'scripts/bench/baseline-worker.ts',
      { ...env, ONEX_TASK_QUEUE: 'bench-baseline', ...(bundles.baseline ? { BASELINE_WORKFLOW_BUNDLE: bundles.baseline } : {}) },
      o.workerHeapMiB,
    );
    children.push(baselineWorker);
    await waitFor(
      'baseline worker',
      async () => baselineWorker.output().includes('ready'),
      90_000,
      () => alive(baselineWorker),
    );
    const base = await measureSide('baseline', client, [baselineWorker], o, today);
    await stopProcess(baselineWorker.child, 30_000);

    const curve: CurvePoint[] = [];
    for (const size of o.cacheCurve) {
      const cache = size === 'all' ? o.pilots : size;
      const label = `curve-${size}`;
      const [w] = await startOnexWorkers(1, `bench-${label}`, cache);
      const figures = await measureSide('onex', client, [w!], o, today, label, true);
      curve.push({
        cache: size,
        rssMiB: figures.rssMiB,
        peakRssMiB: figures.peakRssMiB,
        p50: figures.p50,
        p99: figures.p99,
        startRunningPerSec: figures.startRunningPerSec,
        updateErrors: figures.updateErrors,
        updates: figures.updates,
      });
      await stopProcess(w!.child, 30_000);
    }

    const sim = o.skipYear ? undefined : await simulated();
    const text = report(o, onex, base, sim, (Date.now() - started) / 1000, list, curve);
    console.log(`\n${text}`);
    if (o.write) log(`written to ${writeDoc(text)}`);
    return text;
  } catch (err) {
    for (const c of children) console.error(c.output().slice(-2000));
    // The watchdog's reason first: the phase that noticed only saw its worker gone.
    if (stopReason) throw new Error(stopReason, { cause: err });
    throw err;
  } finally {
    stopWatchdog();
    for (const c of children) await stopProcess(c.child, 10_000);
    await connection.close();
    await sink.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      pilots: { type: 'string', default: '1000' },
      updates: { type: 'string', default: '500' },
      rate: { type: 'string', default: '25' },
      concurrency: { type: 'string', default: '50' },
      'max-minutes': { type: 'string' },
      write: { type: 'boolean', default: false },
      'skip-year': { type: 'boolean', default: false },
      'max-cached': { type: 'string' },
      workers: { type: 'string', default: '1' },
      'worker-heap': { type: 'string' },
      'rss-limit': { type: 'string' },
      'cache-curve': { type: 'string' },
      colleges: { type: 'string', default: '20' },
      'list-requests': { type: 'string', default: '50' },
      prebundled: { type: 'boolean', default: false },
      unshared: { type: 'boolean', default: false },
    },
  });
  const int = (name: string, v: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  if (values.unshared && !values.prebundled) throw new Error('--unshared needs --prebundled');
  const pilots = int('pilots', values.pilots, 1, 100_000);
  const cacheCurve = (values['cache-curve'] ?? '')
    .split(',')
    .filter((v) => v.trim() !== '')
    .map((v) => (v.trim() === 'all' ? ('all' as const) : int('cache-curve', v.trim(), 1, 1_000_000)));
  return {
    pilots,
    updates: int('updates', values.updates, 1, 100_000),
    rate: int('rate', values.rate, 1, 1000),
    concurrency: int('concurrency', values.concurrency, 1, 500),
    maxMinutes: int('max-minutes', values['max-minutes'] ?? String(defaultMaxMinutes(pilots, cacheCurve.length)), 1, 240),
    write: values.write,
    skipYear: values['skip-year'],
    maxCached: int('max-cached', values['max-cached'] ?? String(DEFAULT_MAX_CACHED_WORKFLOWS), 1, 1_000_000),
    workers: int('workers', values.workers, 1, 4),
    ...(values['worker-heap'] !== undefined ? { workerHeapMiB: int('worker-heap', values['worker-heap'], 256, 65_536) } : {}),
    rssLimitMiB: int('rss-limit', values['rss-limit'] ?? String(defaultRssLimitMiB()), 256, 65_536),
    cacheCurve,
    colleges: int('colleges', values.colleges, 1, 100),
    listRequests: int('list-requests', values['list-requests'], 0, 10_000),
    prebundled: values.prebundled,
    unshared: values.unshared,
  };
}

if (isMainModule(import.meta.url)) {
  runBench(parseBenchArgs(process.argv.slice(2))).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error('[bench] failed:', err);
      process.exit(1);
    },
  );
}
