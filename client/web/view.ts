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
  | 'calendar'
>;

export type InboxKind = 'weeklyReport' | 'provincialSubmission' | 'rectification' | 'approval' | 'inspection' | 'chase';

export interface InboxItem {
  kind: InboxKind;
  pilotId: string;
  pilotName: string;
  college: string;
  /** The college's name, for the page's college filter. */
  collegeName: string;
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
  /** Where it stands (an approval's status and step), for 已办 / 抄送我 / 我发起的. */
  stands?: Bilingual;
  /** When the user acted on it (已办) or it was submitted (我发起的). */
  at?: string;
  /** Delegated to the user by this approver (while the delegation is valid). */
  delegatedBy?: string;
}

/** The inbox's tabs, as OA users know them. */
export const inboxTabs = ['todo', 'done', 'cc', 'mine'] as const;
export type InboxTab = (typeof inboxTabs)[number];
export const inboxTabNames: Record<InboxTab, Bilingual> = {
  todo: { zh: '待办', en: 'to do' },
  done: { zh: '已办', en: 'done' },
  cc: { zh: '抄送我', en: 'copied to me' },
  mine: { zh: '我发起的', en: 'submitted by me' },
};

/** One pilot of the dashboard: the pilot list's item. */
export type DashboardRow = PilotListItem;
