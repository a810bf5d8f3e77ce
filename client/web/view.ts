/**
 * What the admin page reads: the pilot workflow's own state type (the `pilotState` query's
 * answer, workflows/pilot-state.ts) — no copy of it — and the shapes of the inbox and the
 * dashboard rows.
 */
import type { Bilingual } from '../../domain/errors';
import type { PilotState } from '../../workflows/pilot-state';
import type { PilotListItem } from '../service';

/** The pilot's state as the API answers it and the page shows it. */
export type PilotView = PilotState;

/** What the inbox reads of a pilot's state (the same type, narrowed to the fields it uses). */
export type InboxPilot = Pick<
  PilotState,
  | 'status'
  | 'pilot'
  | 'current'
  | 'periods'
  | 'provincial'
  | 'rectifications'
  | 'approvals'
  | 'schedule'
  | 'escalated'
  | 'consecutiveMisses'
>;

export type InboxKind = 'weeklyReport' | 'provincialSubmission' | 'rectification' | 'approval' | 'inspection' | 'chase';

export interface InboxItem {
  kind: InboxKind;
  pilotId: string;
  pilotName: string;
  college: string;
  title: Bilingual;
  /** The period, request, approval or inspection the item is about. */
  ref?: string;
  dueAt?: string;
  /** Working days from today to the due date (Chinese calendar), when it is not yet due. */
  workingDaysLeft?: number;
  /** Working days since the due date, when it has passed. */
  workingDaysOverdue?: number;
  overdue: boolean;
  /** The page to open: the pilot page with the action's form. */
  href: string;
}

/** One pilot of the dashboard: the pilot list's item. */
export type DashboardRow = PilotListItem;
