/**
 * Academic Affairs' and the supervisors' pages in a real headless Chromium against the real
 * API on the dev server (real workers): Academic Affairs starts a pilot through the stepped
 * form (catalogue lists, people, date pickers; a refusal opens its step), sends one provincial
 * request to several pilots (dry run first, then the real run) and extends a deadline in bulk;
 * a supervisor finds the escalated and at-risk pilots on the dashboard, filters them and
 * exports the programme's XLSX (Chinese headers and names, no codes); a college-scoped user's
 * dashboard shows only their college. Every page passes axe and shows no raw code.
 */
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { shanghaiDate } from '../../domain/calendar';
import type { PilotState } from '../../workflows/pilot-state';
import { startTestApi, type TestApi } from '../helpers/api';
import { launchChromium } from '../helpers/browser';
import { eventually } from '../helpers/wait';
import { axeViolations, chooseOption, desktop, phone, rawCodesOnPage, screenshotPath, signInPage } from '../helpers/web';

const suffix = Date.now().toString(36);
// A college of the shipped catalogue (deploy/catalogue.json): 林业工程学院.
const forestry = 'forestry';
const forestryName = '林业工程学院';
const other = `mech-${suffix}`;
const pNew = `aa-new-${suffix}`;
const p1 = `aa-one-${suffix}`;
const p2 = `aa-two-${suffix}`;
const pRisk = `aa-risk-${suffix}`;
const pEsc = `aa-esc-${suffix}`;
let api: TestApi;
let browser: Browser;

const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const today = shanghaiDate(Date.now());

