/**
 * One-click links in e-mails ("submit this week's report", "approve"): what a link may ask
 * for. The payload is signed and verified by the admin API (worker/links.ts) and by the
 * worker when it renders an e-mail; this module only says what a valid payload is, so the
 * page, the API and the templates agree on it. Pure: no clock, no crypto.
 */
import { z } from 'zod';
import { idSchema } from './pilot';

export const linkActions = ['weeklyReport', 'provincialSubmission', 'approve', 'pilot'] as const;
export type LinkAction = (typeof linkActions)[number];

export const linkActionNames: Record<LinkAction, { zh: string; en: string }> = {
  weeklyReport: { zh: '提交本周工作周报', en: "submit this week's report" },
  provincialSubmission: { zh: '登记省厅材料报送', en: 'record a provincial submission' },
  approve: { zh: '审批', en: 'approve' },
  pilot: { zh: '查看试点', en: 'open the pilot' },
};

/** What a link carries: whom it is for (the recipient's e-mail), the action, its subject, and when it expires. */
export const linkPayloadSchema = z.object({
  v: z.literal(1),
  /** The recipient's e-mail address, lower-cased: the link works only for the user with this address. */
  email: z.email().max(254),
  action: z.enum(linkActions),
  pilotId: idSchema,
  /** The period, request or approval the action is about. */
  ref: z.string().trim().min(1).max(128).optional(),
  /** Expiry, in seconds since the epoch. */
  exp: z.number().int().positive(),
});
export type LinkPayload = z.infer<typeof linkPayloadSchema>;

/** The page path a link's action opens, inside the admin client. */
export function linkTarget(p: Pick<LinkPayload, 'action' | 'pilotId' | 'ref'>): string {
  const base = `/pilots/${encodeURIComponent(p.pilotId)}`;
  switch (p.action) {
    case 'weeklyReport':
      return `${base}?do=weeklyReport${p.ref ? `&ref=${encodeURIComponent(p.ref)}` : ''}`;
    case 'provincialSubmission':
      return `${base}?do=provincialSubmission${p.ref ? `&ref=${encodeURIComponent(p.ref)}` : ''}`;
    case 'approve':
      return `${base}?do=approve${p.ref ? `&ref=${encodeURIComponent(p.ref)}` : ''}`;
    case 'pilot':
      return base;
  }
}
