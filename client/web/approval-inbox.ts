/**
 * Approvals in 我的待办, as an OA user knows them (DingTalk, Feishu): 待办 holds only what
 * waits on me now — the step whose approver I am (never my own submission), a step delegated
 * to me while the delegation is valid, my own item returned to me (已退回待修改), the filing
 * Academic Affairs must record —, each with its due date in working days; 已办 what I decided;
 * 抄送我 what I was copied on; 我发起的 what I submitted, with where it stands. Pure: the
 * pilots, their approval records and the open approvals' states in; the four tabs out.
 */
import { hasRole, type Actor } from '../../domain/actor';
import type { WorkingCalendar } from '../../domain/calendar';
import type { Bilingual } from '../../domain/errors';
import { approvalKindDisplayNames, approvalStatusNames } from '../../domain/names';
import type { ApprovalState } from '../../workflows/approval-types';
import type { ApprovalRecord } from '../../workflows/pilot-state';
import type { PublicUser } from '../auth/users';
import type { InboxItem, InboxPilot, InboxTab } from './view';

export interface ApprovalEntry {
  pilot: InboxPilot;
  record: ApprovalRecord;
  /** The approval's own state, for one still in progress (its step, delegations, CC, return). */
  state?: ApprovalState;
}

type Timing = (
  dueAt: string,
  now: number,
  cal: WorkingCalendar,
) => Pick<InboxItem, 'dueAt' | 'overdue' | 'workingDaysLeft' | 'workingDaysOverdue'>;

const isMe = (user: PublicUser, a: Actor | undefined) => a !== undefined && (a.id === user.id || a.onBehalfOf === user.id);

/** Where an approval stands: its status, and the step it waits at. */
function stands(record: ApprovalRecord, state: ApprovalState | undefined): Bilingual {
  const status = state?.status ?? record.status;
  const name = approvalStatusNames[status as keyof typeof approvalStatusNames] ?? approvalStatusNames.pending;
  const step = state?.currentStep?.title;
  return step ? { zh: `${name.zh}：${step.zh}`, en: `${name.en}: ${step.en}` } : name;
}

export function approvalTabs(
  user: PublicUser,
  entries: readonly ApprovalEntry[],
  now: number,
  calendarOf: (s: InboxPilot) => WorkingCalendar,
  timing: Timing,
): Record<InboxTab, InboxItem[]> {
  const tabs: Record<InboxTab, InboxItem[]> = { todo: [], done: [], cc: [], mine: [] };
  for (const { pilot: s, record: r, state } of entries) {
    const p = s.current ?? s.pilot;
    const kindName = approvalKindDisplayNames[r.kind];
    const base = {
      kind: 'approval' as const,
      pilotId: p.id,
      pilotName: `${p.college.name} ${p.major.name} ${p.certificate.name}`,
      college: p.college.id,
      collegeName: p.college.name,
      ref: r.approvalId,
      href: `/pilots/${encodeURIComponent(p.id)}/approvals/${encodeURIComponent(r.approvalId)}`,
      stands: stands(r, state),
    };
    const titled = (zh: string, en: string) => ({
      zh: `${zh}：${kindName.zh} ${r.summary.zh}`,
      en: `${en}: ${kindName.en} ${r.summary.en}`,
    });
    const submittedByMe = isMe(user, r.submittedBy);

    // 待办
    const step = state?.currentStep;
    if (state && step && (state.status === 'pending' || state.status === 'awaitingFiling')) {
      const mine =
        hasRole(user, step.role) &&
        (step.role !== 'collegeLeader' || user.college === state.pilot.collegeId) &&
        (!submittedByMe || step.role === 'academicAffairs'); // Academic Affairs may override with a reason (rule table)
      const delegation = state.delegations
        .filter((d) => d.stepId === step.id && d.delegate.userId === user.id && Date.parse(d.validUntil) >= now)
        .at(-1);
      if (mine || delegation) {
        tabs.todo.push({
          ...base,
          title: titled(
            state.status === 'awaitingFiling' ? '待登记备案' : '待审批',
            state.status === 'awaitingFiling' ? 'Record the filing' : 'Awaiting your approval',
          ),
          ...timing(step.dueAt, now, calendarOf(s)),
          ...(delegation && !mine ? { delegatedBy: delegation.delegator.id } : {}),
        });
      }
    }
    if (state?.status === 'returned' && submittedByMe) {
      tabs.todo.push({
        ...base,
        title: titled('已退回待修改', 'Returned to you for revision'),
        overdue: false,
        stands: { zh: `已退回待修改：${state.returnedBy?.comment ?? ''}`, en: `returned for revision: ${state.returnedBy?.comment ?? ''}` },
      });
    }
    // 已办
    const decisions = state?.decisions ?? r.decisions ?? [];
    const myLast = decisions.filter((d) => d.actor.id === user.id).at(-1);
    if (myLast) tabs.done.push({ ...base, title: titled('我已审批', 'You decided'), overdue: false, at: myLast.at });
    // 抄送我
    const cc = state ? state.cc.map((c) => c.email) : (r.cc ?? []);
    if (cc.some((e) => e.toLowerCase() === user.email.toLowerCase()))
      tabs.cc.push({ ...base, title: titled('抄送我', 'Copied to you'), overdue: false, at: r.submittedAt });
    // 我发起的
    if (submittedByMe) tabs.mine.push({ ...base, title: titled('我发起的', 'You submitted'), overdue: false, at: r.submittedAt });
  }
  const latest = (a: InboxItem, b: InboxItem) => (b.at ?? '').localeCompare(a.at ?? '');
  tabs.done.sort(latest);
  tabs.cc.sort(latest);
  tabs.mine.sort(latest);
  return tabs;
}
