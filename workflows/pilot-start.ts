/**
 * How a pilot workflow is started, in one place: its id and the search attributes its
 * supervisors' lists run on (OnexKind, OnexCollege, OnexStage, OnexEscalated, and OnexRound
 * when an application round approved it). Used by the admin client (client/service.ts,
 * a pilot started by hand) and by the round workflow (a child started when the public
 * notice ends). Imports only workflow-safe modules.
 */
import type { SearchAttributePair } from '@temporalio/common';
import { calendarSnapshot } from '../domain/calendar';
import { pilotWorkflowId, type PilotRecord } from '../domain/pilot';
import type { PilotWorkflowInput } from './pilot-state';
import { OnexCollege, OnexEscalated, OnexKind, OnexRound, OnexStage } from './search-attributes';

export interface PilotStartOptions {
  workflowId: string;
  args: [PilotWorkflowInput];
  typedSearchAttributes: SearchAttributePair[];
}

export function pilotStartOptions(pilot: PilotRecord): PilotStartOptions {
  const attributes: SearchAttributePair[] = [
    { key: OnexKind, value: 'pilot' },
    { key: OnexCollege, value: pilot.college.id },
    { key: OnexStage, value: 'implementation' },
    { key: OnexEscalated, value: false },
  ];
  if (pilot.source) attributes.push({ key: OnexRound, value: pilot.source.roundId });
  // Pin the working-day schedule of the pilot's years (and the next, for a late last week).
  const calendar = calendarSnapshot(Number(pilot.startDate.slice(0, 4)), Number(pilot.endDate.slice(0, 4)) + 1);
  return { workflowId: pilotWorkflowId(pilot.id), args: [{ pilot, calendar }], typedSearchAttributes: attributes };
}
