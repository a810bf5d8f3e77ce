/**
 * The web page's pure parts: the inbox (who sees what, due dates in Chinese working days,
 * overdue marks), the dashboard's visibility query (values quoted, never syntax), and the
 * CSV export (quoting, formula guard, byte-order mark).
 */
import { describe, expect, it } from 'vitest';
import { createChinaCalendar, shanghaiInstant } from '../../domain/calendar';
import { toCsv } from '../../client/web/export';
import { inboxFor } from '../../client/web/inbox';
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

  it("shows a pilot's items to its lead and college staff only; approvals to leaders; inspections to Academic Affairs", () => {
    const s = pilot('p1', 'forestry', {
      approvals: [
        {
          approvalId: 'b1',
          kind: 'budget',
          workflowId: 'pilot:p1:approval:budget:1',
          status: 'pending',
          submittedAt: '2026-10-01T00:00:00Z',
          submittedBy: { id: 'zhang', role: 'pilotLead' },
          subject: {},
          summary: { zh: '预算', en: 'budget' },
        },
      ],
      schedule: [{ date: '2026-10-01', at: '2026-10-01T01:00:00Z', noticeSent: false }],
    });
    const now = Date.parse('2026-10-05T00:00:00Z');
    const kinds = (u: Parameters<typeof inboxFor>[0]) =>
      inboxFor(u, [s], now, cal)
        .map((i) => i.kind)
        .sort();
    expect(kinds(zhang)).toEqual(['weeklyReport']);
    expect(kinds({ ...zhang, id: 'other', email: 'other@college.test' })).toEqual([]);
    expect(kinds({ id: 'li', name: '李', email: 'li@x.test', role: 'collegeStaff', college: 'forestry' })).toEqual(['weeklyReport']);
    expect(kinds({ id: 'li', name: '李', email: 'li@x.test', role: 'collegeStaff', college: 'engineering' })).toEqual([]);
    expect(kinds({ id: 'dean', name: '刘', email: 'd@x.test', role: 'collegeLeader', college: 'forestry' })).toEqual(['approval']);
    expect(kinds({ id: 'jwb', name: '王', email: 'j@x.test', role: 'academicAffairs' })).toEqual(['approval', 'inspection']);
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
      header: ['a', 'b'],
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
