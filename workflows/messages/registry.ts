/** The programme registry's messages (re-exported by workflows/messages.ts). */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PassRecordFilter, StoredPassRecord } from '../../domain/round';
import type { PassRecordReport, RegistryState } from '../round-types';
import type { RecordPassRecordInput } from '../../domain/round';

/** Academic Affairs records a pilot-year's pass record by hand (e.g. history before onex). */
export const recordPassRecord = defineUpdate<StoredPassRecord, [RecordPassRecordInput]>('recordPassRecord');
/** A pilot workflow reports its assessment year's pass record (machine fact; issue 5). */
export const passRecordReported = defineSignal<[PassRecordReport]>('passRecordReported');
/** Pass records, optionally of one year and/or college. */
export const passRecordsQuery = defineQuery<StoredPassRecord[], [PassRecordFilter?]>('passRecords');
/** The registry's whole state (records and refused reports). */
export const registryStateQuery = defineQuery<RegistryState>('registryState');
