/**
 * One evaluated copy of `domain/` and zod for every workflow of a worker (issue 14).
 *
 * Why: with the SDK's reusable V8 context (1.24, the default) every module a workflow requires
 * is evaluated again for that workflow and kept in its own module cache, so each live pilot
 * held its own copy of zod and of every schema and rule of `domain/` — about 2 MiB of heap per
 * live workflow (docs/benchmarks.md). The SDK shares only modules evaluated before the first
 * workflow (`bundlerOptions.preloadModules`) and deep-freezes those, which zod's schemas do not
 * survive (they cache methods and parse functions on themselves when used).
 *
 * How: this module is preloaded (see `workflowBundlerOptions` in worker/paths.ts), so the map
 * below is one per worker thread and is not frozen (it is reached only through a closure). The
 * first workflow evaluates every bundled `domain/`, zod and chinese-days module into its own
 * module cache, as before, and the map keeps those module records; every later workflow gets
 * the same records put into its module cache before its own modules import them
 * (`adoptSharedModules`, called first by workflows/shared-modules-adopt.ts).
 *
 * Why this is safe: `domain/` is pure (no module-level mutable state, no clock, no I/O, no
 * `@temporalio/workflow` import; test/unit/shared-modules.test.ts checks the imports), and
 * zod writes only caches to its schemas, which do not change a result. Workflow code
 * (`workflows/`) is never shared: its module state stays per workflow. Outside a bundle
 * (tests, client), or without the preload, the function does nothing and every workflow
 * evaluates its own copies as the SDK does by default.
 */

declare const __webpack_modules__: Record<string, unknown>;
declare const __webpack_require__: (id: string) => unknown;

/** Module ids (webpack paths) of what every workflow may share: pure, immutable once built. */
export const SHARED_MODULE = /^\.\/domain\/|[\\/]node_modules[\\/](?:zod|chinese-days)[\\/]/;

interface ModuleRecord {
  exports: unknown;
}
type ModuleCache = Record<string, ModuleRecord | undefined>;

let adopted: Map<string, ModuleRecord> | undefined;
let fills = 0;
let adoptions = 0;

/**
 * What this copy of the module has done: `fills` (module records collected, once per worker
 * thread when preloaded), `adoptions` (workflows given the shared records) and `shared` (how
 * many). Without the preload each workflow has its own copy: fills 1, adoptions 0.
 */
export function sharedModuleStats(): { fills: number; adoptions: number; shared: number } {
  return { fills, adoptions, shared: adopted?.size ?? 0 };
}

export function adoptSharedModules(): void {
  if (typeof __webpack_modules__ === 'undefined' || typeof __webpack_require__ !== 'function') return;
  const cache = (globalThis as { __webpack_module_cache__?: ModuleCache }).__webpack_module_cache__;
  if (cache === undefined) return;
  if (adopted === undefined) {
    const records = new Map<string, ModuleRecord>();
    for (const id of Object.keys(__webpack_modules__)) {
      if (!SHARED_MODULE.test(id)) continue;
      __webpack_require__(id);
      const record = cache[id];
      if (record !== undefined) records.set(id, record);
    }
    adopted = records;
    fills++;
    return;
  }
  for (const [id, record] of adopted) {
    if (cache[id] === undefined) cache[id] = record;
  }
  adoptions++;
}
