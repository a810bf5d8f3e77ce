/**
 * The web page's pure parts: the inbox (who sees what, due dates in Chinese working days,
 * overdue marks), the dashboard's visibility query (values quoted, never syntax), and the
 * CSV export (quoting, formula guard, byte-order mark).
 */
import { describe, expect, it } from 'vitest';
import { createChinaCalendar, shanghaiInstant } from '../../domain/calendar';
import { toCsv } from '../../client/web/export';
import type { PublicUser } from '../../client/auth/users';
import type { ApprovalEntry } from '../../client/web/approval-inbox';
import { inboxFor, inboxTabsFor } from '../../client/web/inbox';
import type { InboxTab } from '../../client/web/view';
import type { ApprovalState } from '../../workflows/approval-types';
import type { ApprovalRecord } from '../../workflows/pilot-state';
import { dashboardFilterSchema, pilotListQuery } from '../../client/visibility';
import type { InboxPilot } from '../../client/web/view';

const cal = createChinaCalendar();
function pilot(id: string, college: string, over: Partial<InboxPilot> = {}): InboxPilot {
  const record = {
    id,
    college: { id: college, name: '林业学院' },
    major: { name: '园林技术' },
    certificate: { name: '花卉园艺', evaluationOrg: '某评价组织', level: 'intermediate' as const },
    lead: { name: '张老师', email: 'lead@college.test', userId: 'zhang' },
    startDate: '2026-09-01',
    endDate: '2028-07-31',
  } as InboxPilot['pilot'];
  const dueAt = shanghaiInstant('2026-10-09', '17:00').toISOString();
  return {
    status: 'running',
    pilot: record,
    current: record,
    periods: [
      { id: '2026-W40', dueAt, remindAt: dueAt, outcome: 'pending', shifted: false, reminded: false } as InboxPilot['periods'][number],
    ],
    provincial: [],
    rectifications: [],
    approvals: [],
    schedule: [],
    consecutiveMisses: 0,
    escalated: false,
    ...over,
  };
}

describe('我的待办 / the inbox', () => {
  const zhang = { id: 'zhang', name: '张', email: 'lead@college.test', role: 'pilotLead' as const, college: 'forestry' };

  it('counts working days across the National Day holiday, and marks what is overdue', () => {
    // 2026-09-30 (Wed) → due Fri 2026-10-09: 1–7 Oct are holidays, Sat 10 Oct is a make-up workday.
    const before = inboxFor(zhang, [pilot('p1', 'forestry')], shanghaiInstant('2026-09-30', '10:00').getTime(), cal);
    expect(before).toMatchObject([{ kind: 'weeklyReport', ref: '2026-W40', overdue: false }]);
    expect(before[0]!.workingDaysLeft).toBe(cal.countWorkingDays('2026-10-01', '2026-10-09'));
    expect(before[0]!.workingDaysLeft).toBeLessThan(7);
    const after = inboxFor(zhang, [pilot('p1', 'forestry')], shanghaiInstant('2026-10-13', '10:00').getTime(), cal);
    expect(after[0]).toMatchObject({ overdue: true, workingDaysOverdue: 3 }); // Sat 10 Oct (调休 make-up workday), Mon 12 and today, Tue 13
  });

  it("shows a pilot's items to its lead and college staff only; inspections to Academic Affairs", () => {
    const s = pilot('p1', 'forestry', { schedule: [{ date: '2026-10-01', at: '2026-10-01T01:00:00Z', noticeSent: false }] });
    const now = Date.parse('2026-10-05T00:00:00Z');
    const kinds = (u: Parameters<typeof inboxFor>[0]) =>
      inboxFor(u, [s], now, cal)
        .map((i) => i.kind)
        .sort();
    expect(kinds(zhang)).toEqual(['weeklyReport']);
    expect(kinds({ ...zhang, id: 'other', email: 'other@college.test' })).toEqual([]);
    expect(kinds({ id: 'li', name: '李', email: 'li@x.test', role: 'collegeStaff', college: 'forestry' })).toEqual(['weeklyReport']);
    expect(kinds({ id: 'li', name: '李', email: 'li@x.test', role: 'collegeStaff', college: 'engineering' })).toEqual([]);
    expect(kinds({ id: 'jwb', name: '王', email: 'j@x.test', role: 'academicAffairs' })).toEqual(['inspection']);
  });
});

