/// <reference lib="dom" />
/**
 * The admin page (web/, Vue + Element Plus) in Chromium: sign in as a user of a TestApi, on a
 * desktop or a phone-sized viewport; the axe-core check every page must pass (no serious or
 * critical violation); and the check that no raw code identifier is visible in Chinese mode.
 */
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../scripts/binaries';
import type { TestApi } from './api';

export const desktop = { width: 1280, height: 900 };
export const phone = { width: 390, height: 844 };

/** Signs in through the page's own form and waits until the frame shows the user. */
export async function signInPage(browser: Browser, api: TestApi, user: string, path = '/signin', viewport = desktop): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${api.url}${path}`);
  await page.locator('#signin-id').fill(user);
  await page.locator('#signin-password').fill(api.users.password(user));
  await page.locator('.signin button[type=submit]').click();
  await page.locator('header .me').waitFor();
  return page;
}

/** axe-core on the page as it is now: the serious and critical violations, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Element Plus fades messages and tags in: on a loaded machine axe would measure a half-faded
  // text's contrast. Transitions end at once, as for a reader who asked for reduced motion.
  await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; animation: none !important; }' });
  await page.waitForTimeout(100);
  // playwright-core's Page is the type @axe-core/playwright expects (its peer dependency).
  const result = await new AxeBuilder({ page: page as never }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Words on the page that look like code identifiers: camelCase words (pilotLead,
 * weeklyMissed, teacherTraining) and snake/dotted ids (art8.minExaminees). Ids people do see
 * (pilot ids such as `web-a-xyz`, user ids typed at sign-in) are lower-case with hyphens and
 * are not matched; `allow` lists words the caller knows are data.
 */
export async function rawCodesOnPage(page: Page, allow: readonly string[] = []): Promise<string[]> {
  // E-mail addresses are data people read (a user's address), not code.
  const text = (await page.evaluate(() => document.body.innerText)).replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ');
  const found = new Set<string>();
  for (const m of text.matchAll(/\b[a-z]+(?:[A-Z][a-z0-9]+)+\b|\b[a-z]+\d*\.[a-z][A-Za-z]+\b|\b[a-z]+_[a-z_]+\b/g)) {
    if (!allow.includes(m[0])) found.add(m[0]);
  }
  return [...found];
}

/**
 * Where the browser tests put their screenshots: test-results/screenshots (git-ignored), so
 * a test run never leaves the tree dirty. `npm run screenshots` runs the page walk with
 * ONEX_SCREENSHOT_DIR=docs/screenshots to refresh the README's pictures on purpose.
 */
export function screenshotPath(name: string): string {
  const dir = resolve(projectRoot, process.env.ONEX_SCREENSHOT_DIR ?? 'test-results/screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

/**
 * Opens an Element Plus select (its input, `selector`) until the option with `text` shows in
 * its own list (the input's aria-controls; another select's closing list may hold the same
 * name), and returns that option. A click that lands while the select's panel is unfolding,
 * or while another list is closing, leaves it shut on a loaded machine: it clicks again.
 */
export async function openOption(page: Page, selector: string, text: string | RegExp, tries = 6) {
  const input = page.locator(selector);
  await input.waitFor({ state: 'visible' });
  const list = await input.getAttribute('aria-controls');
  const option = page.locator(`[id="${list}"] .el-select-dropdown__item`, { hasText: text }).first();
  for (let i = 0; i < tries && !(await option.isVisible()); i++) {
    await input.click({ force: true });
    await option.waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
  }
  await option.waitFor({ state: 'visible' });
  return option;
}

/**
 * Chooses an option of an Element Plus select by its visible text ({@link openOption}); when
 * the list closes or re-renders under the click (the option "not visible" until the click times
 * out, as a people list loading did in CI), it opens the list again and retries.
 */
export async function chooseOption(page: Page, selector: string, text: string | RegExp): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 4; i++) {
    const option = await openOption(page, selector, text);
    try {
      await option.click({ timeout: 5_000 });
      return;
    } catch (err) {
      last = err;
    }
  }
  throw last;
}
