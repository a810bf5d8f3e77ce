/**
 * One e-mail template per notification kind. Pure: the same notification and links always
 * render the same subject, text and HTML (no wall clock, no environment), so a retried
 * activity sends the very same message.
 *
 * Every mail is Chinese first, then English; it names the pilot, the rule (第五条 / Art. 5),
 * the due date in Beijing time, what to do, and links to the pilot in the admin client.
 */
import { hasRole } from '../domain/actor';
import { formatShanghaiMinute } from '../domain/calendar';
import { citeArticle, type Bilingual } from '../domain/errors';
import type { Notification, PilotNoticeNotification, WeeklyMissedNotification, WeeklyReminderNotification } from '../domain/notifications';
import {
  MEASURES,
  addressees,
  capitalise,
  compose,
  ordinal,
  pilotLink,
  pilotName,
  type Letter,
  type RenderedEmail,
  type TemplateLinks,
} from './letter';
import { roundLetter } from './round-templates';
import { approvalLetter, rectificationLetter } from './approval-templates';

/** The lead's one-click link to report for the week, when the mail goes to the lead alone. */
function weeklyReportLink(n: WeeklyReminderNotification | WeeklyMissedNotification, links: TemplateLinks): string {
  const only = n.to.length === 1 ? n.to[0] : undefined;
  if (!links.signLink || !only || !hasRole(only, 'pilotLead')) return pilotLink(links, n.pilot.id);
  return links.signLink({ email: only.email, action: 'weeklyReport', pilotId: n.pilot.id, ref: n.periodId, issuedAt: n.occurredAt });
}

/** Renders a notification into its e-mail. Adding a notification kind fails to compile until it has a template. */
export function render(n: Notification, links: TemplateLinks): RenderedEmail {
  switch (n.kind) {
    case 'weeklyReminder':
      return compose(weeklyReminder(n, weeklyReportLink(n, links)));
    case 'weeklyMissed':
      return compose(weeklyMissed(n, weeklyReportLink(n, links)));
    case 'pilotNotice':
      return compose(pilotNotice(n, pilotLink(links, n.pilot.id)));
    case 'roundOpened':
    case 'stepReminder':
    case 'stepOverdue':
    case 'returnedForRevision':
    case 'provincialResult':
    case 'publicNoticeStarted':
      return compose(roundLetter(n, links));
    case 'approvalStepRequested':
    case 'approvalStepReminder':
    case 'approvalStepOverdue':
    case 'approvalReturned':
    case 'approvalDecided':
    case 'approvalConcluded':
    case 'approvalDelegated':
      return compose(approvalLetter(n, links));
    case 'rectificationOpened':
    case 'rectificationReminder':
    case 'rectificationOverdue':
    case 'rectificationClosed':
      return compose(rectificationLetter(n, links));
    default:
      return unknownKind(n);
  }
}

function unknownKind(n: never): never {
  throw new TypeError(`no e-mail template for notification kind ${JSON.stringify((n as { kind?: unknown }).kind)}`);
}

/** `${adminUrl}/pilots/${encodeURIComponent(pilotId)}`, without a doubled slash. */
function weeklyFacts(n: WeeklyReminderNotification | WeeklyMissedNotification) {
  const cite = citeArticle(n.article);
  const name = pilotName(n.pilot);
  const due = formatShanghaiMinute(n.dueAt);
  return {
    cite,
    name,
    due,
    pilotZh: `“${name.zh}”试点（编号 ${n.pilot.id}）${n.periodId} 的工作周报`,
    pilotEn: `the weekly work report for week ${n.periodId} of the pilot ${pilotName(n.pilot, `id ${n.pilot.id}`).en}`,
    ruleZh: `根据${MEASURES.zh}${cite.zh}，试点工作小组须按周报送工作周报。`,
    ruleEn: `Under ${cite.en} of ${MEASURES.en}, the working group files a weekly work report.`,
  };
}

