/**
 * HMAC-signed tokens: `base64url(JSON payload) "." base64url(HMAC-SHA256(purpose "." body))`.
 * The purpose (session, link) is part of what is signed, so a token made for one purpose
 * never verifies as another even if an operator reuses a secret. Comparison is
 * constant-time, over the canonical base64url text. Expiry is the caller's business (the payloads carry `exp`).
 *
 * Here in worker/, below client/: the worker signs e-mail links (links.ts), the API signs
 * sessions and verifies both.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'onex.session.v1' | 'onex.link.v1' | 'onex.csrf.v1';

export function hmac(secret: string, purpose: TokenPurpose, data: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}.${data}`).digest();
}

export function signToken(secret: string, purpose: TokenPurpose, payload: object): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${hmac(secret, purpose, body).toString('base64url')}`;
}

export type Verified = { ok: true; payload: unknown } | { ok: false; reason: 'malformed' | 'signature' };

export function verifyToken(secret: string, purpose: TokenPurpose, token: string): Verified {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1] || token.length > 4096) return { ok: false, reason: 'malformed' };
  const [body, sig] = parts as [string, string];
  // Compared as canonical strings, not as decoded bytes: base64url decoding forgives a changed
  // last character (`c`→`d`), `+`/`/` for `-`/`_` and padding, so a byte comparison would
  // accept altered tokens. The body is signed as the string it is, so it is canonical too.
  if (!safeEqual(sig, hmac(secret, purpose, body).toString('base64url'))) return { ok: false, reason: 'signature' };
  try {
    return { ok: true, payload: JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

/** Constant-time equality of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
