/**
 * One e-mail template per notification kind. Pure: the same notification and links always
 * render the same subject, text and HTML (no wall clock, no environment), so a retried
 * activity sends the very same message.
 *
 * Every mail is Chinese first, then English; it names the pilot, the rule (第五条 / Art. 5),
 * the due date in Beijing time, what to do, and links to the pilot in the admin client.
 */
import { formatShanghai } from '../domain/calendar';
import { citeArticle, type Bilingual } from '../domain/errors';
import type { Notification, PilotNoticeNotification, PilotSummary, WeeklyMissedNotification, WeeklyReminderNotification } from '../domain/notifications';
import type { LinkAction } from '../domain/links';
import { certificateLevelNames } from '../domain/pilot';
import type { Recipient, RecipientRole } from '../domain/weekly';
import { roundLetter } from './round-templates';
import { approvalLetter, rectificationLetter } from './approval-templates';

export interface TemplateLinks {
  /** Base URL of the admin client, e.g. `http://127.0.0.1:3000`. */
  adminUrl: string;
  /**
   * Signs a one-click link for one recipient (issue 6: bound to the user and the action,
   * expiring relative to `issuedAt`). Without it mails link to the pilot's page.
   */
  signLink?: (req: { email: string; action: LinkAction; pilotId: string; ref?: string; issuedAt: string }) => string;
}

/** The lead's one-click link to report for the week, when the mail goes to the lead alone. */
function weeklyReportLink(n: WeeklyReminderNotification | WeeklyMissedNotification, links: TemplateLinks): string {
  const only = n.to.length === 1 ? n.to[0] : undefined;
  if (!links.signLink || only?.role !== 'pilotLead') return pilotLink(links, n.pilot.id);
  return links.signLink({ email: only.email, action: 'weeklyReport', pilotId: n.pilot.id, ref: n.periodId, issuedAt: n.occurredAt });
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** A paragraph is a run of text pieces and links; text and HTML are rendered from it. */
export type Piece = string | { href: string };
export type Paragraph = Piece[];

export interface Letter {
  subject: Bilingual;
  zh: Paragraph[];
  en: Paragraph[];
}

export const MEASURES: Bilingual = {
  zh: '《1+X 证书制度试点工作管理办法（试行）》',
  en: 'the 1+X certificate pilot management measures (trial)',
};

const FOOTER: Bilingual = {
  zh: '本邮件由 onex 系统自动发送，请勿直接回复。',
  en: 'Sent automatically by onex; please do not reply to this message.',
};

const roleNames: Record<RecipientRole, Bilingual> = {
  pilotLead: { zh: '试点负责人', en: 'pilot lead' },
  collegeLeader: { zh: '二级学院负责人', en: 'college leader' },
  academicAffairs: { zh: '教务部', en: 'Academic Affairs' },
  schoolLeader: { zh: '主管校领导', en: 'school leader' },
  collegeStaff: { zh: '二级学院工作小组', en: 'college working group' },
  delegate: { zh: '受托审批人', en: 'delegate' },
  cc: { zh: '抄送', en: 'copied' },
};

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
export function pilotLink(links: TemplateLinks, pilotId: string): string {
  return `${links.adminUrl.replace(/\/+$/, '')}/pilots/${encodeURIComponent(pilotId)}`;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** 1 → 1st, 2 → 2nd, 3 → 3rd, 11 → 11th, 22 → 22nd. */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** `信息工程学院 软件技术 Web前端开发（中级）` / `… Web前端开发 (intermediate level[, extra])`. */
export function pilotName(p: PilotSummary, enExtra?: string): Bilingual {
  const level = certificateLevelNames[p.level];
  const bare = `${p.collegeName} ${p.majorName} ${p.certificateName}`;
  return { zh: `${bare}（${level.zh}）`, en: `${bare} (${level.en} level${enExtra ? `, ${enExtra}` : ''})` };
}

/** `2026-02-24 17:00` in Beijing time (the first 16 characters of formatShanghai); `—` for none. */
export function beijingMinute(iso: string | null): string {
  return iso === null ? '—' : formatShanghai(new Date(iso)).slice(0, 16);
}

export function addressees(to: Recipient[]): Bilingual {
  const one = (r: Recipient, lang: keyof Bilingual): string => (r.name ? `${roleNames[r.role][lang]} ${r.name}` : roleNames[r.role][lang]);
  return { zh: `致：${to.map((r) => one(r, 'zh')).join('、')}`, en: `To: ${to.map((r) => one(r, 'en')).join(', ')}` };
}

/** The facts every weekly mail states: the pilot, its week, the due instant and the article. */
function weeklyFacts(n: WeeklyReminderNotification | WeeklyMissedNotification) {
  const cite = citeArticle(n.article);
  const name = pilotName(n.pilot);
  const due = beijingMinute(n.dueAt);
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
    n.level === 3 ? { zh: '【1+X试点已升级督办】', en: 'Pilot escalated to Academic Affairs' } : { zh: '【1+X试点周报逾期】', en: 'Weekly report missed' };
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
  const due = n.dueAt ? beijingMinute(n.dueAt) : undefined;
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

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function paragraphText(p: Paragraph): string {
  return p.map((piece) => (typeof piece === 'string' ? piece : piece.href)).join('');
}

function paragraphHtml(p: Paragraph): string {
  const inner = p
    .map((piece) => (typeof piece === 'string' ? escapeHtml(piece) : `<a href="${escapeHtml(piece.href)}">${escapeHtml(piece.href)}</a>`))
    .join('');
  return `<p>${inner}</p>`;
}

export function compose(letter: Letter): RenderedEmail {
  const subject = `${letter.subject.zh} / ${letter.subject.en}`;
  const text = [...letter.zh.map(paragraphText), '——', ...letter.en.map(paragraphText), '——', `${FOOTER.zh} / ${FOOTER.en}`].join('\n\n') + '\n';
  const html = [
    '<!DOCTYPE html>',
    `<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: -apple-system, \'PingFang SC\', \'Microsoft YaHei\', sans-serif; line-height: 1.6; color: #222;">',
    `<div lang="zh-CN">${letter.zh.map(paragraphHtml).join('')}</div>`,
    '<hr>',
    `<div lang="en">${letter.en.map(paragraphHtml).join('')}</div>`,
    `<p style="color: #777; font-size: 12px;">${escapeHtml(FOOTER.zh)}<br><span lang="en">${escapeHtml(FOOTER.en)}</span></p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
