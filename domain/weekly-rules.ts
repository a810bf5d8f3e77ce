/**
 * Catalogue entries for the Art. 5 weekly work report rules, whose code lives in
 * domain/weekly.ts (mayReportWeekly builds its result with the same id) and
 * workflows/pilot/weekly.ts (the timers and the escalation ladder).
 */
import { defineRule } from './rules';

export const weeklyRules = {
  actor: defineRule({
    id: 'art5.weeklyReport.actor',
    article: { article: 5 },
    severity: 'hard',
    title: {
      zh: '工作周报由本试点负责人、本学院 1+X 证书试点工作小组提交，或由教务部代为录入',
      en: "the weekly report is submitted by the pilot's lead or its college's 1+X working group, or entered by Academic Affairs on their behalf",
    },
    enforcedIn: ['domain/weekly.ts#mayReportWeekly', 'workflows/pilot/weekly.ts'],
  }),
  schedule: defineRule({
    id: 'art5.weeklyReport.schedule',
    article: { article: 5 },
    severity: 'hard',
    title: {
      zh: '工作小组每周报送工作周报（默认周五 17:00，遇节假日顺延至下一个工作日），截止前提醒试点负责人',
      en: 'the working group files a weekly report (default Friday 17:00, moved to the next working day over holidays); the lead is reminded before it is due',
    },
    enforcedIn: [
      'domain/weekly.ts#weeklyPeriod',
      'domain/weekly.ts#firstWeeklyPeriod',
      'domain/weekly.ts#followingWeeklyPeriod',
      'workflows/pilot/weekly.ts',
    ],
  }),
  escalation: defineRule({
    id: 'art5.weeklyReport.escalation',
    article: { article: 5 },
    severity: 'hard',
    title: {
      zh: '连续漏报逐级升级：第 1 次提醒试点负责人，第 2 次抄送学院负责人，第 3 次起报教务部并标记试点为已升级；按时报送即清零',
      en: 'consecutive misses escalate: 1st the lead, 2nd also the college leader, 3rd and later also Academic Affairs, and the pilot is marked escalated; an on-time report resets the count',
    },
    enforcedIn: ['domain/weekly.ts#escalationLevel', 'domain/weekly.ts#escalationRecipients', 'workflows/pilot/weekly.ts'],
  }),
} as const;
