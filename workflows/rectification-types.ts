/**
 * Types of the rectification workflow (workflows/rectification.ts, Art. 18): input, state,
 * the re-inspection update and the events it signals to its parent. Type-only.
 */
import type { Inspection, InspectionInput, Rectification } from '../domain/inspection';
import type { ApprovalEmailRecord, ChildPilotSummary, ChildRecipients } from './approval-types';

export interface RectificationWorkflowInput {
  rectificationId: string;
  /** The pilot workflow to signal (its latest run). */
  parentWorkflowId: string;
  pilot: ChildPilotSummary;
  /** Lead and college leader get the notice; Academic Affairs and the school leader the escalation. */
  recipients: ChildRecipients;
  /** The failed inspection. */
  inspection: Inspection;
  /** From rectificationFor(inspection, table, calendar). */
  deadline: Rectification;
  rulesVersion: string;
}

export type RectificationStatus = 'open' | 'overdue' | 'closed' | 'cancelled';

export interface RectificationRound {
  /** 1 after the inspection; +1 after each failed re-inspection. */
  round: number;
  /** The inspection (or failed re-inspection) that set this deadline. */
  openedBy: string;
  noticeOn: string;
  dueDate: string;
  dueAt: string;
  remindAt: string;
  failed: Rectification['failed'];
  reminded: boolean;
  overdue: boolean;
  /** The re-inspection that ended the round (passed or failed). */
  endedBy?: string;
}

export interface RectificationTimelineEntry {
  at: string;
  event: 'opened' | 'reminded' | 'overdue' | 'reinspectionFailed' | 'closed' | 'parentSignalled' | 'parentSignalFailed' | 'cancelled';
  note?: string;
  actor?: string;
}

export interface RectificationState {
  rectificationId: string;
  workflowId: string;
  parentWorkflowId: string;
  pilot: ChildPilotSummary;
  inspection: Inspection;
  status: RectificationStatus;
  /** The current record (its dueAt is the open round's); `closedBy` once closed. */
  rectification: Rectification;
  rounds: RectificationRound[];
  reinspections: Inspection[];
  timeline: RectificationTimelineEntry[];
  emails: ApprovalEmailRecord[];
  closedAt?: string;
  rulesVersion: string;
}

/** A re-inspection: an inspection with its three Art. 18 contents, `reinspectionOf` the failed one. */
export type RecordReinspectionInput = InspectionInput;

export interface RecordReinspectionResult {
  passed: boolean;
  status: RectificationStatus;
  /** The new due instant after a failed re-inspection. */
  dueAt?: string;
}

/** What the rectification workflow signals to its parent. */
export type RectificationEvent =
  | { rectificationId: string; event: 'overdue'; dueAt: string; at: string }
  | { rectificationId: string; event: 'reinspectionFailed'; reinspectionId: string; dueAt: string; at: string }
  | { rectificationId: string; event: 'closed'; passed: true; reinspectionId: string; at: string };

export type RectificationResult =
  | { status: 'closed'; rectificationId: string; closedBy: string; closedAt: string; rounds: number }
  | { status: 'cancelled'; rectificationId: string; cancelledAt: string };
