/**
 * Every Update, Query and Signal of every workflow, defined once (one file per workflow
 * under messages/) and re-exported here. Workflows and the client import from this module;
 * no message name appears as a string anywhere else.
 */
export * from './messages/common';
export * from './messages/pilot';
export * from './messages/round';
export * from './messages/application';
export * from './messages/registry';
export * from './messages/approval';
export * from './messages/rectification';
