/**
 * Sample inputs for the child workflows (approvals, rectification): a pilot summary, its
 * recipients, the people who act, a budget plan, a change request, an inspection. Shared by
 * the workflow tests (test/helpers/children.ts) and the recorder of replay histories.
 */
import type { Actor } from '../../domain/actor';
import type { BudgetPlanInput } from '../../domain/budget';
import type { ChangeRequestInput } from '../../domain/change';
import type { InspectionInput } from '../../domain/inspection';
import { currentRulesVersion } from '../../domain/tables';
import type { ApprovalWorkflowInput, ChildPilotSummary, ChildRecipients } from '../../workflows/approval-types';

export const childPilot = (id: string): ChildPilotSummary => ({
  id,
  collegeId: 'forestry',
  collegeName: '林业学院',
  majorName: '园林技术',
  certificateName: '花卉园艺',
  level: 'intermediate',
  leadName: '张老师',
});

export const childRecipients: ChildRecipients = {
  pilotLead: 'lead@college.test',
  collegeLeader: 'dean@college.test',
  academicAffairs: 'jwb@college.test',
  schoolLeader: 'vp@college.test',
};

export const people = {
  lead: { id: 'zhang', role: 'pilotLead' } satisfies Actor,
  dean: { id: 'dean.li', role: 'collegeLeader', college: 'forestry' } satisfies Actor,
  otherDean: { id: 'dean.zhao', role: 'collegeLeader', college: 'ecology' } satisfies Actor,
  jwb: { id: 'jwb.wang', role: 'academicAffairs' } satisfies Actor,
  vp: { id: 'vp.huang', role: 'schoolLeader' } satisfies Actor,
} as const;

export function budgetPlan(pilotId: string, over: Partial<BudgetPlanInput> = {}): BudgetPlanInput {
  return {
    id: 'B-2027',
    pilotId,
    year: 2027,
    rationale: '围绕任务书的三项建设任务测算',
    lines: [
      { category: 'teacherTraining', description: '考评员培训', amountFen: 30_000_00 },
      { category: 'certificateAssessment', description: '考核费', amountFen: 12_000_00 },
    ],
    funding: [
      { source: 'specialFund', amountFen: 40_000_00 },
      { source: 'fiscalAllocation', amountFen: 2_000_00 },
    ],
    ...over,
  };
}

export function changeRequest(pilotId: string, at: string): ChangeRequestInput {
  return {
    id: 'CR-1',
    pilotId,
    changes: { lead: { name: '王老师', email: 'wang@college.test' } },
    reason: '原负责人调任',
    requestedBy: people.lead,
    requestedAt: at,
  };
}

type Base = Omit<Extract<ApprovalWorkflowInput, { kind: 'budget' }>, 'kind' | 'subject'>;

export function approvalInput<K extends ApprovalWorkflowInput['kind']>(
  kind: K,
  pilotId: string,
  parentWorkflowId: string,
  subject: Extract<ApprovalWorkflowInput, { kind: K }>['subject'],
  submittedAt: string,
): ApprovalWorkflowInput {
  const base: Base = {
    approvalId: `${kind}-1`,
    parentWorkflowId,
    pilot: childPilot(pilotId),
    recipients: childRecipients,
    submittedBy: people.lead,
    submittedAt,
    rulesVersion: currentRulesVersion,
  };
  return { ...base, kind, subject } as ApprovalWorkflowInput;
}

/** An Art. 18 inspection with its three contents; `funds` unsatisfactory unless overridden. */
export function inspection(pilotId: string, over: Partial<InspectionInput> = {}): InspectionInput {
  const ok = { result: 'satisfactory' as const, notes: '按计划推进' };
  return {
    id: 'I-1',
    pilotId,
    inspectedOn: '2026-12-01',
    inspector: people.jwb,
    progress: ok,
    funds: { result: 'unsatisfactory', notes: '专项资金未专账核算' },
    problems: { ...ok, measures: '建立专账' },
    ...over,
  };
}
