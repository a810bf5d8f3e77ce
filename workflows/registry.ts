/**
 * The programme registry (项目台账): one long-running workflow, id
 * `programmeRegistryWorkflowId()` = `programme-registry`, keeping each pilot-year's pass
 * record (Art. 12: a pilot whose pass rate is below 90 % is restricted from next year's
 * application). Application workflows read it through the `passRecordsFor` activity.
 *
 * Writers:
 * - pilots (issue 5) report a year's result with the `passRecordReported` signal, through
 *   the `reportPassRecord` activity (signal-with-start); a malformed report is kept in
 *   `rejectedReports` for operators, never applied;
 * - Academic Affairs records history from before onex, or a correction, with the
 *   `recordPassRecord` update (validated: refused input leaves no trace).
 * One record per (year, college + major, certificate, source); a new entry under the same
 * key replaces the old one and counts a revision. Continue-as-new keeps history bounded.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { Actor } from '../domain/actor';
import {
  passRecordInputSchema,
  passRecordKey,
  programmeRegistryWorkflowId,
  recordPassRecordSchema,
  type PassRecordInput,
  type StoredPassRecord,
} from '../domain/round';
import { breach } from '../domain/rules';
import { roundRules } from '../domain/round';
import { safeParseBilingual } from '../domain/validation';
import { passRecordReported, passRecordsQuery, recordPassRecord, registryStateQuery } from './messages';
import { refuse } from './refusal';
import type { RegistryState, RegistryWorkflowInput } from './round-types';
import { OnexKind } from './search-attributes';

const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 2_000;
const MAX_REJECTED_KEPT = 50;

/** The registry's start options (id and search attributes), for signal-with-start and update-with-start. */
export function registryStartOptions(): {
  workflowId: string;
  args: [RegistryWorkflowInput];
  typedSearchAttributes: SearchAttributePair[];
} {
  return { workflowId: programmeRegistryWorkflowId(), args: [{}], typedSearchAttributes: [{ key: OnexKind, value: 'registry' }] };
}

export async function programmeRegistryWorkflow(input: RegistryWorkflowInput): Promise<void> {
  const s: RegistryState = { records: input.records ?? [], rejectedReports: input.rejectedReports ?? [], runIndex: input.runIndex ?? 1 };
  const nowIso = () => new Date(Date.now()).toISOString();

  const store = (
    record: PassRecordInput & { major: { code?: string; name: string } },
    source: string,
    extra: { recordedBy?: Actor; note?: string },
  ): StoredPassRecord => {
    const parsed = passRecordInputSchema.parse(record);
    const key = passRecordKey(parsed, source);
    const previous = s.records.findIndex((r) => r.key === key);
    const stored: StoredPassRecord = {
      ...parsed,
      key,
      source,
      recordedAt: nowIso(),
      ...(extra.recordedBy ? { recordedBy: extra.recordedBy } : {}),
      ...(extra.note ? { note: extra.note } : {}),
      revision: previous >= 0 ? s.records[previous]!.revision + 1 : 1,
    };
    if (previous >= 0) s.records[previous] = stored;
    else s.records.push(stored);
    return stored;
  };

  setHandler(passRecordsQuery, (filter) =>
    s.records.filter(
      (r) =>
        (filter?.year === undefined || r.year === filter.year) && (filter?.collegeId === undefined || r.collegeId === filter.collegeId),
    ),
  );
  setHandler(registryStateQuery, () => s);

  setHandler(
    recordPassRecord,
    (raw) => {
      const { record, note, actor } = recordPassRecordSchema.parse(raw);
      return store(record, 'manual', { recordedBy: actor, note });
    },
    {
      validator: (raw) => {
        const parsed = safeParseBilingual(recordPassRecordSchema, raw);
        if (!parsed.ok) refuse(parsed.errors);
        const { actor } = parsed.value;
        if (actor.role !== 'academicAffairs' && actor.role !== 'admin') {
          refuse([
            breach(roundRules.openedByAcademicAffairs, 'actor.role', {
              zh: '只有教务部可以录入或更正试点通过率记录（第十二条）',
              en: 'only Academic Affairs may record or correct a pass record (Art. 12)',
            }),
          ]);
        }
      },
    },
  );

  setHandler(passRecordReported, (report) => {
    const parsed = safeParseBilingual(passRecordInputSchema, report?.record, 'record', { strict: false });
    const pilotId = typeof report?.pilotId === 'string' && report.pilotId ? report.pilotId : '';
    if (!parsed.ok || !pilotId) {
      const errors = parsed.ok ? [] : parsed.errors;
      if (!pilotId)
        errors.push({
          ruleId: 'input.invalid',
          article: null,
          severity: 'hard',
          field: 'pilotId',
          message: { zh: '缺少试点编号', en: 'the pilot id is missing' },
        });
      s.rejectedReports.push({ at: nowIso(), pilotId, errors });
      if (s.rejectedReports.length > MAX_REJECTED_KEPT) s.rejectedReports.splice(0, s.rejectedReports.length - MAX_REJECTED_KEPT);
      return;
    }
    store(parsed.value, `pilot:${pilotId}`, {});
  });

  const limit = input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS;
  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= limit);
  await condition(allHandlersFinished);
  await continueAsNew<typeof programmeRegistryWorkflow>({
    records: s.records,
    rejectedReports: s.rejectedReports,
    runIndex: s.runIndex + 1,
    continueAsNewAfterEvents: input.continueAsNewAfterEvents,
  });
}
