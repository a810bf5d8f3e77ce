/**
 * Authentication, college scoping, CSRF and signed links on the real API and the real dev
 * server: every refusal answers in Chinese and English and is logged as a security event.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signLinkToken } from '../../worker/links';
import { signToken } from '../../worker/signing';
import type { PilotListItem } from '../../client/service';
import type { PilotState } from '../../workflows/pilot-state';
import { startTestApi, type TestApi } from '../helpers/api';
import { eventually } from '../helpers/wait';

const suffix = Date.now().toString(36);
const [forestry, engineering] = [`forestry-${suffix}`, `engineering-${suffix}`];
const [pA, pB] = [`auth-a-${suffix}`, `auth-b-${suffix}`];
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi(inject('temporalAddress'), [
    'jwb:academicAffairs',
    `zhang:pilotLead:${forestry}`,
    `chen:pilotLead:${engineering}`,
    `dean:collegeLeader:${forestry}`,
    'vp:schoolLeader',
  ]);
  await api.startPilot(pA, forestry, 'zhang');
  await api.startPilot(pB, engineering, 'chen');
});
afterAll(async () => api?.close());

const eventsOf = (event: string) => api.users.events.filter((e) => e.event === event);
async function errorOf(res: Response) {
  return ((await res.json()) as { error: { message: string; results: { ruleId: string; message: { zh: string; en: string } }[] } }).error;
}

describe('who may call the API', () => {
  it('refuses a request without a user, and a wrong token, and logs both', async () => {
    const none = await fetch(`${api.url}/api/pilots`);
    expect(none.status).toBe(401);
    expect((await errorOf(none)).message).toContain('请先登录');
    const bad = await fetch(`${api.url}/api/pilots`, { headers: { authorization: 'Bearer onex_0123456789ab_notarealtokennotarealtoken' } });
    expect(bad.status).toBe(401);
    expect(eventsOf('auth.refused').map((e) => e.reason)).toEqual(expect.arrayContaining(['not signed in', 'bad bearer token']));
    // Liveness stays public.
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });

  it('takes the actor from the user: a body naming someone else is refused (403, bilingual, logged)', async () => {
    const state = (await (await api.as('zhang', `/api/pilots/${pA}`)).json()) as PilotState;
    const period = state.periods[0]!.id;
    const forged = await api.as('zhang', `/api/pilots/${pA}/weekly-reports`, {
      method: 'POST',
      json: { periodId: period, content: '冒名提交', actor: { id: 'jwb', role: 'academicAffairs', onBehalfOf: 'zhang' } },
    });
    expect(forged.status).toBe(403);
    const err = await errorOf(forged);
    expect(err.results[0]!.ruleId).toBe('auth.actor');
    expect(err.message).toContain('操作人必须是登录用户本人');
    expect(err.message).toContain('the actor must be the signed-in user');
    expect(eventsOf('actor.refused').at(-1)).toMatchObject({ user: 'zhang', field: 'actor' });
    // The same report as the user themself goes through; the workflow saw zhang with the college filled in.
    const ok = await api.as('zhang', `/api/pilots/${pA}/weekly-reports`, {
      method: 'POST',
      json: { periodId: period, content: '本周完成教学计划修订。', actor: { id: 'zhang', role: 'pilotLead' } },
    });
    expect(ok.status).toBe(200);
    const after = (await (await api.as('zhang', `/api/pilots/${pA}`)).json()) as PilotState;
    expect(after.periods[0]!.by).toEqual({ id: 'zhang', role: 'pilotLead', college: forestry });
  });
});

describe('college scoping, enforced in the API', () => {
  it('a college-A user neither sees nor acts on college B', async () => {
    const listed = await eventually(
      async () => {
        const all = ((await (await api.as('jwb', '/api/pilots?limit=1000')).json()) as { pilots: PilotListItem[] }).pilots;
        return all.some((p) => p.pilotId === pA) && all.some((p) => p.pilotId === pB) ? all : undefined;
      },
      'both pilots listed',
      30_000,
    );
    expect(listed.length).toBeGreaterThanOrEqual(2);
    const mine = ((await (await api.as('zhang', '/api/pilots?limit=1000')).json()) as { pilots: PilotListItem[] }).pilots;
    expect(mine.map((p) => p.pilotId)).toEqual([pA]);
    const other = await api.as('zhang', `/api/pilots?college=${engineering}`);
    expect(other.status).toBe(403);
    const read = await api.as('zhang', `/api/pilots/${pB}`);
    expect(read.status).toBe(403);
    expect((await errorOf(read)).message).toContain('只能查看和办理本学院');
    const act = await api.as('zhang', `/api/pilots/${pB}/weekly-reports`, {
      method: 'POST',
      json: { periodId: '2026-W01', content: 'x', actor: { id: 'zhang', role: 'pilotLead' } },
    });
    expect(act.status).toBe(403);
    expect(eventsOf('scope.refused').filter((e) => e.user === 'zhang').length).toBeGreaterThanOrEqual(3);
    // The school leader reads every college.
    expect((await api.as('vp', `/api/pilots/${pB}`)).status).toBe(200);
  });

  it('refuses a search-attribute query injection through a filter, and logs it', async () => {
    const injected = `${forestry}" OR OnexCollege = "${engineering}`;
    for (const user of ['zhang', 'jwb']) {
      const res = await api.as(user, `/api/pilots?college=${encodeURIComponent(injected)}`);
      expect(res.status).toBe(400);
      expect((await errorOf(res)).results[0]!.message.zh).toBeTruthy();
    }
    const stage = await api.as('jwb', `/api/pilots?stage=${encodeURIComponent('implementation" OR ExecutionStatus != "x')}`);
    expect(stage.status).toBe(400);
    expect(eventsOf('filter.refused').length).toBe(3);
  });
});

describe('the web session: cookie, CSRF', () => {
  it('signs in, and refuses a change without the CSRF token or from another origin', async () => {
    const wrong = await fetch(`${api.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'dean', password: 'nope-nope' }),
    });
    expect(wrong.status).toBe(401);
    expect(eventsOf('auth.signInFailed').at(-1)).toMatchObject({ attempted: 'dean' });

    const signIn = await fetch(`${api.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'dean', password: api.users.password('dean') }),
    });
    expect(signIn.status).toBe(200);
    const setCookie = signIn.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^onex_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
    const cookie = setCookie.split(';')[0]!;
    const { csrfToken, user } = (await signIn.json()) as { csrfToken: string; user: { id: string; college: string } };
    expect(user).toMatchObject({ id: 'dean', college: forestry });

    const report = { periodId: '2026-W01', content: 'x', actor: { id: 'dean', role: 'collegeLeader', college: forestry } };
    const post = (headers: Record<string, string>) =>
      fetch(`${api.url}/api/pilots/${pA}/weekly-reports`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(report),
      });
    const noToken = await post({});
    expect(noToken.status).toBe(403);
    expect((await errorOf(noToken)).results[0]!.ruleId).toBe('auth.csrf');
    const otherOrigin = await post({ 'x-csrf-token': csrfToken, origin: 'http://evil.test' });
    expect(otherOrigin.status).toBe(403);
    expect(eventsOf('csrf.refused').map((e) => e.reason)).toEqual([
      'missing or wrong CSRF token',
      'cross-origin request from http://evil.test',
    ]);
    // With the token the request reaches the workflow (which refuses the past week by its own rule, Art. 5).
    const withToken = await post({ 'x-csrf-token': csrfToken });
    expect(withToken.status).toBe(422);
    // Reading needs no CSRF token.
    expect((await fetch(`${api.url}/api/pilots/${pA}`, { headers: { cookie } })).status).toBe(200);
  });
});

describe('signed one-click links', () => {
  const verify = (user: string, token: string) => api.as(user, '/api/links/verify', { method: 'POST', json: { token } });

  it("opens the action for its recipient; a forged, expired or someone else's link is refused and logged", async () => {
    const secret = api.users.auth.linkSecret;
    const good = signLinkToken(secret, { email: 'zhang@college.test', action: 'weeklyReport', pilotId: pA, ref: '2026-W45' });
    const ok = await verify('zhang', good);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      action: 'weeklyReport',
      pilotId: pA,
      ref: '2026-W45',
      target: `/pilots/${pA}?do=weeklyReport&ref=2026-W45`,
    });

    const forged = signToken('x'.repeat(43), 'onex.link.v1', {
      v: 1,
      email: 'zhang@college.test',
      action: 'approve',
      pilotId: pA,
      exp: 4_102_444_800,
    });
    const expired = signLinkToken(secret, { email: 'zhang@college.test', action: 'weeklyReport', pilotId: pA }, 60, Date.now() - 3600_000);
    const results = [await verify('zhang', forged), await verify('zhang', expired), await verify('dean', good)];
    expect(results.map((r) => r.status)).toEqual([403, 403, 403]);
    const errs = await Promise.all(results.map(errorOf));
    expect(errs.map((e) => e.results[0]!.ruleId)).toEqual(['link.signature', 'link.expired', 'link.otherUser']);
    expect(errs[1]!.message).toContain('链接已过期');
    expect(eventsOf('link.refused').map((e) => e.reason)).toEqual(['signature', 'expired', 'otherUser']);
  });
});
