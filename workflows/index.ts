/** The workflow bundle's entry: every workflow type the worker registers. */
export { pilotWorkflow } from './pilot';
export { roundWorkflow } from './round';
export { applicationWorkflow } from './application';
export { programmeRegistryWorkflow } from './registry';
export { approvalWorkflow } from './approval';
export { rectificationWorkflow } from './rectification';
