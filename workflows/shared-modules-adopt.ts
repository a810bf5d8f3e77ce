/**
 * Imported first by the workflow bundle's entry (workflows/index.ts), so that it runs before
 * any other workflow module imports `domain/` or zod: puts this worker's shared module records
 * into the new workflow's module cache (workflows/shared-modules.ts).
 */
import { adoptSharedModules } from './shared-modules';

adoptSharedModules();
