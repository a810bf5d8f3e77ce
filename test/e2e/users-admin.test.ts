/**
 * User administration over the real API (client/routes/users.ts): the administrator adds a
 * user (a first password given or generated and shown once), changes their role and college,
 * disables and enables them, resets their password, issues and revokes API tokens. Everybody
 * else is refused (403); unknown fields are refused by name (400); every action and refusal
 * is a line of the security log with its request id; the users file stays valid.
 */
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readUsersFile } from '../../client/auth/users';
import { startTestApi, type TestApi } from '../helpers/api';

const suffix = Date.now().toString(36);
const forestry = `forestry-${suffix}`;
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi(inject('temporalAddress'), ['ops:admin', 'jwb:academicAffairs', `zhang:pilotLead:${forestry}`, 'du:supervisor']);
});
afterAll(async () => api?.close());

interface UserView {
  id: string;
  name: string;
  email: string;
  role: string;
  college?: string;
  disabled: boolean;
  hasPassword: boolean;
  tokens: { id: string; label: string; createdAt: string }[];
  activeSessions: number;
}
interface ErrorBody {
  error: { results: { ruleId: string; field: string; message: { zh: string; en: string } }[] };
}
const CJK = /[\u4e00-\u9fff]/;

const admin = (path: string, json: unknown = {}) => api.as('ops', path, { method: 'POST', json });
const results = async (res: Response) => ((await res.json()) as ErrorBody).error.results;
const events = (event: string) => api.users.events.filter((e) => e.event === event);

