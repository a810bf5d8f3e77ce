/**
 * The admin page (web/: Vue 3 + Element Plus, built by Vite, served by the API) in a real
 * headless Chromium against the real API on the dev server: each role signs in through the
 * page and lands on its main page; the page's frame passes axe-core.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api';
import { launchChromium } from '../helpers/browser';
import { axeViolations, rawCodesOnPage, signInPage } from '../helpers/web';

const suffix = Date.now().toString(36);
const forestry = `forestry-${suffix}`;
let api: TestApi;
let browser: Browser;

beforeAll(async () => {
  api = await startTestApi(inject('temporalAddress'), [
    'jwb:academicAffairs',
    `zhang:pilotLead:${forestry}`,
    `other:pilotLead:elsewhere-${suffix}`,
    'vp:schoolLeader',
    'ops:admin',
  ]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('the people the page lets one choose (/api/directory)', () => {
  it('names, roles and colleges only; a college-scoped user sees their college and the all-college roles', async () => {
    const res = await api.as('jwb', '/api/directory');
    const all = (await res.json()) as { people: Record<string, unknown>[] };
    expect(res.status, JSON.stringify(all)).toBe(200);
    expect(all.people.map((p) => p.id).sort()).toEqual(['jwb', 'ops', 'other', 'vp', 'zhang']);
    for (const p of all.people) expect(Object.keys(p).sort()).toEqual(expect.arrayContaining(['id', 'name', 'role']));
    // Academic Affairs names the lead and leaders in a new pilot's record: it alone reads e-mails.
    expect(JSON.stringify(all)).not.toMatch(/hash|token/i);
    expect(all.people.find((p) => p.id === 'zhang')?.email).toMatch(/@/);
    const mine = (await (await api.as('zhang', '/api/directory')).json()) as { people: { id: string }[] };
    expect(JSON.stringify(mine)).not.toMatch(/@|hash|token/i);
    expect(mine.people.map((p) => p.id).sort()).toEqual(['jwb', 'ops', 'vp', 'zhang']);
    expect((await api.as('zhang', '/api/directory?x=1')).status).toBe(400);
  });
});

describe('the admin page in Chromium', () => {
  it('the sign-in page is accessible; a wrong password is refused on the page, in Chinese with English', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${api.url}/inbox`);
    await page.locator('#signin-id').waitFor();
    expect(await page.title()).toContain('登录');
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#signin-id').fill('zhang');
    await page.locator('#signin-password').fill('wrong password');
    await page.locator('.signin button[type=submit]').click();
    await expect
      .poll(() =>
        page
          .locator('#signin-id-error, #signin-password-error, .form-errors')
          .allInnerTexts()
          .then((t) => t.join(' ')),
      )
      .toMatch(/[\u4e00-\u9fff].*\/.*[a-z]/);
    const input = page.locator((await page.locator('#signin-id-error').count()) ? '#signin-id' : '#signin-password');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('the raw-code check finds what it looks for (negative control for every page walk)', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.setContent(
      '<body><p>试点负责人 pilot lead</p><p>用途 teacherTraining；规则 art8.minExaminees；状态 not_started；试点 web-a-1x</p></body>',
    );
    expect(await rawCodesOnPage(page)).toEqual(['teacherTraining', 'art8.minExaminees', 'not_started']);
    await page.context().close();
  });

  it('each role signs in and lands on its main page, which names the role in Chinese and shows no code', async () => {
    for (const [user, path] of [
      ['zhang', '/inbox'],
      ['vp', '/dashboard'],
      ['ops', '/users'],
    ] as const) {
      const page = await signInPage(browser, api, user);
      await page.waitForURL((u) => u.pathname === path);
      expect(await rawCodesOnPage(page)).toEqual([]);
      await page.context().close();
    }
  });
});
