/**
 * The parts every letter shares: the paragraph model, the footer, the addressee line, the
 * pilot's name and link, Beijing-minute dates, and compose() that renders a letter into the
 * text and HTML of one e-mail. Pure, like the templates that use it (templates.ts,
 * round-templates.ts, approval-templates.ts); the mail sink's pages use its escaping too.
 */
import type { Bilingual } from '../domain/errors';
import type { PilotSummary } from '../domain/notifications';
import type { LinkAction } from '../domain/links';
import { certificateLevelNames } from '../domain/pilot';
import type { Recipient, RecipientRole } from '../domain/weekly';

export interface TemplateLinks {
  /** Base URL of the admin client, e.g. `http://127.0.0.1:3000`. */
  adminUrl: string;
  /**
   * Signs a one-click link for one recipient (issue 6: bound to the user and the action,
   * expiring relative to `issuedAt`). Without it mails link to the pilot's page.
   */
  signLink?: (req: { email: string; action: LinkAction; pilotId: string; ref?: string; issuedAt: string }) => string;
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

export function addressees(to: Recipient[]): Bilingual {
  const one = (r: Recipient, lang: keyof Bilingual): string => (r.name ? `${roleNames[r.role][lang]} ${r.name}` : roleNames[r.role][lang]);
  return { zh: `致：${to.map((r) => one(r, 'zh')).join('、')}`, en: `To: ${to.map((r) => one(r, 'en')).join(', ')}` };
}

/** The facts every weekly mail states: the pilot, its week, the due instant and the article. */
export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function paragraphText(p: Paragraph): string {
  return p.map((piece) => (typeof piece === 'string' ? piece : piece.href)).join('');
}

const BUTTON =
  'display:inline-block;padding:12px 28px;margin:4px 0;background:#1f6feb;color:#ffffff;text-decoration:none;border-radius:6px;font-size:16px;font-weight:bold;';

/**
 * A paragraph in HTML. Its link is a button (立即处理 / Open), not a 250-character address: the
 * address itself follows in small grey type that wraps on a phone, for copying.
 */
function paragraphHtml(p: Paragraph, lang: keyof Bilingual): string {
  const links = p.filter((piece): piece is { href: string } => typeof piece !== 'string');
  const text = p
    .filter((piece): piece is string => typeof piece === 'string')
    .map(escapeHtml)
    .join('');
  if (links.length === 0) return `<p>${text}</p>`;
  const label = lang === 'zh' ? '立即处理' : 'Open in onex';
  const hint =
    lang === 'zh'
      ? '如页面要求登录，请用本人账号登录：为保护试点信息，链接只对收件人本人有效，登录后将直接打开该事项。'
      : 'If asked to sign in, use your own account: the link works only for you, to protect the pilot’s records, and opens the item once you are signed in.';
  return [
    `<p>${text}</p>`,
    ...links.map(
      (l) =>
        `<p><a href="${escapeHtml(l.href)}" style="${BUTTON}">${label}</a></p>` +
        `<p style="color:#777;font-size:12px;word-break:break-all;">${escapeHtml(hint)}<br><a href="${escapeHtml(l.href)}" style="color:#777;">${escapeHtml(l.href)}</a></p>`,
    ),
  ].join('');
}

/**
 * One e-mail from a letter: plain text, and HTML that reads on a phone (a single column at
 * most 600 px wide, the action as a button, long addresses wrapping), Chinese first.
 */
export function compose(letter: Letter): RenderedEmail {
  const subject = `${letter.subject.zh} / ${letter.subject.en}`;
  const text =
    [...letter.zh.map(paragraphText), '——', ...letter.en.map(paragraphText), '——', `${FOOTER.zh} / ${FOOTER.en}`].join('\n\n') + '\n';
  const html = [
    '<!DOCTYPE html>',
    `<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>`,
    "<body style=\"margin:0;padding:0;background:#f5f6f8;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;line-height:1.6;color:#222;\">",
    '<div style="max-width:600px;margin:0 auto;padding:16px;background:#ffffff;box-sizing:border-box;word-wrap:break-word;overflow-wrap:break-word;">',
    `<div lang="zh-CN">${letter.zh.map((p) => paragraphHtml(p, 'zh')).join('')}</div>`,
    '<hr style="border:none;border-top:1px solid #ddd;">',
    `<div lang="en">${letter.en.map((p) => paragraphHtml(p, 'en')).join('')}</div>`,
    `<p style="color:#777;font-size:12px;">${escapeHtml(FOOTER.zh)}<br><span lang="en">${escapeHtml(FOOTER.en)}</span></p>`,
    '</div></body></html>',
  ].join('\n');
  return { subject, text, html };
}
