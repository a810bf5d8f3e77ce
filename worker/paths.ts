import { fileURLToPath } from 'node:url';

/** The workflow bundle's entry file (with extension: vitest cannot resolve it without). */
export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** The module every workflow of a worker shares; see workflows/shared-modules.ts. */
export const sharedModulesPath = fileURLToPath(new URL('../workflows/shared-modules.ts', import.meta.url));

/**
 * Bundler options for every onex workflow bundle (worker, pre-built bundle, bench, tests,
 * replay): preloads workflows/shared-modules.ts so that one evaluated copy of domain/ and zod
 * serves every workflow of the worker (issue 14). Without it the bundle still works, with a copy
 * per workflow.
 */
export const workflowBundlerOptions = { preloadModules: [sharedModulesPath] };
