/**
 * Sessions for the web page: a signed, expiring cookie (HttpOnly, SameSite=Lax, Secure
 * when served over HTTPS) naming the user, a random session id and a fingerprint of the
 * user's password hash — changing the password ends every session. The CSRF token is
 * HMAC(secret, session id): the page reads it from /api/session and sends it in the
 * `x-csrf-token` header on every change; a cross-site form can neither read nor send it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hmac, safeEqual, signToken, verifyToken } from '../../worker/signing';
import type { User } from './users';

export const SESSION_COOKIE = 'onex_session';
export const CSRF_HEADER = 'x-csrf-token';

const sessionPayloadSchema = z.object({
  v: z.literal(1),
  sub: z.string(),
  sid: z.string(),
  pw: z.string(),
  iat: z.number(),
  exp: z.number(),
});
export type SessionPayload = z.infer<typeof sessionPayloadSchema>;

function fingerprint(u: User): string {
  return createHash('sha256')
    .update(u.passwordHash ?? '')
    .digest('base64url')
    .slice(0, 12);
}

export function newSession(secret: string, user: User, ttlSeconds: number, nowMs = Date.now()): { token: string; payload: SessionPayload } {
  const iat = Math.floor(nowMs / 1000);
  const payload: SessionPayload = {
    v: 1,
    sub: user.id,
    sid: randomBytes(16).toString('base64url'),
    pw: fingerprint(user),
    iat,
    exp: iat + ttlSeconds,
  };
  return { token: signToken(secret, 'onex.session.v1', payload), payload };
}

export type SessionCheck =
  | { ok: true; payload: SessionPayload; user: User }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'unknownUser' | 'passwordChanged' | 'revoked' };

export function checkSession(secret: string, token: string, findUser: (id: string) => User | undefined, nowMs = Date.now()): SessionCheck {
  const v = verifyToken(secret, 'onex.session.v1', token);
  if (!v.ok) return v;
  const p = sessionPayloadSchema.safeParse(v.payload);
  if (!p.success) return { ok: false, reason: 'malformed' };
  if (p.data.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  const user = findUser(p.data.sub);
  if (!user) return { ok: false, reason: 'unknownUser' };
  if (p.data.pw !== fingerprint(user)) return { ok: false, reason: 'passwordChanged' };
  if (user.sessionsValidFrom && p.data.iat < Math.floor(Date.parse(user.sessionsValidFrom) / 1000)) return { ok: false, reason: 'revoked' };
  return { ok: true, payload: p.data, user };
}

export function csrfToken(secret: string, session: Pick<SessionPayload, 'sid'>): string {
  return hmac(secret, 'onex.csrf.v1', session.sid).toString('base64url');
}

export function csrfValid(secret: string, session: Pick<SessionPayload, 'sid'>, given: string | undefined): boolean {
  return typeof given === 'string' && given.length > 0 && safeEqual(given, csrfToken(secret, session));
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    // Taken as sent: no percent-decoding, no unquoting. Our cookie's value is base64url and a
    // dot, so any other spelling of it is another cookie and does not verify.
    out[name] ??= part.slice(i + 1).trim();
  }
  return out;
}

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
