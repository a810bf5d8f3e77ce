/**
 * The administrator's user management page (/users) in Chromium against the real API: the
 * administrator adds a user in the page (role by its Chinese name, the college asked for
 * because the role belongs to one), the password shown once signs the new user in; a reset
 * password shown once replaces the old one; an API token is issued (shown once) and revoked.
 * The page passes axe and shows no code, on a desktop and a phone; its screenshots go where
 * test/helpers/web.ts screenshotPath says (docs/screenshots only under `npm run screenshots`).
 */
import { writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readUsersFile } from '../../client/auth/users';
import { startTestApi, type TestApi } from '../helpers/api';
import { launchChromium } from '../helpers/browser';
import { axeViolations, desktop, phone, rawCodesOnPage, screenshotPath, signInPage } from '../helpers/web';

const suffix = Date.now().toString(36);
const forestry = `forestry-${suffix}`;
const newId = `liu-${suffix}`;
let api: TestApi;
let browser: Browser;

beforeAll(async () => {
  api = await startTestApi(inject('temporalAddress'), ['ops:admin', `zhang:pilotLead:${forestry}`, 'jwb:academicAffairs']);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const screenshot = async (page: Page, name: string) => {
  const png = await page.screenshot({ fullPage: true });
  expect(png.length).toBeGreaterThan(1000);
  writeFileSync(screenshotPath(name), png);
};

/** Waits until no transition runs (a dialog fading in is measured by axe at its final colours). */
const settled = (page: Page) => page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));