function weeklyReminder(n: WeeklyReminderNotification, link: string): Letter {
  const f = weeklyFacts(n);
  const to = addressees(n.to);
  return {
    subject: {
      zh: `【1+X试点周报提醒】${f.name.zh}（${n.periodId}）截止 ${f.due}`,
      en: `Weekly report reminder: ${f.name.en}, ${n.periodId}, due ${f.due} Beijing time`,
    },
    zh: [
      [to.zh],
      [`${f.pilotZh}将于 ${f.due}（北京时间）截止。${f.ruleZh}`],
      ['请在截止前登录管理端提交本周工作周报：', { href: link }],
      ['如已提交，请忽略本提醒。'],
    ],
    en: [
      [to.en],
      [
        `${capitalise(f.pilotEn)} is due ${f.due} Beijing time. ${f.ruleEn} Please submit it in the admin client before the deadline: `,
        { href: link },
      ],
      ['If you have already submitted it, please ignore this reminder.'],
    ],
  };
}

function weeklyMissed(n: WeeklyMissedNotification, link: string): Letter {
  const f = weeklyFacts(n);
  const to = addressees(n.to);
  const count = n.consecutiveMisses;
  const tag: Bilingual =
    n.level === 3
      ? { zh: '【1+X试点已升级督办】', en: 'Pilot escalated to Academic Affairs' }
      : { zh: '【1+X试点周报逾期】', en: 'Weekly report missed' };
  const consequence: Record<WeeklyMissedNotification['level'], Bilingual> = {
    1: {
      zh: '如继续未报送，将依次通报二级学院负责人和教务部。',
      en: 'Further missed reports are reported to the college leader and then to Academic Affairs.',
    },
    2: {
      zh: '本邮件同时发送给二级学院负责人；如继续未报送，将升级至教务部督办。',
      en: 'The college leader receives this e-mail as well; a further missed report escalates the pilot to Academic Affairs.',
    },
    3: {
      zh: '该试点已升级督办：本邮件同时发送给二级学院负责人和教务部，试点将保持督办状态，直至下一次按时报送工作周报。',
      en: 'The pilot is now escalated: the college leader and Academic Affairs receive this e-mail as well, and the pilot stays escalated until its next on-time weekly report.',
    },
  };
  return {
    subject: {
      zh: `${tag.zh}${f.name.zh}（${n.periodId}）截止 ${f.due}，连续第${count}次未报送`,
      en: `${tag.en}: ${f.name.en}, ${n.periodId}, was due ${f.due} Beijing time (${ordinal(count)} consecutive miss)`,
    },
    zh: [
      [to.zh],
      [`${f.pilotZh}已于 ${f.due}（北京时间）截止，系统未收到报送，这是连续第${count}次未按时报送。${f.ruleZh}`],
      [consequence[n.level].zh],
      ['请尽快登录管理端补报，并按时报送此后各周的工作周报：', { href: link }],
    ],
    en: [
      [to.en],
      [
        `${capitalise(f.pilotEn)} was due ${f.due} Beijing time and has not been received: this is the ${ordinal(count)} consecutive missed report. ` +
          `${f.ruleEn} ${consequence[n.level].en} Please file the overdue report in the admin client as soon as possible: `,
        { href: link },
      ],
    ],
  };
}

/** Lifecycle notices: the workflow wrote the facts (domain/pilot-notices.ts); frame them. */
function pilotNotice(n: PilotNoticeNotification, link: string): Letter {
  const to = addressees(n.to);
  const cite = citeArticle(n.article);
  const name = pilotName(n.pilot, `id ${n.pilot.id}`);
  const due = n.dueAt ? formatShanghaiMinute(n.dueAt) : undefined;
  const dueLine: Bilingual | undefined = due ? { zh: `截止时间：${due}（北京时间）。`, en: `Due: ${due} Beijing time.` } : undefined;
  const action = n.action ?? { zh: '详情请登录管理端查看：', en: 'Details in the admin client: ' };
  return {
    subject: { zh: `${n.subject.zh} — ${pilotName(n.pilot).zh}`, en: `${n.subject.en}: ${name.en}` },
    zh: [
      [to.zh],
      [`“${pilotName(n.pilot).zh}”试点（编号 ${n.pilot.id}）。依据${MEASURES.zh}${cite.zh}。`],
      ...n.paragraphs.map((p) => [p.zh]),
      ...(dueLine ? [[dueLine.zh]] : []),
      [action.zh, { href: link }],
    ],
    en: [
      [to.en],
      [`Pilot ${name.en}, under ${cite.en} of ${MEASURES.en}.`],
      ...n.paragraphs.map((p) => [p.en]),
      ...(dueLine ? [[dueLine.en]] : []),
      [action.en.endsWith(' ') ? action.en : `${action.en} `, { href: link }],
    ],
  };
}
