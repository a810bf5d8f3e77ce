/** Sample notifications for the template and e-mail tests (fixed instants, no wall clock). */
import type { PilotSummary, WeeklyMissedNotification, WeeklyReminderNotification } from '../../domain/notifications';
import type { Recipient } from '../../domain/weekly';

export const samplePilot: PilotSummary = {
  id: 'P2026-007',
  collegeName: '信息工程学院',
  majorName: '软件技术',
  certificateName: 'Web前端开发',
  level: 'intermediate',
  leadName: '张伟',
};

export const lead: Recipient = { role: 'pilotLead', email: 'zhangwei@college.edu.cn', name: '张伟' };
export const collegeLeader: Recipient = { role: 'collegeLeader', email: 'dean.it@college.edu.cn' };
export const academicAffairs: Recipient = { role: 'academicAffairs', email: 'jwb@college.edu.cn' };

/** 2026-W08: its Friday (2/20) is in the Spring Festival holiday, so it is due Tue 2026-02-24 17:00 Beijing time. */
export function sampleReminder(over: Partial<WeeklyReminderNotification> = {}): WeeklyReminderNotification {
  return {
    kind: 'weeklyReminder',
    workflowId: 'pilot:P2026-007',
    eventKey: 'weekly:2026-W08:reminder',
    occurredAt: '2026-02-23T09:00:00.000Z',
    to: [lead],
    pilot: samplePilot,
    article: { article: 5 },
    periodId: '2026-W08',
    dueAt: '2026-02-24T09:00:00.000Z',
    ...over,
  };
}

/** The level-`level` miss of 2026-W10 (due Fri 2026-03-06 17:00 Beijing time). */
export function sampleMissed(level: 1 | 2 | 3, over: Partial<WeeklyMissedNotification> = {}): WeeklyMissedNotification {
  const to: Recipient[] = [lead, collegeLeader, academicAffairs].slice(0, level);
  return {
    kind: 'weeklyMissed',
    workflowId: 'pilot:P2026-007',
    eventKey: `weekly:2026-W10:missed`,
    occurredAt: '2026-03-06T09:00:00.000Z',
    to,
    pilot: samplePilot,
    article: { article: 5 },
    periodId: '2026-W10',
    dueAt: '2026-03-06T09:00:00.000Z',
    consecutiveMisses: level,
    level,
    ...over,
  };
}