/** Signs in through the sign-in form with a password the test read from the page. */
async function signInWith(id: string, password: string): Promise<{ page: Page; ok: boolean }> {
  const context = await browser.newContext({ viewport: desktop, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${api.url}/signin`);
  await page.locator('#signin-id').fill(id);
  await page.locator('#signin-password').fill(password);
  await page.locator('.signin button[type=submit]').click();
  const ok = await page
    .locator('header .me')
    .waitFor({ timeout: 10_000 })
    .then(() => true)
    .catch(() => false);
  return { page, ok };
}

/** The value of the secret dialog, and its warning, then closes it. */
async function takeSecret(page: Page): Promise<{ value: string; warning: string }> {
  const dialog = page.locator('.secret-dialog');
  await dialog.locator('#secret-value').waitFor();
  const value = await dialog.locator('#secret-value').inputValue();
  const warning = await dialog.locator('.secret-warn').innerText();
  await settled(page);
  expect(await axeViolations(page)).toEqual([]);
  await dialog.locator('.secret-close').click();
  await dialog.locator('#secret-value').waitFor({ state: 'detached' });
  return { value, warning };
}

const confirmBox = async (page: Page) => {
  const box = page.locator('.el-message-box');
  await box.waitFor();
  expect(await box.innerText()).toMatch(/[\u4e00-\u9fff]/);
  await box.locator('.el-message-box__btns .el-button--primary').click();
};

describe('user management in the page', () => {
  it('the administrator lands on the users page: names and roles in Chinese, no code, accessible', async () => {
    const page = await signInPage(browser, api, 'ops');
    await page.waitForURL((u) => u.pathname === '/users');
    const table = page.locator('.users-table');
    await table.getByText('测试 zhang').waitFor();
    expect(await table.innerText()).toContain('试点负责人');
    expect(await table.innerText()).toContain(forestry);
    expect(await page.title()).toContain('用户管理');
    expect(await axeViolations(page)).toEqual([]);
    expect(await rawCodesOnPage(page)).toEqual([]);
    // The search narrows the table by name, id, college or the role's Chinese name.
    await page.locator('#users-search').fill('教务部');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    expect(await table.innerText()).toContain('测试 jwb');
    await page.locator('#users-search').fill('');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    await screenshot(page, 'admin-users-desktop');
    await page.context().close();
  });

  it('adds a user (the college asked for by the role), whose shown password signs them in', async () => {
    const page = await signInPage(browser, api, 'ops', '/users');
    await page.locator('.users-table').getByText('测试 zhang').waitFor();
    await page.locator('.users-add').click();
    const form = page.locator('.user-form-dialog');
    await form.locator('#user-id').fill(newId);
    await form.locator('#user-name').fill('刘老师');
    await form.locator('#user-email').fill(`${newId}@college.test`);
    expect(await form.locator('#user-college').count()).toBe(0);
    // The select's visible box, not its (covered) search input.
    await form.locator('.el-select', { has: page.locator('#user-role') }).click();
    await form.locator('.el-select-dropdown__item', { hasText: '试点负责人' }).click();
    // A college role: the college is asked for, and refused beside the field when left out.
    await form.locator('#user-college').waitFor();
    await form.locator('.user-form-submit').click();
    await expect
      .poll(() =>
        form
          .locator('#user-college-error')
          .innerText()
          .catch(() => ''),
      )
      .toMatch(/所属学院.*\/.*college/);
    expect(await axeViolations(page)).toEqual([]);
    expect(await rawCodesOnPage(page)).toEqual([]);
    await form.locator('.el-select', { has: page.locator('#user-college') }).click();
    await form.locator('.el-select-dropdown__item', { hasText: forestry }).click();
    await form.locator('.user-form-submit').click();

    const { value: password, warning } = await takeSecret(page);
    expect(password).toMatch(/^[A-Z2-9]{5}(-[A-Z2-9]{5}){3}$/);
    expect(warning).toContain('不再显示');
    const row = page.locator('.users-table tbody tr', { hasText: '刘老师' });
    await row.waitFor();
    expect(await row.innerText()).toContain('试点负责人');
    expect(await row.innerText()).toContain(forestry);
    expect(readUsersFile(api.users.file).users.find((u) => u.id === newId)).toMatchObject({ role: 'pilotLead', college: forestry });
    expect(await rawCodesOnPage(page)).toEqual([]);

    const signedIn = await signInWith(newId, password);
    expect(signedIn.ok).toBe(true);
    await signedIn.page.waitForURL((u) => u.pathname === '/inbox');
    expect(await signedIn.page.locator('header .me').innerText()).toContain('刘老师');

    // A new role (of the whole school: no college asked for) ends the new user's session.
    await row.locator('.users-manage').click();
    await page.locator('.user-panel .act-edit').click();
    await form.locator('#user-name').waitFor();
    expect(await form.locator('#user-id').count()).toBe(0);
    await form.locator('.el-select', { has: page.locator('#user-role') }).click();
    await form.locator('.el-select-dropdown__item', { hasText: '主管校领导' }).click();
    await form.locator('.college-none').waitFor();
    expect(await form.locator('#user-college').count()).toBe(0);
    await form.locator('.user-form-submit').click();
    await expect.poll(() => row.innerText()).toContain('主管校领导');
    expect(await row.innerText()).toContain('全校');
    expect(readUsersFile(api.users.file).users.find((u) => u.id === newId)).toMatchObject({ role: 'schoolLeader' });
    expect(readUsersFile(api.users.file).users.find((u) => u.id === newId)?.college).toBeUndefined();
    await signedIn.page.reload();
    await signedIn.page.locator('#signin-id').waitFor();
    await signedIn.page.context().close();
    await page.context().close();
  });

  it('resets a password (shown once; the old one stops working), issues and revokes a token', async () => {
    const page = await signInPage(browser, api, 'ops', '/users');
    const row = page.locator('.users-table tbody tr', { hasText: '测试 zhang' });
    await row.locator('.users-manage').click();
    const panel = page.locator('.user-panel');
    await panel.locator('.act-reset').waitFor();
    await settled(page);
    expect(await axeViolations(page)).toEqual([]);
    // The panel shows the e-mail address, whose domain (data) looks like a dotted name.
    expect(await rawCodesOnPage(page, ['college.test'])).toEqual([]);
    await panel.locator('.act-reset').click();
    await confirmBox(page);
    const { value: password } = await takeSecret(page);
    expect((await signInWith('zhang', api.users.password('zhang'))).ok).toBe(false);
    const fresh = await signInWith('zhang', password);
    expect(fresh.ok).toBe(true);
    await fresh.page.context().close();

    await panel.locator('#token-label').fill('统计脚本');
    await panel.locator('.token-issue').click();
    const { value: token } = await takeSecret(page);
    expect(token).toMatch(/^onex_[a-f0-9]+_/);
    const works = async () => (await fetch(`${api.url}/api/session`, { headers: { authorization: `Bearer ${token}` } })).status;
    expect(await works()).toBe(200);
    await panel.locator('.token', { hasText: '统计脚本' }).locator('.token-revoke').click();
    await confirmBox(page);
    await panel.locator('.token', { hasText: '统计脚本' }).waitFor({ state: 'detached' });
    expect(await works()).toBe(401);
    await page.context().close();
  });

  it('on a phone: the users page and an account’s panel pass axe and show no code', async () => {
    const page = await signInPage(browser, api, 'ops', '/users', phone);
    await page.locator('.users-table').getByText('刘老师').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await rawCodesOnPage(page)).toEqual([]);
    await screenshot(page, 'admin-users-phone');
    await page.locator('.users-table tbody tr', { hasText: '刘老师' }).locator('.users-manage').click();
    await page.locator('.user-panel .act-disable').waitFor();
    await settled(page);
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('.user-panel .act-disable').click();
    await confirmBox(page);
    await page.locator('.user-panel .act-enable').waitFor();
    expect(readUsersFile(api.users.file).users.find((u) => u.id === newId)?.disabled).toBe(true);
    await page.context().close();
  });
});
