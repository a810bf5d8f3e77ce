/**
 * Where a worker's memory goes (issue 14; a diagnostic, not part of the tests): one process
 * runs an onex Worker (the real workflow bundle, activities over a local mail sink) against
 * an in-memory dev server, starts N pilots the way `npm run bench` does, waits until every
 * first workflow task is done, collects garbage and prints process.memoryUsage() and
 * v8.getHeapStatistics() before and after, per live pilot, as the worker runs today.
 *
 * `--preload shared` (the default) builds the bundle as every onex worker does since issue 14
 * (workflows/shared-modules.ts: one evaluated copy of domain/ and zod for every workflow);
 * `--preload none` as before (a copy per workflow).
 * `--preload zod+domain` is an EXPERIMENT, not a fix: it lists zod and every `domain/` module
 * in the SDK's `bundlerOptions.preloadModules`, so they are evaluated once and shared by every
 * workflow — and deep-frozen by the SDK. It measures what sharing them would save on the
 * first task, but later tasks fail: zod 4.6 writes to its schemas when they are used (methods
 * built on first read, the parse function settled on the first parse, `pattern.lastIndex = 0`
 * in every string-format check), which a frozen schema refuses (see docs/benchmarks.md).
 * `--main-thread` runs the workflows in
this thread so the heap figures include them; `--snapshot FILE` also writes a heap
 * snapshot with every pilot live (as big as the heap: keep N small).
 *
 *   node --expose-gc --import tsx scripts/bench/memory-probe.ts --pilots 300 --max-minutes 5
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index';
import { addDays, shanghaiDate } from '../../domain/calendar';
import { pilotRecordSchema } from '../../domain/pilot';
import { pilotWorkflow } from '../../workflows/pilot';
import { workflowBundlerOptions, workflowsPath } from '../../worker/paths';
import { projectRoot } from '../binaries';
import { samplePilot } from '../support/pilots';
import { freePorts } from '../support/ports';
import { startMailSink } from '../mail-sink';
import { startTemporalDevServer, waitFor } from '../temporal-dev-server';

const MiB = 1024 * 1024;

function reading(): Record<string, number> {
  const m = process.memoryUsage();
  const h = v8.getHeapStatistics();
  return {
    rss: m.rss / MiB,
    heapUsed: m.heapUsed / MiB,
    heapTotal: m.heapTotal / MiB,
    external: m.external / MiB,
    arrayBuffers: m.arrayBuffers / MiB,
    nativeContexts: h.number_of_native_contexts,
    detachedContexts: h.number_of_detached_contexts,
  };
}

async function settle(): Promise<Record<string, number>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 300));
  }
  return reading();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pilots: { type: 'string', default: '300' },
      preload: { type: 'string', default: 'shared' },
      'max-minutes': { type: 'string', default: '5' },
      snapshot: { type: 'string' },
      'main-thread': { type: 'boolean', default: false },
    },
  });
  const pilots = Number(values.pilots);
  if (!Number.isInteger(pilots) || pilots < 1 || pilots > 1000) throw new Error('--pilots must be 1 to 1000');
  const deadline = Date.now() + Number(values['max-minutes']) * 60_000;
  const timer = setTimeout(() => {
    console.error('[probe] over its time limit');
    process.exit(2);
  }, deadline - Date.now());
  timer.unref();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(join(tmpdir(), 'onex-probe-'));
  const [port, httpPort, metricsPort] = (await freePorts(3)) as [number, number, number];
  const server = await startTemporalDevServer({ port, httpPort, metricsPort, startTimeoutMs: 90_000 });
  const sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir: join(dir, 'mail'), warn: () => undefined });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address: server.address });
  if (!['none', 'zod+domain', 'shared'].includes(values.preload!)) throw new Error('--preload is shared, none or zod+domain');
  const domain = join(projectRoot, 'domain');
  const bundlerOptions =
    values.preload === 'none'
      ? {}
      : values.preload === 'shared'
        ? workflowBundlerOptions
        : {
            preloadModules: [
              'zod',
              ...readdirSync(domain)
                .filter((f) => f.endsWith('.ts'))
                .sort()
                .map((f) => join(domain, f)),
            ],
          };
  try {
    const before = await settle();
    const t0 = performance.now();
    const worker = await Worker.create({
      connection: native,
      taskQueue: 'probe',
      workflowsPath,
      bundlerOptions,
      // Workflows in this thread (the SDK's debug mode), so that the heap readings and the
      // snapshot see them; by default they run in worker threads that process.memoryUsage()
      // counts only in rss.
      debugMode: values['main-thread'],
      activities: createActivities({ transport: sink.smtpUrl, from: 'onex@probe.test', adminUrl: 'http://127.0.0.1/' }),
    });
    const created = performance.now();
    await worker.runUntil(async () => {
      const idle = await settle();
      const today = shanghaiDate(Date.now());
      const t1 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          while (next < pilots) {
            const i = next++;
            const pilot = pilotRecordSchema.parse(samplePilot({ id: `probe-${i}`, startDate: today, endDate: addDays(today, 730) }));
            await client.workflow.start(pilotWorkflow, { taskQueue: 'probe', workflowId: `pilot:probe-${i}`, args: [{ pilot }] });
          }
        }),
      );
      for (let i = 0; i < pilots; i++) {
        const h = client.workflow.getHandle(`pilot:probe-${i}`);
        await waitFor(
          `probe ${i} running`,
          async () => ((await h.fetchHistory()).events ?? []).some((e) => e.workflowTaskCompletedEventAttributes),
          Math.max(1000, deadline - Date.now()),
        );
      }
      const running = (performance.now() - t1) / 1000;
      const live = await settle();
      const per = (k: string) => ((live[k]! - idle[k]!) * 1024) / pilots;
      console.log(
        JSON.stringify(
          {
            preload: values.preload,
            pilots,
            bundleAndCreateSeconds: +((created - t0) / 1000).toFixed(1),
            allRunningSeconds: +running.toFixed(1),
            before,
            idle,
            live,
            perPilotKiB: { rss: +per('rss').toFixed(0), heapUsed: +per('heapUsed').toFixed(0), external: +per('external').toFixed(0) },
          },
          (_k, v: unknown) => (typeof v === 'number' ? +v.toFixed(1) : v),
          2,
        ),
      );
      if (values.snapshot) console.log(`[probe] heap snapshot: ${v8.writeHeapSnapshot(values.snapshot)}`);
    });
  } finally {
    await connection.close();
    await native.close();
    await sink.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('[probe] failed:', err);
    process.exit(1);
  },
);