async function state(id: string): Promise<PilotState> {
  const res = await api.as('jwb', `/api/pilots/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as PilotState;
}

/** Waits until the dashboard (search attributes) lists these pilots. */
async function listed(ids: string[], flag?: 'escalated' | 'cancellationRisk'): Promise<void> {
  await eventually(
    async () => {
      const { pilots } = (await (await api.as('jwb', '/api/dashboard')).json()) as {
        pilots: { pilotId: string; escalated?: boolean; cancellationRisk?: boolean }[];
      };
      return ids.every((id) => pilots.some((p) => p.pilotId === id && (!flag || p[flag]))) ? true : undefined;
    },
    `pilots ${ids.join(', ')} listed`,
    30_000,
  );
}

/** Types a date into an Element Plus date picker and closes it. */
async function pickDate(page: Page, selector: string, date: string): Promise<void> {
  await page.locator(selector).click();
  await page.locator(selector).fill(date);
  await page.locator(selector).press('Enter');
  await page.keyboard.press('Escape');
}

beforeAll(async () => {
  api = await startTestApi(inject('temporalAddress'), [
    'jwb:academicAffairs',
    `lead1:pilotLead:${forestry}`,
    `dean1:collegeLeader:${forestry}`,
    `staff1:collegeStaff:${forestry}`,
    `lead2:pilotLead:${other}`,
    'vp:schoolLeader',
    'sup:supervisor',
  ]);
  browser = await launchChromium();
  await api.startPilot(p1, forestry, 'lead1', forestryName);
  await api.startPilot(p2, forestry, 'lead1', forestryName);
  await api.startPilot(pRisk, forestry, 'lead1', forestryName);
  await api.startEscalatedPilot(pEsc, other, 'lead2');
  // An Art. 19 ground recorded by Academic Affairs flags the pilot at risk of cancellation.
  const v = await api.as('jwb', `/api/pilots/${pRisk}/violations`, {
    method: 'POST',
    json: {
      id: `v-${suffix}`,
      ground: 'laxManagement',
      description: '试点管理松懈，未按要求组织培训',
      occurredOn: today,
      recordedBy: { id: 'jwb', role: 'academicAffairs' },
    },
  });
  expect(v.status, await v.clone().text()).toBe(200);
  await listed([p1, p2, pRisk, pEsc]);
  await listed([pRisk], 'cancellationRisk');
  await listed([pEsc], 'escalated');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('the catalogue (GET /api/catalogue)', () => {
  it('lists the shipped colleges by name with majors and certificates, merged with what running pilots carry; read-only, strict', async () => {
    const res = await api.as('sup', '/api/catalogue');
    const c = (await res.json()) as {
      colleges: { id: string; name: string; majors: { code: string; name: string }[]; certificates: { name: string; level: string }[] }[];
    };
    expect(res.status, JSON.stringify(c)).toBe(200);
    const f = c.colleges.find((x) => x.id === forestry)!;
    expect(f.name).toBe(forestryName);
    expect(f.majors.map((m) => m.name)).toContain('林业技术');
    // What the running pilots carry (the sample pilot's major and certificate) is merged in.
    expect(f.majors.map((m) => m.name)).toContain('园林技术');
    expect(f.certificates.map((x) => x.name)).toContain('花卉园艺');
    expect(c.colleges.find((x) => x.id === other)?.name).toBe(`${other} 学院`);
    // A college-scoped user sees their own college only.
    const mine = (await (await api.as('staff1', '/api/catalogue')).json()) as { colleges: { id: string }[] };
    expect(mine.colleges.map((x) => x.id)).toEqual([forestry]);
    expect((await api.as('sup', '/api/catalogue?x=1')).status).toBe(400);
    expect((await api.as('jwb', '/api/catalogue', { method: 'POST', json: {} })).status).toBe(404);
  });
});

describe("Academic Affairs' pages", () => {
  it('starts a pilot through the stepped form: lists, people, date pickers; a refusal opens its step', async () => {
    const page = await signInPage(browser, api, 'jwb', '/pilots/new');
    await page.locator('#pn-college').waitFor();
    expect(await page.title()).toContain('新建试点');
    expect(await axeViolations(page)).toEqual([]);
    // Step 1: nothing chosen → the fields say so beside themselves.
    await page.locator('button.next').click();
    await expect.poll(() => page.locator('#pn-college-error').innerText()).toMatch(/请选择.*\/.*choose/);
    await chooseOption(page, '#pn-college', forestryName);
    await page.locator('#pn-id').fill(pNew);
    await page.locator('button.next').click();
    // Step 2: the college's majors and certificates.
    await page.locator('#pn-major').waitFor({ state: 'visible' });
    await chooseOption(page, '#pn-major', '林业技术');
    await chooseOption(page, '#pn-certificate', '林草资源调查');
    expect(await page.locator('[data-step="1"]').innerText()).toContain('国家林业和草原局职业技能鉴定指导中心');
    await page.locator('button.next').click();
    // Step 3: people of the college, dates from the pickers, the budget in 元.
    await page.locator('#pn-lead').waitFor({ state: 'visible' });
    await chooseOption(page, '#pn-lead', '测试 lead1');
    await chooseOption(page, '#pn-college-leader', '测试 dean1');
    await chooseOption(page, '#pn-school-leader', '测试 vp');
    await pickDate(page, '#pn-start', today);
    // The end before the start: the server's refusal comes back to this step, beside the field.
    await pickDate(page, '#pn-end', addDays(today, -30));
    await page.locator('#pn-budget').fill('12,000');
    expect(await rawCodesOnPage(page)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('button.next').click();
    await page.locator('[data-step="3"]').waitFor({ state: 'visible' });
    const review = await page.locator('[data-step="3"]').innerText();
    expect(review).toContain(forestryName);
    expect(review).toContain('林草资源调查');
    expect(review).toContain('¥12,000.00');
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('button.submit').click();
    await page.locator('[data-step="2"]').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('#pn-end-error').innerText()).toMatch(/结束日期.*\/.*end date/);
    expect(await page.locator('#pn-end').getAttribute('aria-invalid')).toBe('true');
    await pickDate(page, '#pn-end', addDays(today, 400));
    await page.locator('button.next').click();
    await page.locator('[data-step="3"]').waitFor({ state: 'visible' });
    await page.screenshot({ path: screenshotPath('academic-affairs-new-pilot-desktop'), fullPage: true });
    await page.locator('button.submit').click();
    await page.waitForURL((u) => u.pathname === `/pilots/${pNew}`);
    const s = await state(pNew);
    expect(s.pilot.college).toEqual({ id: forestry, name: forestryName });
    expect(s.pilot.major).toEqual({ code: '410201', name: '林业技术' });
    expect(s.pilot.certificate.name).toBe('林草资源调查');
    expect(s.pilot.lead).toMatchObject({ name: '测试 lead1', email: 'lead1@college.test', userId: 'lead1' });
    expect(s.pilot.collegeLeaderEmail).toBe('dean1@college.test');
    expect(s.pilot.schoolLeaderEmail).toBe('vp@college.test');
    expect(s.pilot.approvedBudgetFen).toBe(1_200_000);
    expect(s.pilot.endDate).toBe(addDays(today, 400));
    await page.context().close();
  });

  it('sends one provincial request to several pilots: dry run first, each pilot named; then the real run; the pilots have it', async () => {
    const page = await signInPage(browser, api, 'jwb', '/bulk');
    await page.locator('.row-' + p1).waitFor();
    expect(await page.locator('button.real-run').isDisabled()).toBe(true);
    await chooseOption(page, '#bulk-college', forestryName);
    await page.locator('#bulk-q').fill(suffix);
    // The three started here, and the one the form started (when that test ran first).
    await expect.poll(() => page.locator('.pilot-row').count()).toBeGreaterThanOrEqual(3);
    const shown = await page.locator('.pilot-row').count();
    await page.locator('button.select-all').click();
    expect(await page.locator('.selected-count').innerText()).toContain(`已选 ${shown} 个试点`);
    // Taken out again, one by one: the at-risk pilot and the form's new one.
    await page.locator(`.pick-${pRisk}`).click();
    if (await page.locator(`.pick-${pNew}`).count()) await page.locator(`.pick-${pNew}`).click();
    expect(await page.locator('.selected-count').innerText()).toContain('已选 2 个试点');
    const reqId = `req-${suffix}`;
    await page.locator('#bulk-req-id').fill(reqId);
    await page.locator('#bulk-req-title').fill('2026 年度试点工作总结');
    await pickDate(page, '#bulk-req-due', addDays(today, 20));
    await page.locator('button.dry-run').click();
    const results = page.locator('.results');
    await results.waitFor();
    expect(await results.innerText()).toContain('试运行结果');
    expect(await results.locator('tbody tr').count()).toBe(2);
    for (const row of await results.locator('tbody tr').allInnerTexts()) {
      expect(row).toContain('✓');
      expect(row).toContain(forestryName);
    }
    expect((await state(p1)).provincial.some((r) => r.id === reqId)).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    expect(await rawCodesOnPage(page)).toEqual([]);
    expect(await page.locator('button.real-run').isDisabled()).toBe(false);
    await page.locator('button.real-run').click();
    await expect.poll(() => results.locator('h2').innerText()).toContain('执行结果');
    expect(await results.innerText()).toContain('成功 2 个，拒绝 0 个');
    for (const id of [p1, p2]) expect((await state(id)).provincial.map((r) => r.id)).toContain(reqId);
    expect((await state(pRisk)).provincial.map((r) => r.id)).not.toContain(reqId);
    // The same request again: the dry run names each pilot's refusal.
    await page.locator('button.dry-run').click();
    await expect.poll(() => results.locator('h2').innerText()).toContain('试运行结果');
    await expect.poll(() => results.innerText()).toContain('✗');
    expect(await results.innerText()).toContain(`已登记报送要求 ${reqId}`);
    await page.context().close();
  });

  it('extends a deadline in bulk: the dry run first, then the real run', async () => {
    const before = (await state(p2)).periods.find((x) => x.outcome === 'pending')!;
    expect(before).toBeDefined();
    const newDue = new Date(Date.parse(before.dueAt) + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    const page = await signInPage(browser, api, 'jwb', '/bulk');
    await page.locator('.el-tabs__item', { hasText: '延长截止日期' }).click();
    await page.locator(`.pick-${p2}`).click();
    await chooseOption(page, '#bulk-ext-kind', '周报');
    await page.locator('#bulk-ext-id').fill(before.id);
    await pickDate(page, '#bulk-ext-due', newDue);
    // No reason: refused beside the field, in Chinese with English.
    await page.locator('button.dry-run').click();
    await expect.poll(() => page.locator('#bulk-ext-reason-error').innerText()).toMatch(/[\u4e00-\u9fff].* \/ .*[a-z]/);
    await page.locator('#bulk-ext-reason').fill('国务院调整节假日安排');
    await page.locator('button.dry-run').click();
    const results = page.locator('.results');
    await expect.poll(() => results.innerText()).toContain('✓');
    expect((await state(p2)).periods.find((x) => x.id === before.id)!.dueAt).toBe(before.dueAt);
    await page.locator('button.real-run').click();
    await expect.poll(() => results.locator('h2').innerText()).toContain('执行结果');
    expect((await state(p2)).periods.find((x) => x.id === before.id)!.dueAt).not.toBe(before.dueAt);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('the pilot list searches and filters by college name and flags, and opens a pilot', async () => {
    const page = await signInPage(browser, api, 'jwb', '/pilots');
    await page.locator('.row-' + pEsc).waitFor();
    await page.locator('#pilots-q').fill(suffix);
    await page.locator('.pilots-atrisk').click();
    await expect.poll(() => page.locator('.pilot-row').count()).toBe(1);
    expect(await page.locator('.pilot-row').innerText()).toContain(forestryName);
    expect(await axeViolations(page)).toEqual([]);
    expect(await rawCodesOnPage(page)).toEqual([]);
    await page.locator(`.row-${pRisk} a.pilot-link`).click();
    await page.waitForURL((u) => u.pathname === `/pilots/${pRisk}`);
    await page.context().close();

    // On a phone, the list, the bulk page and the new-pilot form are as accessible.
    for (const [path, ready] of [
      ['/pilots', `.row-${p1}`],
      ['/bulk', `.row-${p1}`],
      ['/pilots/new', '#pn-college'],
    ] as const) {
      const small = await signInPage(browser, api, 'jwb', path, phone);
      await small.locator(ready).waitFor();
      expect(await axeViolations(small), path).toEqual([]);
      expect(await rawCodesOnPage(small), path).toEqual([]);
      await small.context().close();
    }
  });
});

describe("the supervisors' dashboard", () => {
  it('a supervisor finds the escalated and at-risk pilots with their reasons, filters escalated, and exports the programme (XLSX)', async () => {
    const page = await signInPage(browser, api, 'sup', '/dashboard');
    const attention = page.locator('.attention');
    await attention.locator(`[data-pilot="${pEsc}"]`).waitFor();
    expect(await attention.locator(`[data-pilot="${pRisk}"]`).innerText()).toContain('教务部登记了第十九条规定的情形');
    expect(await attention.locator(`[data-pilot="${pEsc}"]`).innerText()).toContain('已督办');
    expect(await attention.locator(`[data-pilot="${pEsc}"] .reasons`).innerText()).toContain('已上报督办');
    expect(await attention.locator(`[data-pilot="${p1}"]`).count()).toBe(0);
    const perCollege = await page.locator('.per-college').innerText();
    expect(perCollege).toContain(forestryName);
    expect(perCollege).toContain('实施中');
    expect(perCollege).not.toContain(`\t${forestry}\t`);
    // The pilot list below: escalated only.
    await page.locator('#dash-q').fill(suffix);
    await page.locator('.dash-escalated').click();
    await expect.poll(() => page.locator('.dash-pilots .pilot-row').count()).toBe(1);
    expect(await page.locator('.dash-pilots .pilot-row').innerText()).toContain('已督办');
    expect(await axeViolations(page)).toEqual([]);
    expect(await rawCodesOnPage(page)).toEqual([]);
    await page.locator('.dash-escalated').click();
    await page.screenshot({ path: screenshotPath('supervisor-dashboard-desktop'), fullPage: true });
    expect(await page.locator('a.export-programme').getAttribute('href')).toBe('/api/exports/programme?format=xlsx');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a.export-programme').click()]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const texts: string[] = [];
    wb.eachSheet((ws) => {
      texts.push(ws.name);
      ws.eachRow((row) => row.eachCell((c) => texts.push(String(c.text))));
    });
    const first = wb.worksheets[0]!;
    // A title line first, then the header.
    expect(String(first.getRow(1).getCell(1).text)).toMatch(/[\u4e00-\u9fff]/);
    const header = (first.getRow(2).values as unknown[]).filter(Boolean).map(String);
    expect(header.length).toBeGreaterThan(2);
    for (const h of header) expect(h).toMatch(/[\u4e00-\u9fff]/);
    expect(texts.join('\n')).toContain(forestryName);
    expect(texts.join('\n')).toContain('实施中');
    const codes = texts.filter((t) => /^(implementation|running|completed|cancelled|pilotLead|academicAffairs|laxManagement)$/.test(t));
    expect(codes).toEqual([]);
    await page.context().close();

    const small = await signInPage(browser, api, 'sup', '/dashboard', phone);
    await small.locator('.attention').locator(`[data-pilot="${pEsc}"]`).waitFor();
    expect(await axeViolations(small)).toEqual([]);
    await small.screenshot({ path: screenshotPath('supervisor-dashboard-phone'), fullPage: true });
    await small.context().close();
  });

  it("a college-scoped user's dashboard shows only their college", async () => {
    const page = await signInPage(browser, api, 'staff1', '/dashboard', desktop);
    await page.locator(`.dash-pilots .row-${p1}`).waitFor();
    expect(await page.locator(`.row-${pEsc}`).count()).toBe(0);
    expect(await page.locator('.per-college tbody tr').count()).toBe(1);
    expect(await page.locator('.per-college').innerText()).toContain(forestryName);
    expect(await page.locator('.scoped').innerText()).toContain(forestryName);
    expect(await page.locator('a.export-programme').count()).toBe(0);
    expect(await page.locator('a.export-college').getAttribute('href')).toBe(`/api/exports/college/${forestry}?format=xlsx`);
    expect(await axeViolations(page)).toEqual([]);
    expect(await rawCodesOnPage(page)).toEqual([]);
    await page.context().close();
  });
});
