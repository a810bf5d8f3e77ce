/**
 * Every page of the admin page, as every role reaches it, in Chinese mode: no code
 * identifier is visible (camelCase words, dotted rule ids, snake_case), axe-core finds no
 * serious or critical violation, each page has its own title and one heading. The main page
 * of each role is photographed on a desktop and a phone (test-results/screenshots; `npm run
 * screenshots` writes the README's copies to docs/screenshots).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api';
import { launchChromium } from '../helpers/browser';
import { budgetPlan } from '../helpers/children';
import { eventually } from '../helpers/wait';
import { axeViolations, phone, rawCodesOnPage, screenshotPath, signInPage } from '../helpers/web';

const suffix = Date.now().toString(36);
const forestry = `forestry-${suffix}`;
const [pilot, escalated] = [`walk-${suffix}`, `walk-esc-${suffix}`];
let api: TestApi;
let browser: Browser;

beforeAll(async () => {
  api = await startTestApi(inject('temporalAddress'), [
    'jwb:academicAffairs',
    `dean:collegeLeader:${forestry}`,
    `zhang:pilotLead:${forestry}`,
    'vp:schoolLeader',
    'duban:supervisor',
    'ops:admin',
  ]);
  await api.startPilot(pilot, forestry, 'zhang', '林业学院', { schoolLeaderEmail: 'vp@college.test' });
  await api.startEscalatedPilot(escalated, forestry, 'zhang');
  const r = await api.as('zhang', `/api/pilots/${pilot}/approvals`, {
    method: 'POST',
    json: { kind: 'budget', subject: budgetPlan(pilot), actor: { id: 'zhang', role: 'pilotLead' } },
  });
  expect(r.status).toBe(201);
  await eventually(
    async () => ((await api.as('jwb', `/api/pilots/${pilot}/approvals/budget-1`)).ok ? true : undefined),
    'approval',
    30_000,
  );
  await eventually(
    async () => {
      const res = await api.as('duban', '/api/dashboard?limit=1000');
      const { pilots } = (await res.json()) as { pilots: { pilotId: string }[] };
      return [pilot, escalated].every((id) => pilots.some((p) => p.pilotId === id)) ? true : undefined;
    },
    'pilots listed',
    30_000,
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const approvalPath = () => `/pilots/${pilot}/approvals/budget-1`;
const roles: { user: string; name: string; main: string; pages: () => string[] }[] = [
  {
    user: 'jwb',
    name: 'academic-affairs',
    main: '/inbox',
    pages: () => ['/dashboard', '/pilots', '/pilots/new', '/bulk', `/pilots/${pilot}`, approvalPath()],
  },
  { user: 'dean', name: 'college-leader', main: '/inbox', pages: () => ['/dashboard', '/pilots', `/pilots/${pilot}`, approvalPath()] },
  {
    user: 'zhang',
    name: 'pilot-lead',
    main: '/inbox',
    pages: () => ['/pilots', `/pilots/${pilot}`, `/pilots/${pilot}/approvals/new?kind=budget`],
  },
  { user: 'vp', name: 'school-leader', main: '/dashboard', pages: () => ['/inbox', '/pilots', `/pilots/${escalated}`, approvalPath()] },
  { user: 'duban', name: 'supervisor', main: '/dashboard', pages: () => ['/inbox', '/pilots', `/pilots/${escalated}`, approvalPath()] },
  { user: 'ops', name: 'admin', main: '/users', pages: () => ['/inbox'] },
];

/** Waits until the page has its heading and nothing is loading any more. */
async function settled(page: Page): Promise<void> {
  await page.locator('main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page
    .locator('.el-loading-mask, [aria-busy=true]')
    .first()
    .waitFor({ state: 'hidden', timeout: 15_000 })
    .catch(() => undefined);
}

async function check(page: Page, path: string): Promise<string[]> {
  const problems: string[] = [];
  await settled(page);
  const codes = await rawCodesOnPage(page, [pilot, escalated]);
  if (codes.length) problems.push(`${path}: code identifiers visible: ${codes.join(', ')}`);
  const axe = await axeViolations(page);
  if (axe.length) problems.push(`${path}: axe: ${axe.join('; ')}`);
  if ((await page.locator('main h1').count()) !== 1) problems.push(`${path}: not exactly one h1`);
  if (!(await page.title()).includes('·')) problems.push(`${path}: no page title`);
  return problems;
}

describe('every page, as every role reaches it (Chinese mode)', () => {
  for (const role of roles) {
    it(`${role.name}: the main page and every page of the role show no code and pass axe; photographed on desktop and phone`, async () => {
      const page = await signInPage(browser, api, role.user);
      await page.waitForURL((u) => u.pathname === role.main);
      const problems = await check(page, role.main);
      await page.screenshot({ path: screenshotPath(`${role.name}-main-desktop`), fullPage: false });
      for (const path of role.pages()) {
        await page.goto(`${api.url}${path}`);
        problems.push(...(await check(page, path)));
      }
      const mobile = await signInPage(browser, api, role.user, '/signin', phone);
      await mobile.waitForURL((u) => u.pathname === role.main);
      await settled(mobile);
      problems.push(...(await check(mobile, `${role.main} (phone)`)));
      await mobile.screenshot({ path: screenshotPath(`${role.name}-main-phone`), fullPage: false });
      await mobile.context().close();
      await page.context().close();
      expect(problems).toEqual([]);
    });
  }
});
