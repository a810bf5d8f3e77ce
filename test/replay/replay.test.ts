/**
 * Replay (issue 7): every recorded history under test/replay/histories/ (written by
 * `npm run record-histories`, scripts/record-histories.ts) is replayed against today's
 * workflow code with Worker.runReplayHistories. A change that would break running
 * workflows — a new, removed or reordered command without `patched()` — fails here.
 *
 * New files in the folder are picked up automatically; every workflow kind the worker
 * registers must have at least one. A negative control proves the replay can fail.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, bundleWorkflowCode, type ReplayResult, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { historiesDir, type RecordedHistory } from '../../scripts/record-histories';
import { workflowBundlerOptions, workflowsPath } from '../../worker/paths';
import * as workflows from '../../workflows/index';

const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort();
const recorded = files.map((file) => ({ file, ...(JSON.parse(readFileSync(`${historiesDir}/${file}`, 'utf8')) as RecordedHistory) }));
const alteredPath = fileURLToPath(new URL('./fixtures/altered-workflows.ts', import.meta.url));

async function replay(bundle: WorkflowBundle, docs: typeof recorded): Promise<Map<string, ReplayResult['error']>> {
  const byRun = new Map(docs.map((d) => [d.runId, d.file]));
  const histories = docs.map((d) => ({ workflowId: d.workflowId, history: historyFromJSON(d.history) }));
  const out = new Map<string, ReplayResult['error']>();
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'onex-replay' }, histories)) {
    out.set(byRun.get(r.runId) ?? `${r.workflowId}/${r.runId}`, r.error);
  }
  return out;
}

let today: WorkflowBundle;
beforeAll(async () => {
  today = await bundleWorkflowCode({ workflowsPath, ...workflowBundlerOptions });
});

describe('replay of recorded histories against today\'s workflow code', () => {
  it('has a recorded history of every workflow kind the worker registers', () => {
    const kinds = Object.keys(workflows).sort();
    const covered = new Set(recorded.map((r) => r.workflowType));
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.filter((k) => !covered.has(k)), 'workflow kinds without a history: add a scenario to scripts/record-histories.ts and run `npm run record-histories`').toEqual([]);
  });

  it('replays every history without a determinism error', async () => {
    expect(files.length).toBeGreaterThan(0);
    const results = await replay(today, recorded);
    expect([...results.keys()].sort()).toEqual(files);
    const failures = [...results].filter(([, err]) => err !== undefined).map(([file, err]) => `${file}: ${err!.name}: ${err!.message}`);
    expect(failures).toEqual([]);
  });

  it('fails when the code adds a command the histories do not have (negative control)', async () => {
    const altered = await bundleWorkflowCode({ workflowsPath: alteredPath });
    const pilots = recorded.filter((r) => r.workflowType === 'pilotWorkflow');
    expect(pilots.length).toBeGreaterThan(0);
    const results = await replay(altered, pilots);
    for (const doc of pilots) {
      const err = results.get(doc.file);
      expect(err, doc.file).toBeInstanceOf(DeterminismViolationError);
    }
  });
});
