/**
 * What the admin page reads of a pilot's state. The pilot workflow's state grows as its
 * lifecycle is built (issue 5), so everything beyond the weekly reports is optional here:
 * the page shows what the running workflow reports and nothing it does not.
 */
import type { Actor } from '../../domain/actor';
import type { Bilingual } from '../../domain/errors';

export interface PilotView {
  workflowId?: string;
  status: string;
  pilot: {
    id: string;
    college: { id: string; name: string };
    major: { name: string };
    certificate: { name: string; level: string; evaluationOrg?: string };
    lead: { name: string; email: string; userId?: string };
    startDate: string;
    endDate: string;
  };
  current?: PilotView['pilot'];
  periods: { id: string; dueAt: string; outcome: string; shifted?: boolean; submittedAt?: string; by?: Actor; excerpt?: string }[];
  nextDue?: { periodId: string; dueAt: string };
  consecutiveMisses: number;
  escalated: boolean;
  escalationLevel?: number;
  overdue?: boolean;
  waitingOn: Bilingual | Bilingual[];
  emails: { eventKey: string; kind: string; to: { role: string; email: string }[]; at: string; periodId?: string; messageId: string }[];
  provincial?: { id: string; title: string; dueDate: string; dueAt: string; outcome: string; submittedAt?: string }[];
  ledger?: { balanceFen: number; incomeFen: Record<string, number>; spentFen: Record<string, number>; entries: number };
  approvals?: { approvalId: string; kind: string; status: string; submittedAt: string; summary: Bilingual; submittedBy?: Actor }[];
  rectifications?: { id: string; status: string; dueAt: string; noticeOn: string }[];
  schedule?: { date: string; at: string; inspectionId?: string }[];
  inspections?: { id: string; inspectedOn: string; outcome: string }[];
  cancellationRisk?: { flagged: boolean; reasons: { at: string; reason: Bilingual }[] };
  audit?: {
    seq: number;
    at: string;
    action: string;
    actor?: Actor;
    summary: Bilingual;
    before?: unknown;
    after?: unknown;
    ruleIds?: string[];
  }[];
}

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

export interface DashboardRow {
  pilotId: string;
  status: string;
  college?: string;
  stage?: string;
  escalated?: boolean;
  overdue?: boolean;
  cancellationRisk?: boolean;
  nextDue?: string;
}
