/**
 * A pilot's timeline: its audit trail, or — for a pilot whose workflow keeps none — its
 * weekly reports and e-mails in order. Pure; used by the page and by the exports.
 */
import type { PilotView } from './view';

export type TimelineEntry = NonNullable<PilotView['audit']>[number];

export function timelineOf(s: PilotView): TimelineEntry[] {
  if (s.audit) return s.audit;
  const entries: TimelineEntry[] = [];
  for (const p of s.periods) {
    if (p.submittedAt)
      entries.push({
        seq: 0,
        at: p.submittedAt,
        action: 'weeklyReport.submit',
        actor: p.by,
        summary: {
          zh: `提交 ${p.id} 工作周报（${p.outcome === 'late' ? '迟交' : '按时'}）`,
          en: `weekly report for ${p.id} submitted (${p.outcome === 'late' ? 'late' : 'on time'})`,
        },
      });
    else if (p.outcome === 'missed')
      entries.push({
        seq: 0,
        at: p.dueAt,
        action: 'weeklyReport.missed',
        summary: { zh: `${p.id} 工作周报未按时提交`, en: `weekly report for ${p.id} missed` },
      });
  }
  for (const e of s.emails)
    entries.push({
      seq: 0,
      at: e.at,
      action: `email.${e.kind}`,
      summary: {
        zh: `发送邮件（${e.kind}）→ ${e.to.map((t) => t.email).join('、')}`,
        en: `e-mail (${e.kind}) to ${e.to.map((t) => t.email).join(', ')}`,
      },
    });
  return entries.sort((a, b) => a.at.localeCompare(b.at)).map((e, i) => ({ ...e, seq: i + 1 }));
}