describe('我的待办: approvals in four tabs (issue 12, observation 3)', () => {
  const now = shanghaiInstant('2026-10-12', '10:00').getTime();
  const dueAt = shanghaiInstant('2026-10-16', '17:00').toISOString();
  const s = pilot('p1', 'forestry');
  const record = (id: string, status: ApprovalRecord['status'], submittedBy: ApprovalRecord['submittedBy']): ApprovalRecord => ({
    approvalId: id,
    kind: 'budget',
    workflowId: `pilot:p1/budget/${id}`,
    status,
    submittedAt: '2026-10-09T02:00:00Z',
    submittedBy,
    subject: {},
    summary: { zh: `预算 ${id}`, en: `budget ${id}` },
  });
  const state = (id: string, over: Partial<ApprovalState>): ApprovalState =>
    ({
      approvalId: id,
      kind: 'budget',
      workflowId: `pilot:p1/budget/${id}`,
      parentWorkflowId: 'pilot:p1',
      pilot: { id: 'p1', collegeId: 'forestry' },
      title: { zh: id, en: id },
      subject: {},
      submittedBy: { id: 'dean', role: 'collegeLeader', college: 'forestry' },
      submittedAt: '2026-10-09T02:00:00Z',
      round: 1,
      status: 'pending',
      decisions: [],
      delegations: [],
      cc: [],
      timeline: [],
      emails: [],
      rulesVersion: '2026.1',
      ...over,
    }) as ApprovalState;
  const step = (id: 'college' | 'academicAffairs' | 'schoolLeader', role: ApprovalState['submittedBy']['role']) => ({
    id,
    role,
    title: { zh: `${id} 审核`, en: `${id} review` },
    openedAt: '2026-10-09T02:00:00Z',
    dueDate: '2026-10-16',
    dueAt,
    remindAt: dueAt,
    reminded: false,
    escalated: false,
  });
  const dean = { id: 'dean', name: '刘', email: 'dean@college.test', role: 'collegeLeader' as const, college: 'forestry' };
  const jwb = { id: 'jwb', name: '王', email: 'jwb@college.test', role: 'academicAffairs' as const };
  const vp = { id: 'vp', name: '黄', email: 'vp@college.test', role: 'schoolLeader' as const };
  const sec = { id: 'sec', name: '周', email: 'sec@college.test', role: 'collegeStaff' as const, college: 'forestry' };
  const du = { id: 'du', name: '督', email: 'du@college.test', role: 'supervisor' as const };
  const deanActor = { id: 'dean', role: 'collegeLeader' as const, college: 'forestry' };
  const entries: ApprovalEntry[] = [
    // At Academic Affairs, decided by the college step's delegate; finance copied.
    {
      pilot: s,
      record: record('a1', 'pending', deanActor),
      state: state('a1', {
        currentStep: step('academicAffairs', 'academicAffairs'),
        decisions: [
          {
            round: 1,
            stepId: 'college',
            stepTitle: { zh: '学院', en: 'college' },
            outcome: 'approve',
            actor: { ...sec, onBehalfOf: 'dean' },
            at: '2026-10-10T01:00:00Z',
          },
        ],
        cc: [{ email: 'vp@college.test', addedBy: 'dean', at: '2026-10-09T02:00:00Z' }],
      }),
    },
    // Returned to its submitter, the college leader.
    {
      pilot: s,
      record: record('a2', 'pending', deanActor),
      state: state('a2', { status: 'returned', returnedBy: { stepId: 'academicAffairs', comment: '请按元填写' } }),
    },
    // At the college step, delegated to the secretary until tomorrow; submitted by the lead.
    {
      pilot: s,
      record: record('a3', 'pending', { id: 'zhang', role: 'pilotLead' }),
      state: state('a3', {
        submittedBy: { id: 'zhang', role: 'pilotLead' },
        currentStep: step('college', 'collegeLeader'),
        delegations: [
          {
            stepId: 'college',
            delegator: deanActor,
            delegate: { userId: 'sec', email: 'sec@college.test' },
            validFrom: '2026-10-09T00:00:00Z',
            validUntil: '2026-10-13T00:00:00Z',
          },
        ],
      }),
    },
    // Concluded: read from the pilot's record.
    {
      pilot: s,
      record: {
        ...record('a4', 'approved', deanActor),
        decisions: [{ stepId: 'schoolLeader', outcome: 'approve', actor: { id: 'vp', role: 'schoolLeader' }, at: '2026-10-01T00:00:00Z' }],
      },
    },
  ];
  const tab = (u: PublicUser, t: InboxTab) => inboxTabsFor(u, [], entries, now, () => cal).tabs[t].map((i) => i.ref);

  it('待办 holds only what waits on me now, with its due date in working days', () => {
    expect(tab(jwb, 'todo')).toEqual(['a1']);
    expect(tab(vp, 'todo')).toEqual([]); // not at the school leader's step
    expect(tab(dean, 'todo')).toEqual(['a3', 'a2']); // his college step of the lead's item; his own returned item (no due date)
    expect(tab(sec, 'todo')).toEqual(['a3']); // delegated to her while valid
    expect(inboxTabsFor(sec, [], entries, Date.parse('2026-10-14T00:00:00Z'), () => cal).tabs.todo).toEqual([]); // delegation expired
    const item = inboxTabsFor(jwb, [], entries, now, () => cal).tabs.todo[0]!;
    expect(item).toMatchObject({ dueAt, overdue: false, workingDaysLeft: 4 });
    const returned = inboxTabsFor(dean, [], entries, now, () => cal).tabs.todo.find((i) => i.ref === 'a2')!;
    expect(returned.title.zh).toContain('已退回待修改');
    expect(tab(du, 'todo')).toEqual([]); // the supervisor acts on nothing
  });

  it('已办, 抄送我 and 我发起的 with counts', () => {
    expect(tab(sec, 'done')).toEqual(['a1']);
    expect(tab(vp, 'done')).toEqual(['a4']);
    expect(tab(vp, 'cc')).toEqual(['a1']);
    expect(tab(dean, 'mine').sort()).toEqual(['a1', 'a2', 'a4']);
    expect(inboxTabsFor(dean, [], entries, now, () => cal).counts).toEqual({ todo: 2, done: 0, cc: 0, mine: 3 });
    const mine = inboxTabsFor(dean, [], entries, now, () => cal).tabs.mine.find((i) => i.ref === 'a1')!;
    expect(mine.stands!.zh).toContain('academicAffairs 审核');
  });
});

