/**
 * The admin API's authentication primitives, in process: scrypt passwords, signed tokens
 * (a forged, altered or expired one is refused), sessions bound to the password, CSRF
 * tokens bound to the session, signed e-mail links bound to the recipient, and the actor
 * binding that makes the body's actor the signed-in user.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addAccount } from '../../client/auth/accounts';
import { checkLinkToken, signLinkToken } from '../../worker/links';
import { hashPassword, verifyPassword } from '../../client/auth/passwords';
import { bindActors, findActors } from '../../client/auth/plugin';
import { checkSession, csrfToken, csrfValid, newSession, parseCookies } from '../../client/auth/sessions';
import { signToken, verifyToken } from '../../worker/signing';
import { UserStore, readUsersFile, type User } from '../../client/auth/users';
import { ApiStateStore } from '../../client/auth/store';

const dir = mkdtempSync(join(tmpdir(), 'onex-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const secret = 'a'.repeat(40);
const zhang: User = {
  id: 'zhang',
  name: '张老师',
  email: 'Lead@College.test',
  role: 'pilotLead',
  college: 'forestry',
  passwordHash: 'scrypt$1$1$1$a$b',
  tokens: [],
  disabled: false,
};

describe('passwords (scrypt)', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const h1 = await hashPassword('correct horse');
    const h2 = await hashPassword('correct horse');
    expect(h1).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('correct horse', h1)).toBe(true);
    expect(await verifyPassword('correct horsf', h1)).toBe(false);
    expect(await verifyPassword('correct horse', 'plain-text')).toBe(false);
    await expect(hashPassword('short')).rejects.toThrow(/8/);
  });
});

describe('signed tokens', () => {
  it('refuses an altered payload, another purpose and another secret', () => {
    const t = signToken(secret, 'onex.link.v1', { a: 1 });
    expect(verifyToken(secret, 'onex.link.v1', t)).toEqual({ ok: true, payload: { a: 1 } });
    const [body, sig] = t.split('.') as [string, string];
    const altered = `${Buffer.from(JSON.stringify({ a: 2 })).toString('base64url')}.${sig}`;
    expect(verifyToken(secret, 'onex.link.v1', altered)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyToken(secret, 'onex.session.v1', t)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyToken('b'.repeat(40), 'onex.link.v1', t)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyToken(secret, 'onex.link.v1', body)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses every one-character change of the signature, even one that decodes to the same bytes (observation 3)', () => {
    for (let n = 0; n < 40; n++) {
      const t = signToken(secret, 'onex.session.v1', { n });
      const [body, sig] = t.split('.') as [string, string];
      // The last base64url character of a 32-byte HMAC carries 4 unused bits: its neighbours decode the same.
      const last = sig.at(-1)!;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const i = alphabet.indexOf(last);
      const sameBytes = [alphabet[i ^ 1]!, alphabet[i ^ 2]!].filter((c) =>
        Buffer.from(sig.slice(0, -1) + c, 'base64url').equals(Buffer.from(sig, 'base64url')),
      );
      for (const c of sameBytes)
        expect(verifyToken(secret, 'onex.session.v1', `${body}.${sig.slice(0, -1)}${c}`)).toEqual({ ok: false, reason: 'signature' });
      // `-`→`+`, `_`→`/` and padding decode the same too.
      const plus = sig.replace(/-/g, '+').replace(/_/g, '/');
      if (plus !== sig) expect(verifyToken(secret, 'onex.session.v1', `${body}.${plus}`)).toEqual({ ok: false, reason: 'signature' });
      expect(verifyToken(secret, 'onex.session.v1', `${body}.${sig}=`)).toEqual({ ok: false, reason: 'signature' });
    }
  });
});

describe('sessions and CSRF', () => {
  it('expires, and ends when the password changes', () => {
    const now = Date.UTC(2026, 10, 2);
    const { token, payload } = newSession(secret, zhang, 3600, now);
    expect(checkSession(secret, token, () => zhang, now + 1000)).toMatchObject({ ok: true });
    expect(checkSession(secret, token, () => zhang, now + 3600_000)).toEqual({ ok: false, reason: 'expired' });
    expect(checkSession(secret, token, () => ({ ...zhang, passwordHash: 'scrypt$1$1$1$c$d' }), now)).toEqual({
      ok: false,
      reason: 'passwordChanged',
    });
    expect(checkSession(secret, token, () => undefined, now)).toEqual({ ok: false, reason: 'unknownUser' });
    const csrf = csrfToken(secret, payload);
    expect(csrfValid(secret, payload, csrf)).toBe(true);
    expect(csrfValid(secret, { sid: 'another-session' }, csrf)).toBe(false);
    expect(csrfValid(secret, payload, undefined)).toBe(false);
  });

  it('parses cookies', () => {
    // Values as sent: a percent-encoded or quoted spelling of a token is not the token.
    expect(parseCookies('a=1; onex_session=x.y; b="q%20r"')).toEqual({ a: '1', onex_session: 'x.y', b: '"q%20r"' });
  });

  it('a session signed in before sessionsValidFrom is over', () => {
    const now = Date.UTC(2026, 10, 2);
    const { token } = newSession(secret, zhang, 3600, now);
    expect(checkSession(secret, token, () => ({ ...zhang, sessionsValidFrom: new Date(now + 1000).toISOString() }), now + 2000)).toEqual({
      ok: false,
      reason: 'revoked',
    });
    expect(
      checkSession(secret, token, () => ({ ...zhang, sessionsValidFrom: new Date(now - 1000).toISOString() }), now + 2000),
    ).toMatchObject({ ok: true });
  });
});

describe('the API state store (SQLite)', () => {
  const policy = { accountFreeFailures: 3, accountMaxDelaySeconds: 8, addressMaxFailures: 10, windowSeconds: 900 };

  it('counts an attempt before the password check; after the free failures each attempt waits, at most the cap', () => {
    const st = new ApiStateStore(':memory:');
    const t0 = Date.UTC(2026, 11, 1);
    for (let i = 0; i < 3; i++) expect(st.signInAttempt('user:zhang', `10.0.0.${i}`, policy, t0)).toMatchObject({ ok: true });
    // The fourth, at once, from anywhere: wait 1 s (2^0) after the last failure.
    expect(st.signInAttempt('user:zhang', '10.0.0.9', policy, t0)).toEqual({ ok: false, reason: 'account', retryAfterSeconds: 1 });
    expect(st.signInAttempt('user:zhang', '10.0.0.9', policy, t0 + 1000)).toMatchObject({ ok: true });
    // Many more failures: the wait never exceeds the cap, so the real user is delayed, never locked out.
    let t = t0 + 1000;
    for (let i = 0; i < 8; i++) {
      const v = st.signInAttempt('user:zhang', `10.1.0.${i}`, policy, t);
      if (!v.ok) {
        expect(v.retryAfterSeconds).toBeLessThanOrEqual(8);
        t += v.retryAfterSeconds * 1000;
        expect(st.signInAttempt('user:zhang', `10.1.0.${i}`, policy, t)).toMatchObject({ ok: true });
      }
    }
    // Another account from a fresh address is not affected.
    expect(st.signInAttempt('user:li', '10.2.0.1', policy, t)).toMatchObject({ ok: true });
  });

  it('an address that fails too often is refused for the window, for any account', () => {
    const st = new ApiStateStore(':memory:');
    const t0 = Date.UTC(2026, 11, 1);
    for (let i = 0; i < 10; i++) expect(st.signInAttempt(`unknown:u${i}`, '203.0.113.5', policy, t0)).toMatchObject({ ok: true });
    const v = st.signInAttempt('user:zhang', '203.0.113.5', policy, t0);
    expect(v).toMatchObject({ ok: false, reason: 'address' });
    expect(st.signInAttempt('user:zhang', '198.51.100.7', policy, t0)).toMatchObject({ ok: true });
    expect(st.signInAttempt('user:zhang', '203.0.113.5', policy, t0 + 901_000)).toMatchObject({ ok: true });
  });

  it('a success takes its own attempt back and forgives the account', () => {
    const st = new ApiStateStore(':memory:');
    const t0 = Date.UTC(2026, 11, 1);
    for (let i = 0; i < 2; i++) st.signInAttempt('user:zhang', '10.0.0.1', policy, t0);
    const ok = st.signInAttempt('user:zhang', '10.0.0.1', policy, t0);
    if (!ok.ok) throw new Error('refused');
    st.signInSucceeded(ok.attemptId, 'user:zhang');
    for (let i = 0; i < 3; i++) expect(st.signInAttempt('user:zhang', '10.0.0.1', policy, t0)).toMatchObject({ ok: true });
  });

  it('sessions live on the server until signed out, one or all', () => {
    const st = new ApiStateStore(join(dir, 'state.sqlite'));
    const t0 = Date.now();
    st.createSession('s1', 'zhang', t0 + 60_000, '127.0.0.1');
    st.createSession('s2', 'zhang', t0 + 60_000, '127.0.0.1');
    expect(st.sessionAlive('s1', 'zhang')).toBe(true);
    expect(st.sessionAlive('s1', 'li')).toBe(false);
    st.endSession('s1');
    expect(st.sessionAlive('s1', 'zhang')).toBe(false);
    // Another process (another connection to the same file) sees the same.
    const other = new ApiStateStore(join(dir, 'state.sqlite'));
    expect(other.sessionAlive('s2', 'zhang')).toBe(true);
    expect(other.endUserSessions('zhang')).toBe(1);
    expect(st.sessionAlive('s2', 'zhang')).toBe(false);
    expect(st.sessionAlive('s3', 'zhang', 0, t0 + 120_000)).toBe(false);
    st.createSession('s4', 'zhang', t0 + 60_000, '127.0.0.1', t0);
    expect(st.sessionAlive('s4', 'zhang', t0 + 1)).toBe(false);
    expect(st.sessionAlive('s4', 'zhang', t0)).toBe(true);
  });

  it('binds an Idempotency-Key to its user, route and body', () => {
    const st = new ApiStateStore(':memory:');
    expect(st.claimIdempotencyKey('zhang', 'K1', 'POST /a', '{"x":1}')).toBe('new');
    expect(st.claimIdempotencyKey('zhang', 'K1', 'POST /a', '{"x":1}')).toBe('replay');
    expect(st.claimIdempotencyKey('zhang', 'K1', 'POST /a', '{"x":2}')).toBe('conflict');
    expect(st.claimIdempotencyKey('zhang', 'K1', 'POST /b', '{"x":1}')).toBe('conflict');
    expect(st.claimIdempotencyKey('li', 'K1', 'POST /a', '{"x":1}')).toBe('conflict');
  });
});

describe('signed e-mail links', () => {
  const now = Date.UTC(2026, 10, 2);
  it('open for their recipient until they expire', () => {
    const token = signLinkToken(
      secret,
      { email: 'lead@college.test', action: 'weeklyReport', pilotId: 'hort-2026', ref: '2026-W45' },
      3600,
      now,
    );
    expect(checkLinkToken(secret, token, 'LEAD@college.test', now + 1000)).toMatchObject({
      ok: true,
      target: '/pilots/hort-2026?do=weeklyReport&ref=2026-W45',
    });
    expect(checkLinkToken(secret, token, 'lead@college.test', now + 3600_000)).toEqual({ ok: false, reason: 'expired' });
    expect(checkLinkToken(secret, token, 'dean@college.test', now)).toEqual({ ok: false, reason: 'otherUser' });
    const forged = signToken('f'.repeat(40), 'onex.link.v1', {
      v: 1,
      email: 'lead@college.test',
      action: 'approve',
      pilotId: 'hort-2026',
      exp: 9_999_999_999,
    });
    expect(checkLinkToken(secret, forged, 'lead@college.test', now)).toEqual({ ok: false, reason: 'signature' });
  });
});

describe('actor binding', () => {
  it('finds actors under known keys and any object with a role', () => {
    const body = {
      actor: { id: 'x', role: 'pilotLead' },
      session: { recordedBy: { id: 'y' } },
      list: [{ who: { id: 'z', role: 'admin' } }],
      lead: { name: 'a', userId: 'b' },
    };
    expect(findActors(body).map((f) => f.path)).toEqual(['actor', 'session.recordedBy', 'list[0].who']);
  });

  it('rewrites a matching actor to the user (college filled in) and refuses another', () => {
    const ok = { periodId: '2026-W45', actor: { id: 'zhang', role: 'pilotLead' } };
    expect(bindActors(ok, zhang, false)).toBeNull();
    expect(ok.actor).toEqual({ id: 'zhang', role: 'pilotLead', college: 'forestry' });
    expect(bindActors({ actor: { id: 'jwb', role: 'academicAffairs' } }, zhang, false)).toEqual({
      field: 'actor',
      given: 'jwb:academicAffairs',
    });
    expect(bindActors({ actor: { id: 'zhang', role: 'collegeLeader', college: 'forestry' } }, zhang, false)).toMatchObject({
      field: 'actor',
    });
    expect(bindActors({ actor: { id: 'zhang', role: 'pilotLead', college: 'engineering' } }, zhang, false)).toMatchObject({
      field: 'actor',
    });
    expect(bindActors({ inspector: { id: 'zhang', role: 'pilotLead', onBehalfOf: 'li' } }, zhang, false)).toEqual({
      field: 'inspector.onBehalfOf',
      given: 'li',
    });
    // A malformed actor is the route schema's to refuse (400 naming the field), not a 403.
    expect(bindActors({ actor: { id: ' ', role: 'pilotLead' } }, zhang, false)).toBeNull();
    expect(bindActors({ actor: { id: 'x', role: 'nobody' } }, zhang, false)).toBeNull();
    const aa = { actor: { id: 'jwb', role: 'academicAffairs', onBehalfOf: 'zhang' } };
    expect(bindActors(aa, { ...zhang, id: 'jwb', role: 'academicAffairs', college: undefined }, true)).toBeNull();
    expect(aa.actor).toEqual({ id: 'jwb', role: 'academicAffairs', onBehalfOf: 'zhang' });
  });
});

describe('the users file', () => {
  it('keeps hashes only, and finds a user by token, id and e-mail', async () => {
    const file = join(dir, 'users.json');
    const { token } = await addAccount(file, {
      id: 'zhang',
      name: '张老师',
      email: 'Lead@College.test',
      role: 'pilotLead',
      college: 'forestry',
      password: 'pass-word-1',
      token: 'cli',
    });
    const raw = JSON.stringify(readUsersFile(file));
    expect(raw).not.toContain('pass-word-1');
    expect(raw).not.toContain(token!.split('_').slice(2).join('_')); // the secret (base64url: may hold '_')
    const store = new UserStore(file);
    expect(store.byToken(token!)?.id).toBe('zhang');
    expect(store.byToken(`${token!.slice(0, -2)}xx`)).toBeUndefined();
    expect(store.byEmail('lead@college.test')?.id).toBe('zhang');
    await expect(addAccount(file, { id: 'li', name: '李', email: 'li@college.test', role: 'collegeStaff' })).rejects.toThrow(/college/);
  });
});
