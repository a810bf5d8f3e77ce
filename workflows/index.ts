/** The workflow bundle's entry: every workflow type the worker registers. */
// First: shares the worker's one evaluated copy of domain/ and zod (issue 14; shared-modules.ts).
import './shared-modules-adopt';
export { pilotWorkflow } from './pilot';
export { roundWorkflow } from './round';
export { applicationWorkflow } from './application';
export { programmeRegistryWorkflow } from './registry';
export { approvalWorkflow } from './approval';
export { rectificationWorkflow } from './rectification';
