/**
 * What the round shows (Art. 9): per college, how far its applications have come, and what
 * the round is waiting on at each stage — the internal round, the consolidated submission
 * (Art. 9(2)), the province's review and the public notice (Art. 9(3)), closure (Art. 9(4)).
 * Pure functions of the round's state, read by its query.
 */
import { formatShanghai } from '../../domain/calendar';
import type { Bilingual } from '../../domain/errors';
import { inProgressStatuses, type ApplicationStatus } from '../../domain/round';
import type { ApplicationProgress, CollegeOverview, RoundCounts, RoundState } from '../round-types';

/** The statuses of an application the round has submitted to the province (and what followed). */
export const SUBMITTED: readonly ApplicationStatus[] = ['submitted', 'provinciallyApproved', 'provinciallyRejected', 'pilotStarted'];

export function emptyCounts(): RoundCounts {
  return { drafted: 0, signed: 0, reviewed: 0, returned: 0, submitted: 0, approved: 0, withdrawn: 0, rejected: 0 };
}

export function addCounts(a: RoundCounts, b: RoundCounts): RoundCounts {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v + b[k as keyof RoundCounts]])) as unknown as RoundCounts;
}

/** Per college: how many applications were drafted, signed, reviewed, returned, submitted, approved. */
export function overview(colleges: readonly { id: string; name: string }[], apps: readonly ApplicationProgress[]): CollegeOverview[] {
  return colleges.map((c) => {
    const mine = apps.filter((p) => p.collegeId === c.id);
    const counts = emptyCounts();
    for (const p of mine) {
      if (p.status === 'withdrawn') {
        counts.withdrawn++;
        continue;
      }
      counts.drafted++;
      if (p.signed) counts.signed++;
      if (p.reviewed) counts.reviewed++;
      if (p.returned && inProgressStatuses.includes(p.status)) counts.returned++;
      if (SUBMITTED.includes(p.status)) counts.submitted++;
      if (p.status === 'provinciallyApproved' || p.status === 'pilotStarted') counts.approved++;
      if (p.status === 'rejected' || p.status === 'provinciallyRejected') counts.rejected++;
    }
    return { collegeId: c.id, name: c.name, counts, applications: mine };
  });
}

/** What the round waits on now, in both languages. */
export function waitingOn(s: RoundState, confirmedYet: boolean): Bilingual {
  switch (s.stage) {
    case 'open':
      return {
        zh: `校内申报中，截止 ${formatShanghai(Date.parse(s.internalDeadlineAt))}`,
        en: `open for applications until ${formatShanghai(Date.parse(s.internalDeadlineAt))}`,
      };
    case 'consolidation':
      return confirmedYet
        ? { zh: '已确认报送名单', en: 'the list is confirmed' }
        : {
            zh: `等待教务部确认报送名单（截止 ${formatShanghai(Date.parse(s.confirmation.dueAt))}）`,
            en: `waiting for Academic Affairs to confirm the list (due ${formatShanghai(Date.parse(s.confirmation.dueAt))})`,
          };
    case 'provincialReview':
      return { zh: '等待录入省教育厅评审结果和公示期', en: "waiting for the province's results and the public notice" };
    case 'publicNotice':
      return s.publicNotice
        ? {
            zh: `公示中：${s.publicNotice.start} 至 ${s.publicNotice.end}（${s.publicNotice.workingDays} 个工作日），期满后启动试点`,
            en: `public notice ${s.publicNotice.start} to ${s.publicNotice.end} (${s.publicNotice.workingDays} working days); pilots start when it ends`,
          }
        : { zh: '公示中', en: 'public notice' };
    case 'closed':
      return { zh: '本轮申报已结束', en: 'the round is closed' };
  }
}