describe("the dashboard query (the pilot list's)", () => {
  it('quotes every value; anything but a plain id or stage is refused before a query is built', () => {
    const f = dashboardFilterSchema.parse({ college: 'forestry', escalated: 'true', overdue: 'false', cancellationRisk: 'true' });
    expect(pilotListQuery(f)).toBe(
      'OnexKind = "pilot" AND ExecutionStatus != "ContinuedAsNew" AND OnexCollege = "forestry" AND OnexEscalated = true AND OnexOverdue = false AND OnexCancellationRisk = true',
    );
    for (const bad of [{ college: 'a" OR OnexKind = "x' }, { stage: 'x" OR 1=1' }, { escalated: 'yes' }, { overdue: 'true OR true' }]) {
      expect(dashboardFilterSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('CSV export', () => {
  it('quotes commas, quotes and newlines, guards formulas, and starts with a BOM', () => {
    const csv = toCsv({
      name: { zh: '表', en: 'T' },
      columns: [
        { header: 'a', kind: 'text' },
        { header: 'b', kind: 'text' },
      ],
      rows: [
        ['x,y', 'say "hi"'],
        ['=SUM(A1)', '多行\n文本'],
      ],
    });
    expect(csv).toBe('\uFEFFa,b\r\n"x,y","say ""hi"""\r\n\'=SUM(A1),"多行\n文本"\r\n');
  });
});

describe("the inbox counts by the pilot's pinned calendar", () => {
  it('uses the schedule the pilot pinned, not the bundled one', () => {
    const zhang = { id: 'zhang', name: '张', email: 'lead@college.test', role: 'pilotLead' as const, college: 'forestry' };
    const now = shanghaiInstant('2026-09-30', '10:00').getTime();
    // A pinned schedule with no holidays in 2026: 1–9 Oct count Mon–Fri (7 working days), not the bundled National Day week.
    const pinned = Object.assign(pilot('p1', 'forestry'), { calendar: { holidays: {}, workdays: {}, coveredYears: [2026] } });
    expect(inboxFor(zhang, [pinned], now)[0]!.workingDaysLeft).toBe(7);
    const bundled = inboxFor(zhang, [pilot('p1', 'forestry')], now)[0]!.workingDaysLeft;
    expect(bundled).toBe(cal.countWorkingDays('2026-10-01', '2026-10-09'));
    expect(bundled).toBeLessThan(7);
  });
});
