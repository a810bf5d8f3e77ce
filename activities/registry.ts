/**
 * Activities over the programme registry (workflows/registry.ts), through the Temporal
 * client of the activity's own worker (`Context.current().client`, same namespace):
 *
 * - `passRecordsFor`: the Art. 12 pass records an application needs (last year's, of its
 *   college, major and certificate), read with the registry's query. No registry yet means
 *   no records.
 * - `reportPassRecord`: a pilot reports an assessment year's pass record; the signal
 *   starts the registry when it does not run yet (signal-with-start), so a pilot workflow
 *   needs no knowledge of whether it exists.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { passRecordsOf, type PassRecord } from '../domain/application';
import { programmeRegistryWorkflowId } from '../domain/round';
import { passRecordReported, passRecordsQuery } from '../workflows/messages';
import { programmeRegistryWorkflow, registryStartOptions } from '../workflows/registry';
import type { PassRecordLookup, PassRecordReport } from '../workflows/round-types';

export function createRegistryActivities() {
  return {
    async passRecordsFor(lookup: PassRecordLookup): Promise<PassRecord[]> {
      const { client } = Context.current();
      let records;
      try {
        records = await client.workflow
          .getHandle(programmeRegistryWorkflowId())
          .query(passRecordsQuery, { year: lookup.year, collegeId: lookup.collegeId });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return [];
        throw err;
      }
      return passRecordsOf(records, lookup).map((r) => ({
        year: r.year,
        collegeId: r.collegeId,
        major: r.major,
        certificate: r.certificate,
        candidates: r.candidates,
        passed: r.passed,
      }));
    },

    async reportPassRecord(report: PassRecordReport): Promise<void> {
      const { client, info } = Context.current();
      await client.workflow.signalWithStart(programmeRegistryWorkflow, {
        ...registryStartOptions(),
        taskQueue: info.taskQueue,
        signal: passRecordReported,
        signalArgs: [report],
      });
    },
  };
}
