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
import { checkLinkToken, signLinkToken } from '../../client/auth/links';
import { hashPassword, verifyPassword } from '../../client/auth/passwords';
import { bindActors, findActors } from '../../client/auth/plugin';
import { SignInThrottle, checkSession, csrfToken, csrfValid, newSession, parseCookies } from '../../client/auth/sessions';
import { signToken, verifyToken } from '../../client/auth/signing';
import { UserStore, readUsersFile, type User } from '../../client/auth/users';

const dir = mkdtempSync(join(tmpdir(), 'onex-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const secret = 'a'.repeat(40);
const zhang: User = { id: 'zhang', name: '张老师', email: 'Lead@College.test', role: 'pilotLead', college: 'forestry', passwordHash: 'scrypt$1$1$1$a$b', tokens: [], disabled: false };

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
});

describe('sessions and CSRF', () => {
  it('expires, and ends when the password changes', () => {
    const now = Date.UTC(2026, 10, 2);
    const { token, payload } = newSession(secret, zhang, 3600, now);
    expect(checkSession(secret, token, () => zhang, now + 1000)).toMatchObject({ ok: true });
    expect(checkSession(secret, token, () => zhang, now + 3600_000)).toEqual({ ok: false, reason: 'expired' });
    expect(checkSession(secret, token, () => ({ ...zhang, passwordHash: 'scrypt$1$1$1$c$d' }), now)).toEqual({ ok: false, reason: 'passwordChanged' });
    expect(checkSession(secret, token, () => undefined, now)).toEqual({ ok: false, reason: 'unknownUser' });
    const csrf = csrfToken(secret, payload);
    expect(csrfValid(secret, payload, csrf)).toBe(true);
    expect(csrfValid(secret, { sid: 'another-session' }, csrf)).toBe(false);
    expect(csrfValid(secret, payload, undefined)).toBe(false);
  });

  it('parses cookies and throttles repeated failures', () => {
    expect(parseCookies('a=1; onex_session=x.y; b="q%20r"')).toEqual({ a: '1', onex_session: 'x.y', b: 'q r' });
    const t = new SignInThrottle(3, 1000);
    for (let i = 0; i < 3; i++) t.fail('k', 0);
    expect(t.blocked('k', 10)).toBe(true);
    expect(t.blocked('k', 2000)).toBe(false);
  });
});

describe('signed e-mail links', () => {
  const now = Date.UTC(2026, 10, 2);
  it('open for their recipient until they expire', () => {
    const token = signLinkToken(secret, { email: 'lead@college.test', action: 'weeklyReport', pilotId: 'hort-2026', ref: '2026-W45' }, 3600, now);
    expect(checkLinkToken(secret, token, 'LEAD@college.test', now + 1000)).toMatchObject({ ok: true, target: '/pilots/hort-2026?do=weeklyReport&ref=2026-W45' });
    expect(checkLinkToken(secret, token, 'lead@college.test', now + 3600_000)).toEqual({ ok: false, reason: 'expired' });
    expect(checkLinkToken(secret, token, 'dean@college.test', now)).toEqual({ ok: false, reason: 'otherUser' });
    const forged = signToken('f'.repeat(40), 'onex.link.v1', { v: 1, email: 'lead@college.test', action: 'approve', pilotId: 'hort-2026', exp: 9_999_999_999 });
    expect(checkLinkToken(secret, forged, 'lead@college.test', now)).toEqual({ ok: false, reason: 'signature' });
  });
});

describe('actor binding', () => {
  it('finds actors under known keys and any object with a role', () => {
    const body = { actor: { id: 'x', role: 'pilotLead' }, session: { recordedBy: { id: 'y' } }, list: [{ who: { id: 'z', role: 'admin' } }], lead: { name: 'a', userId: 'b' } };
    expect(findActors(body).map((f) => f.path)).toEqual(['actor', 'session.recordedBy', 'list[0].who']);
  });

  it('rewrites a matching actor to the user (college filled in) and refuses another', () => {
    const ok = { periodId: '2026-W45', actor: { id: 'zhang', role: 'pilotLead' } };
    expect(bindActors(ok, zhang, false)).toBeNull();
    expect(ok.actor).toEqual({ id: 'zhang', role: 'pilotLead', college: 'forestry' });
    expect(bindActors({ actor: { id: 'jwb', role: 'academicAffairs' } }, zhang, false)).toEqual({ field: 'actor', given: 'jwb:academicAffairs' });
    expect(bindActors({ actor: { id: 'zhang', role: 'collegeLeader', college: 'forestry' } }, zhang, false)).toMatchObject({ field: 'actor' });
    expect(bindActors({ actor: { id: 'zhang', role: 'pilotLead', college: 'engineering' } }, zhang, false)).toMatchObject({ field: 'actor' });
    expect(bindActors({ inspector: { id: 'zhang', role: 'pilotLead', onBehalfOf: 'li' } }, zhang, false)).toEqual({ field: 'inspector.onBehalfOf', given: 'li' });
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
    const { token } = await addAccount(file, { id: 'zhang', name: '张老师', email: 'Lead@College.test', role: 'pilotLead', college: 'forestry', password: 'pass-word-1', token: 'cli' });
    const raw = JSON.stringify(readUsersFile(file));
    expect(raw).not.toContain('pass-word-1');
    expect(raw).not.toContain(token!.split('_')[2]);
    const store = new UserStore(file);
    expect(store.byToken(token!)?.id).toBe('zhang');
    expect(store.byToken(`${token!.slice(0, -2)}xx`)).toBeUndefined();
    expect(store.byEmail('lead@college.test')?.id).toBe('zhang');
    await expect(addAccount(file, { id: 'li', name: '李', email: 'li@college.test', role: 'collegeStaff' })).rejects.toThrow(/college/);
  });
});