async function signIn(id: string, password: string): Promise<{ status: number; cookie: string; csrfToken: string }> {
  const res = await fetch(`${api.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, password }),
  });
  const body = (await res.json()) as { csrfToken?: string };
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '', csrfToken: body.csrfToken ?? '' };
}
const sessionWorks = async (cookie: string) => (await fetch(`${api.url}/api/session`, { headers: { cookie } })).status === 200;
const tokenWorks = async (token: string) =>
  (await fetch(`${api.url}/api/session`, { headers: { authorization: `Bearer ${token}` } })).status === 200;

describe('adding a user', () => {
  it('with a generated first password, shown once, with which the user signs in', async () => {
    const res = await admin('/api/users', {
      id: `li-${suffix}`,
      name: '李老师',
      email: `li-${suffix}@college.test`,
      role: 'pilotLead',
      college: forestry,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { user: UserView; password: string };
    expect(body.user).toMatchObject({
      id: `li-${suffix}`,
      name: '李老师',
      role: 'pilotLead',
      college: forestry,
      disabled: false,
      tokens: [],
    });
    expect(body.password).toMatch(/^[A-Z2-9]{5}(-[A-Z2-9]{5}){3}$/);
    expect(JSON.stringify(body)).not.toMatch(/scrypt|hash/i);
    expect((await signIn(`li-${suffix}`, body.password)).status).toBe(200);
    // Only the hash is kept; the list never shows the password again.
    const file = readUsersFile(api.users.file).users.find((u) => u.id === `li-${suffix}`)!;
    expect(file.passwordHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(await (await api.as('ops', '/api/users')).json())).not.toContain(body.password);
    // The users file is still written as the API writes it: owner-only.
    expect(statSync(api.users.file).mode & 0o777).toBe(0o600);
    expect(events('user.created').at(-1)).toMatchObject({ user: 'ops', target: `li-${suffix}`, passwordGenerated: true });
    expect(events('user.created').at(-1)!.requestId).toBeTruthy();
  });

  it('with a given password (kept to the policy), not echoed back', async () => {
    const id = `wang-${suffix}`;
    const short = await admin('/api/users', {
      id,
      name: '王老师',
      email: `${id}@college.test`,
      role: 'academicAffairs',
      password: 'short',
    });
    expect(short.status).toBe(400);
    expect((await results(short))[0]).toMatchObject({ field: 'password', ruleId: 'user.passwordPolicy' });
    const res = await admin('/api/users', {
      id,
      name: '王老师',
      email: `${id}@college.test`,
      role: 'academicAffairs',
      password: 'long enough 1',
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.password).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain('long enough 1');
    expect((await signIn(id, 'long enough 1')).status).toBe(200);
  });

  it('the same request again under its Idempotency-Key makes the account once and shows no password again', async () => {
    const id = `idem-${suffix}`;
    const send = () =>
      api.as('ops', '/api/users', {
        method: 'POST',
        json: { id, name: '吴老师', email: `${id}@college.test`, role: 'supervisor' },
        headers: { 'idempotency-key': `create-${suffix}` },
      });
    const first = await send();
    expect(first.status).toBe(201);
    const { password } = (await first.json()) as { password: string };
    const again = await send();
    expect(again.status).toBe(200);
    const body = (await again.json()) as { user: UserView; replayed: boolean; password?: string };
    expect(body).toMatchObject({ replayed: true, user: { id } });
    expect(body.password).toBeUndefined();
    expect((await signIn(id, password)).status).toBe(200);
    expect(events('user.created').filter((e) => e.target === id)).toHaveLength(1);
  });

  it('refuses an existing id or e-mail (409), a college where it does not belong and none where it does (400), naming the field bilingually', async () => {
    const dup = await admin('/api/users', { id: 'zhang', name: '张', email: `new-${suffix}@college.test`, role: 'admin' });
    expect(dup.status).toBe(409);
    expect((await results(dup))[0]).toMatchObject({ field: 'id', ruleId: 'user.idTaken' });
    const mail = await admin('/api/users', { id: `m-${suffix}`, name: '马', email: 'zhang@college.test', role: 'admin' });
    expect(mail.status).toBe(409);
    expect((await results(mail))[0]).toMatchObject({ field: 'email' });
    const noCollege = await admin('/api/users', {
      id: `c-${suffix}`,
      name: '陈',
      email: `c-${suffix}@college.test`,
      role: 'collegeLeader',
    });
    expect(noCollege.status).toBe(400);
    const [r] = await results(noCollege);
    expect(r).toMatchObject({ field: 'college', ruleId: 'user.collegeRequired' });
    expect(r!.message.zh).toMatch(/^所属学院：二级学院负责人/);
    expect(r!.message.en).toMatch(/college/);
    expect(r!.message.zh + r!.message.en).not.toContain('collegeLeader');
    const college = await admin('/api/users', {
      id: `s-${suffix}`,
      name: '孙',
      email: `s-${suffix}@college.test`,
      role: 'supervisor',
      college: forestry,
    });
    expect(college.status).toBe(400);
    expect((await results(college))[0]).toMatchObject({ field: 'college', ruleId: 'user.collegeNotAllowed' });
    const bad = await admin('/api/users', { id: 'has space', name: '', email: 'not-an-email', role: 'boss' });
    expect(bad.status).toBe(400);
    const fields = (await results(bad)).map((x) => x.field).sort();
    expect(fields).toEqual(['email', 'id', 'name', 'role']);
    for (const x of await results(await admin('/api/users', { id: 'has space', name: '', email: 'not-an-email', role: 'boss' }))) {
      expect(x.message.zh, x.field).toMatch(CJK);
      expect(x.message.zh, x.field).toMatch(/^(账号|姓名|邮箱|角色)：/);
      expect(x.message.en, x.field).toMatch(/^(user id|name|e-mail|role): /);
    }
    expect(readUsersFile(api.users.file).users.some((u) => ['has space', `c-${suffix}`, `s-${suffix}`].includes(u.id))).toBe(false);
  });

  it('refuses unknown fields by name, and bodies that are not objects, never with a 5xx', async () => {
    const res = await admin('/api/users', {
      id: `x-${suffix}`,
      name: '徐',
      email: `x-${suffix}@college.test`,
      role: 'admin',
      passwordHash: 'scrypt$1',
    });
    expect(res.status).toBe(400);
    const [r] = await results(res);
    expect(r).toMatchObject({ field: 'passwordHash', ruleId: 'input.unknownField' });
    expect(r!.message.zh).toContain('passwordHash');
    expect(r!.message.zh).toMatch(CJK);
    for (const body of [null, [], 'x', 42, { id: 1 }]) expect((await admin('/api/users', body)).status, JSON.stringify(body)).toBe(400);
    const update = await admin('/api/users/zhang', { disabled: true });
    expect(update.status).toBe(400);
    expect((await results(update))[0]).toMatchObject({ field: 'disabled', ruleId: 'input.unknownField' });
    const token = await admin('/api/users/zhang/tokens', { label: 'x', secret: 'mine' });
    expect(token.status).toBe(400);
    expect((await results(token))[0]).toMatchObject({ field: 'secret' });
    const reset = await admin('/api/users/zhang/reset-password', { password: 'chosen-by-me' });
    expect(reset.status).toBe(400);
    expect((await results(reset))[0]).toMatchObject({ field: 'password', ruleId: 'input.unknownField' });
  });
});

describe('only the administrator', () => {
  it('everyone else is refused (403, bilingual, logged with a request id) and nothing changes', async () => {
    const before = JSON.stringify(readUsersFile(api.users.file));
    const calls: [string, unknown][] = [
      ['/api/users', { id: `y-${suffix}`, name: '叶', email: `y-${suffix}@college.test`, role: 'admin' }],
      ['/api/users/zhang', { role: 'admin' }],
      ['/api/users/zhang/reset-password', {}],
      ['/api/users/zhang/tokens', { label: 'mine' }],
      ['/api/users/zhang/disable', {}],
      [`/api/users/zhang/tokens/abcdef012345/revoke`, {}],
    ];
    for (const who of ['jwb', 'zhang', 'du']) {
      expect((await api.as(who, '/api/users')).status, who).toBe(403);
      for (const [path, json] of calls) {
        const res = await api.as(who, path, { method: 'POST', json });
        expect(res.status, `${who} ${path}`).toBe(403);
        const [r] = await results(res);
        expect(r!.message.zh, `${who} ${path}`).toMatch(CJK);
        expect(r!.message.en).toMatch(/[a-z]/);
      }
    }
    expect(JSON.stringify(readUsersFile(api.users.file))).toBe(before);
    const refused = events('users.refused').filter((e) => e.user === 'jwb');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => typeof e.requestId === 'string' && e.requestId !== '')).toBe(true);
  });

  it('answers 404 for an unknown user or token, bilingual', async () => {
    for (const [path, json] of [
      ['/api/users/nobody', { name: '无' }],
      ['/api/users/nobody/reset-password', {}],
      ['/api/users/nobody/tokens', { label: 'x' }],
      ['/api/users/nobody/disable', {}],
      ['/api/users/zhang/tokens/abcdef012345/revoke', {}],
    ] as const) {
      const res = await admin(path, json);
      expect(res.status, path).toBe(404);
      expect((await results(res))[0]!.message.zh, path).toMatch(CJK);
    }
  });
});

describe('changing, disabling, resetting, tokens', () => {
  it('a new role or college ends the user’s sessions; a new name does not', async () => {
    const id = `chg-${suffix}`;
    const made = (await (
      await admin('/api/users', { id, name: '周老师', email: `${id}@college.test`, role: 'collegeStaff', college: forestry })
    ).json()) as { password: string };
    const s1 = await signIn(id, made.password);
    const renamed = await admin(`/api/users/${id}`, { name: '周明' });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as { user: UserView; endedSessions: number }).user.name).toBe('周明');
    expect(await sessionWorks(s1.cookie)).toBe(true);
    const moved = await admin(`/api/users/${id}`, { college: `other-${suffix}` });
    expect(moved.status).toBe(200);
    const body = (await moved.json()) as { user: UserView; endedSessions: number };
    expect(body.user.college).toBe(`other-${suffix}`);
    expect(body.endedSessions).toBeGreaterThanOrEqual(1);
    expect(await sessionWorks(s1.cookie)).toBe(false);
    const s2 = await signIn(id, made.password);
    // A role of the whole school keeps no college.
    const promoted = await admin(`/api/users/${id}`, { role: 'academicAffairs' });
    expect(promoted.status).toBe(200);
    const p = (await promoted.json()) as { user: UserView };
    expect(p.user.role).toBe('academicAffairs');
    expect(p.user.college).toBeUndefined();
    expect(await sessionWorks(s2.cookie)).toBe(false);
    // …and back to a college role needs the college.
    const back = await admin(`/api/users/${id}`, { role: 'pilotLead' });
    expect(back.status).toBe(400);
    expect((await results(back))[0]).toMatchObject({ field: 'college', ruleId: 'user.collegeRequired' });
    expect((await admin(`/api/users/${id}`, {})).status).toBe(400);
    expect(
      events('user.updated')
        .filter((e) => e.target === id)
        .map((e) => e.scopeChanged),
    ).toEqual([false, true, true]);
  });

  it('a disabled user’s session ends at once and they cannot sign in; enabled again, they can', async () => {
    const s = await signIn('zhang', api.users.password('zhang'));
    expect(await sessionWorks(s.cookie)).toBe(true);
    const res = await admin('/api/users/zhang/disable');
    expect(res.status).toBe(200);
    expect((await res.json()) as { user: UserView }).toMatchObject({ user: { disabled: true, tokens: [] } });
    expect(await sessionWorks(s.cookie)).toBe(false);
    expect(await tokenWorks(api.users.tokens.zhang!)).toBe(false);
    expect((await signIn('zhang', api.users.password('zhang'))).status).toBe(401);
    expect((await admin('/api/users/zhang/enable')).status).toBe(200);
    expect((await signIn('zhang', api.users.password('zhang'))).status).toBe(200);
    // The administrator cannot lock themselves out.
    const self = await admin('/api/users/ops/disable');
    expect(self.status).toBe(422);
    expect((await results(self))[0]).toMatchObject({ ruleId: 'user.self' });
    expect((await admin('/api/users/ops', { role: 'supervisor' })).status).toBe(422);
    expect(events('user.disable').at(-1)).toMatchObject({ user: 'ops', target: 'zhang' });
  });

  it('a reset password works and the old one does not; the user’s sessions end', async () => {
    const id = `rst-${suffix}`;
    await admin('/api/users', { id, name: '赵老师', email: `${id}@college.test`, role: 'schoolLeader', password: 'old password 1' });
    const s = await signIn(id, 'old password 1');
    expect(s.status).toBe(200);
    const res = await admin(`/api/users/${id}/reset-password`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { password, endedSessions } = (await res.json()) as { password: string; endedSessions: number };
    expect(endedSessions).toBeGreaterThanOrEqual(1);
    expect(await sessionWorks(s.cookie)).toBe(false);
    expect((await signIn(id, 'old password 1')).status).toBe(401);
    expect((await signIn(id, password)).status).toBe(200);
    expect(JSON.stringify(events('user.passwordReset'))).not.toContain(password);
  });

  it('an issued token works (shown once, only its hash kept); a revoked one stops working', async () => {
    const id = `tok-${suffix}`;
    await admin('/api/users', { id, name: '钱老师', email: `${id}@college.test`, role: 'academicAffairs' });
    const res = await admin(`/api/users/${id}/tokens`, { label: '统计脚本' });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { secret, token, user } = (await res.json()) as { secret: string; token: { id: string; label: string }; user: UserView };
    expect(secret).toMatch(new RegExp(`^onex_${token.id}_`));
    expect(user.tokens).toEqual([expect.objectContaining({ id: token.id, label: '统计脚本' })]);
    expect(await tokenWorks(secret)).toBe(true);
    const kept = readUsersFile(api.users.file).users.find((u) => u.id === id)!.tokens[0]!;
    expect(JSON.stringify(kept)).not.toContain(secret.split('_')[2]);
    expect(JSON.stringify(await (await api.as('ops', '/api/users')).json())).not.toContain(secret);
    expect((await admin(`/api/users/${id}/tokens`, { label: '' })).status).toBe(400);
    const revoked = await admin(`/api/users/${id}/tokens/${token.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { user: UserView }).user.tokens).toEqual([]);
    expect(await tokenWorks(secret)).toBe(false);
    expect((await admin(`/api/users/${id}/tokens/${token.id}/revoke`)).status).toBe(404);
    expect(events('user.tokenIssued').at(-1)).toMatchObject({ target: id, tokenId: token.id, label: '统计脚本' });
    expect(events('user.tokenRevoked').at(-1)).toMatchObject({ target: id, tokenId: token.id });
    expect(JSON.stringify(api.users.events)).not.toContain(secret);
  });

  it('lists every user with status, sessions and tokens, never a hash', async () => {
    const res = await api.as('ops', '/api/users');
    expect(res.status).toBe(200);
    const { users } = (await res.json()) as { users: UserView[] };
    expect(users.map((u) => u.id)).toEqual(expect.arrayContaining(['ops', 'jwb', 'zhang', `li-${suffix}`]));
    for (const u of users)
      expect(Object.keys(u).sort()).toEqual(expect.arrayContaining(['activeSessions', 'disabled', 'hasPassword', 'tokens']));
    expect(JSON.stringify(users)).not.toMatch(/scrypt|"hash"/);
  });
});
