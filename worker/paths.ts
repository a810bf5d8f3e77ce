import { fileURLToPath } from 'node:url';

/** The workflow bundle's entry file (with extension: vitest cannot resolve it without). */
export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
