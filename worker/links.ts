/**
 * Signed one-click links for e-mails: HMAC(ONEX_LINK_SECRET) over the recipient's e-mail,
 * the action, its pilot and subject, and an expiry. The worker signs them when it renders
 * an e-mail; the API verifies them after sign-in and answers which page to open. A link
 * is refused when its signature is wrong (forged or altered), when it has expired, or when
 * the signed-in user is not the recipient.
 *
 * Here in worker/, below client/, so that the worker (which signs) and the API (which
 * verifies) import one implementation.
 */
import { linkPayloadSchema, linkTarget, type LinkAction, type LinkPayload } from '../domain/links';
import { signToken, verifyToken } from './signing';

export const DEFAULT_LINK_TTL_SECONDS = 14 * 24 * 3600;

export interface LinkRequest {
  email: string;
  action: LinkAction;
  pilotId: string;
  ref?: string;
}

export function signLinkToken(secret: string, req: LinkRequest, ttlSeconds = DEFAULT_LINK_TTL_SECONDS, nowMs = Date.now()): string {
  const payload: LinkPayload = linkPayloadSchema.parse({
    v: 1,
    ...req,
    email: req.email.toLowerCase(),
    exp: Math.floor(nowMs / 1000) + ttlSeconds,
  });
  return signToken(secret, 'onex.link.v1', payload);
}

/**
 * A function for the e-mail templates: the full URL of a signed link. With `issuedAt` (the
 * notification's own time) the link expires relative to it, so a retried e-mail activity
 * renders the very same link and the very same mail.
 */
export function linkSigner(
  secret: string,
  adminUrl: string,
  ttlSeconds = DEFAULT_LINK_TTL_SECONDS,
): (req: LinkRequest & { issuedAt?: string }) => string {
  const base = adminUrl.replace(/\/+$/, '');
  return ({ issuedAt, ...req }) => `${base}/l/${signLinkToken(secret, req, ttlSeconds, issuedAt ? Date.parse(issuedAt) : Date.now())}`;
}

export type LinkCheck =
  { ok: true; payload: LinkPayload; target: string } | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'otherUser' };

export function checkLinkToken(secret: string, token: string, userEmail: string, nowMs = Date.now()): LinkCheck {
  const v = verifyToken(secret, 'onex.link.v1', token);
  if (!v.ok) return v;
  const p = linkPayloadSchema.safeParse(v.payload);
  if (!p.success) return { ok: false, reason: 'malformed' };
  if (p.data.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  if (p.data.email !== userEmail.toLowerCase()) return { ok: false, reason: 'otherUser' };
  return { ok: true, payload: p.data, target: linkTarget(p.data) };
}
