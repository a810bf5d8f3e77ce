/**
 * An approval step's deadline: each step is due a number of working days after it opens
 * (approvalStepDeadline); before then its approver and delegates are reminded, and once it
 * is overdue they and the next level are told, once (Art. 4: Academic Affairs manages the
 * programme); then the step keeps waiting. The spine (index.ts) runs the timers.
 */
import { roleNames, type Role } from '../../domain/actor';
import type { ApprovalStep } from '../../domain/approval';
import type { ApprovalContext } from './context';

type OpenStep = NonNullable<ApprovalContext['s']['currentStep']>;

/** Before the step is due: a reminder to its approver and delegates. */
export function remindStep(ctx: ApprovalContext, cur: OpenStep, step: ApprovalStep, seq: number): void {
  const { note, post, approverOf, activeDelegates, stepRef } = ctx;
  cur.reminded = true;
  note({ event: 'reminded', stepId: step.id });
  post({
    kind: 'approvalStepReminder',
    eventKey: `step:${seq}:${step.id}:reminder`,
    to: [...approverOf(step.role), ...activeDelegates(step.id)],
    step: stepRef(step),
    dueAt: cur.dueAt,
  });
}

/** Overdue: tell the approver and the next level, once. */
export function escalateStep(ctx: ApprovalContext, cur: OpenStep, step: ApprovalStep, seq: number): void {
  const { approverEmail, note, searchAttributes, post, approverOf, activeDelegates, stepRef } = ctx;
  const next = escalationRole(step.role, approverEmail);
  cur.escalated = true;
  note({ event: 'escalated', stepId: step.id, note: next });
  searchAttributes(step.id, cur.dueAt, true);
  post({
    kind: 'approvalStepOverdue',
    eventKey: `step:${seq}:${step.id}:overdue`,
    to: [...approverOf(step.role), ...activeDelegates(step.id), ...approverOf(next)],
    step: stepRef(step),
    dueAt: cur.dueAt,
    escalatedTo: roleNames[next],
  });
}

/** Overdue at a step → who is told besides its approver (Art. 4: Academic Affairs manages the programme). */
function escalationRole(role: Role, emails: Partial<Record<Role, string>>): Role {
  if (role === 'collegeLeader') return 'academicAffairs';
  if (role === 'academicAffairs') return emails.schoolLeader ? 'schoolLeader' : 'academicAffairs';
  return 'academicAffairs';
}
