/**
 * The admin web page in a real headless Chromium (Debian's, driven by playwright-core)
 * against the real API on the dev server: a pilot lead signs in and submits the week's
 * report from the inbox; a college leader approves a budget plan's college step from the
 * inbox and follows up an escalated pilot; a college-A user
 * neither sees nor reaches college B; a supervisor filters escalated pilots; exports
 * download and parse; a signed e-mail link opens its form after sign-in, a forged one is
 * refused. Screenshots of the inbox, the dashboard and a pilot page go to docs/screenshots/.
 */
import ExcelJS from 'exceljs';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signLinkToken } from '../../worker/links';
import { signToken } from '../../worker/signing';
import { projectRoot } from '../../scripts/binaries';
import type { PilotState } from '../../workflows/pilot-state';
import { startTestApi, type TestApi } from '../helpers/api';
import { launchChromium } from '../helpers/browser';
import { eventually } from '../helpers/wait';

const suffix = Date.now().toString(36);
const [forestry, engineering] = [`forestry-${suffix}`, `engineering-${suffix}`];
const [pA, pB, pE, pC] = [`web-a-${suffix}`, `web-b-${suffix}`, `web-esc-${suffix}`, `web-budget-${suffix}`];
const shots = join(projectRoot, 'docs/screenshots');
let api: TestApi;
let browser: Browser;

beforeAll(async () => {
  api = await startTestApi(inject('temporalAddress'), [
    'jwb:academicAffairs',
    `zhang:pilotLead:${forestry}`,
    `dean:collegeLeader:${forestry}`,
    `chen:pilotLead:${engineering}`,
    'vp:schoolLeader',
  ]);
  await api.startPilot(pA, forestry, 'zhang', '林业学院');
  await api.startPilot(pB, engineering, 'chen', '信息工程学院');
  await api.startEscalatedPilot(pE, forestry, 'zhang');
  await api.startPilot(pC, forestry, 'zhang', '林业学院', { schoolLeaderEmail: 'vp@college.test' });
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
  // The lists run on search attributes: wait until the three pilots are visible.
  await eventually(
    async () => {
      const res = await api.as('vp', '/api/dashboard?limit=1000');
      const { pilots } = (await res.json()) as { pilots: { pilotId: string }[] };
      return [pA, pB, pE, pC].every((id) => pilots.some((p) => p.pilotId === id)) ? true : undefined;
    },
    'pilots listed',
    30_000,
  );
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

async function signIn(user: string, path = '/signin', viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${api.url}${path}`);
  await page.fill('#f-id', user);
  await page.fill('#f-password', api.users.password(user));
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#who');
  return page;
}

const state = async (id: string) => (await (await api.as('jwb', `/api/pilots/${id}`)).json()) as PilotState;

describe('the admin web page in Chromium', () => {
  it("a pilot lead signs in and submits the week's report from the inbox; an empty report is refused beside its field", async () => {
    const page = await signIn('zhang');
    await page.waitForSelector('.inbox-item');
    const item = page.locator(`.inbox-item[data-kind="weeklyReport"][data-pilot="${pA}"]`);
    await expect(item.count()).resolves.toBe(1);
    const text = await item.innerText();
    expect(text).toMatch(/还剩 \d+ 个工作日|已逾期/);
    expect(text).toContain('working day');
    // Nothing of college B in this user's inbox.
    expect(await page.locator(`[data-pilot="${pB}"]`).count()).toBe(0);
    await page.screenshot({ path: join(shots, 'inbox.png'), fullPage: true });

    await item.locator('a.button').click();
    await page.waitForSelector('#form-weeklyReport');
    const period = (await state(pA)).periods[0]!.id;
    expect(await page.inputValue('#f-periodId')).toBe(period);

    // Client-side check with the same schema: the error appears beside the field, nothing is sent.
    await page.click('#form-weeklyReport button[type=submit]');
    await expect(page.locator('#err-content').innerText()).resolves.toMatch(/[\u4e00-\u9fff].* \/ .*[a-z]/);
    expect((await state(pA)).periods[0]!.outcome).toBe('pending');

    await page.fill('#f-content', '本周完成课证融通教学计划修订，组织考评员培训。');
    await page.click('#form-weeklyReport button[type=submit]');
    await page.waitForSelector('#flash-ok');
    expect(await page.innerText('#flash-ok')).toContain(period);
    const after = await state(pA);
    expect(after.periods[0]).toMatchObject({ id: period, outcome: 'onTime', by: { id: 'zhang', role: 'pilotLead', college: forestry } });
    // The timeline shows it.
    expect(await page.innerText('#timeline')).toContain(period);
    await page.context().close();
  });

  it("a college leader follows up his college's escalated pilot from the inbox and reports for the week", async () => {
    const page = await signIn('dean');
    await page.waitForSelector('.inbox-item');
    const chase = page.locator(`.inbox-item[data-kind="chase"][data-pilot="${pE}"]`);
    await expect(chase.count()).resolves.toBe(1);
    await chase.locator('a.button').click();
    await page.waitForSelector('#form-weeklyReport');
    await page.fill('#f-content', '学院督办：已约谈试点负责人，补报本周工作。');
    await page.click('#form-weeklyReport button[type=submit]');
    await page.waitForSelector('#flash-ok');
    expect((await state(pE)).periods[0]).toMatchObject({ outcome: 'onTime', by: { id: 'dean', role: 'collegeLeader', college: forestry } });
    await page.context().close();
  });

  it("a college leader approves a budget plan's college step from the inbox; a return without a comment is refused beside the field", async () => {
    const plan = {
      id: 'B-1',
      year: 2027,
      rationale: '考评员培训与考核场地建设',
      lines: [{ category: 'teacherTraining', description: '考评员培训', amountFen: 800_000 }],
      funding: [{ source: 'specialFund', amountFen: 800_000 }],
    };
    const submitted = await api.as('zhang', `/api/pilots/${pC}/approvals`, {
      method: 'POST',
      json: { kind: 'budget', subject: plan, actor: { id: 'zhang', role: 'pilotLead' } },
    });
    expect(submitted.status).toBe(201);
    expect(await submitted.json()).toMatchObject({ approvalId: 'budget-1' });
    const approval = async () =>
      (await (await api.as('jwb', `/api/pilots/${pC}/approvals/budget-1`)).json()) as {
        status: string;
        currentStep?: { id: string };
        decisions: { stepId: string; outcome: string; actor: { id: string; role: string } }[];
      };
    await eventually(async () => ((await approval()).currentStep?.id === 'college' ? true : undefined), 'approval started', 20_000);
    await eventually(
      async () => {
        const { items } = (await (await api.as('dean', '/api/inbox')).json()) as { items: { kind: string; pilotId: string }[] };
        return items.some((i) => i.kind === 'approval' && i.pilotId === pC) ? true : undefined;
      },
      'approval in the inbox',
      20_000,
    );

    const page = await signIn('dean');
    await page.waitForSelector('.inbox-item');
    const item = page.locator(`.inbox-item[data-kind="approval"][data-pilot="${pC}"]`);
    await expect(item.count()).resolves.toBe(1);
    await item.locator('a.button').click();
    await page.waitForSelector('#form-decide');
    expect(await page.getAttribute('#approval-chain li.current', 'data-step')).toBe('college');
    // The college step may approve or return, not reject (only the school leader rejects a budget).
    expect(await page.locator('#f-outcome option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([
      'approve',
      'return',
    ]);

    // A return needs a comment: refused beside the field, in Chinese with English, nothing sent.
    await page.selectOption('#f-outcome', 'return');
    await page.click('#decide');
    await expect(page.locator('#err-comment').innerText()).resolves.toMatch(/[\u4e00-\u9fff].* \/ .*[a-z]/);
    expect((await approval()).decisions).toHaveLength(0);

    await page.selectOption('#f-outcome', 'approve');
    await page.fill('#f-comment', '同意，报教务部审核。');
    await page.click('#decide');
    await page.waitForSelector('#flash-ok');
    await page.waitForSelector('#approval-chain li.current[data-step="academicAffairs"]');
    expect(await page.innerText('#approval-decisions')).toContain('dean');
    await page.screenshot({ path: join(shots, 'approval.png'), fullPage: true });
    const after = await approval();
    expect(after.currentStep?.id).toBe('academicAffairs');
    expect(after.decisions[0]).toMatchObject({
      stepId: 'college',
      outcome: 'approve',
      actor: { id: 'dean', role: 'collegeLeader', college: forestry },
    });
    // The college's decision is done: no decision form for the college leader at the next step.
    expect(await page.locator('#form-decide').count()).toBe(0);
    // The signed "approve" link of an approval e-mail, and the plain link, open the approval.
    const token = signLinkToken(api.users.auth.linkSecret, { email: 'dean@college.test', action: 'approve', pilotId: pC, ref: 'budget-1' });
    for (const path of [`/l/${token}`, `/pilots/${pC}/approvals/budget-1`]) {
      await page.goto(`${api.url}${path}`);
      await page.waitForURL(new RegExp(`/pilots/${pC}\\?do=approve&ref=budget-1$`));
      await page.waitForSelector('#approval-card[data-approval="budget-1"]');
    }
    await page.context().close();
  });

  it('a college-A user neither sees nor reaches college B: the API answers 403 and the page shows nothing of it', async () => {
    const page = await signIn('zhang', '/dashboard');
    await page.goto(`${api.url}/dashboard`);
    await page.waitForSelector('#pilots');
    const rows = await page.locator('#pilots tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-pilot')));
    expect(rows).toContain(pA);
    expect(rows).not.toContain(pB);
    expect(await page.inputValue('#f-college')).toBe(forestry);
    // Exports: the own college's workbook, never the programme's.
    expect(await page.getAttribute('#export-college', 'href')).toBe(`/api/exports/college/${forestry}?format=xlsx`);
    expect(await page.locator('#export-programme').count()).toBe(0);

    await page.goto(`${api.url}/pilots/${pB}`);
    await page.waitForSelector('#page-error');
    expect(await page.innerText('#page-error')).toContain('只能查看和办理本学院');
    expect(await page.locator('#pilot-title').count()).toBe(0);
    expect(await page.content()).not.toContain('信息工程学院');
    const statuses = await page.evaluate(async (id) => {
      const csrf = ((await (await fetch('/api/session')).json()) as { csrfToken: string }).csrfToken;
      const read = await fetch(`/api/pilots/${id}`);
      const act = await fetch(`/api/pilots/${id}/weekly-reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ periodId: '2026-W01', content: 'x', actor: { id: 'zhang', role: 'pilotLead' } }),
      });
      const list = await fetch(`/api/dashboard?college=${encodeURIComponent(id)}`);
      return [read.status, act.status, list.status];
    }, pB);
    expect(statuses).toEqual([403, 403, 403]);
    expect(api.users.events.filter((e) => e.event === 'scope.refused' && e.user === 'zhang').length).toBeGreaterThanOrEqual(3);
    await page.context().close();
  });

  it('a supervisor filters escalated pilots on the dashboard', async () => {
    const page = await signIn('vp', '/dashboard');
    await page.goto(`${api.url}/dashboard`);
    await page.waitForSelector('#pilots');
    await page.selectOption('#f-escalated', 'true');
    await page.click('#apply');
    await page.waitForURL(/escalated=true/);
    await page.waitForSelector('#pilots');
    const rows = page.locator('#pilots tbody tr');
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-pilot')));
    expect(ids).toContain(pE);
    expect(ids).not.toContain(pA);
    // The stage reads in words from the one dictionary, never as its code.
    const table = await page.innerText('#pilots');
    expect(table).toContain('实施中');
    expect(table).not.toMatch(/\timplementation\t/); // the code alone in its cell, as before
    expect(ids).not.toContain(pB);
    expect(await rows.locator('.badge.escalated').count()).toBe(ids.length);
    expect(await page.innerText('#counts')).toContain(forestry);
    expect(await page.getAttribute('#export-programme', 'href')).toBe('/api/exports/programme?format=xlsx');
    await page.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });
    await page.context().close();
  });

  it('exports the audit trail and ledger as XLSX and CSV that parse; the pilot page shows stage, timeline and e-mails', async () => {
    const page = await signIn('jwb', `/pilots/${pA}`);
    await page.goto(`${api.url}/pilots/${pA}`);
    await page.waitForSelector('#pilot-title');
    expect(await page.getAttribute('#stages li[aria-current="step"]', 'data-stage')).toBe('implementation');
    expect(await page.locator('#timeline tbody tr').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, 'pilot.png'), fullPage: true });

    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#export-xlsx')]);
    expect(xlsx.suggestedFilename()).toBe(`试点审计记录与专项资金账-${pA}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await xlsx.path())!) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['审计记录 Audit trail', '专项资金账 Fund ledger']);
    const cells = wb.worksheets[0]!.getSheetValues().flat().map(String).join(' ');
    expect(cells).toContain('zhang');
    expect(cells).toContain('工作周报');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0]!.split(',')[0]).toBe('序号 Seq');
    expect(lines.length).toBeGreaterThan(1);
    await page.context().close();
  });

  it('a signed link from an e-mail opens its form after sign-in; a forged link is refused and logged; usable on a phone; English on request', async () => {
    const period = (await state(pA)).periods.find((p) => p.outcome === 'pending')?.id ?? 'x';
    const token = signLinkToken(api.users.auth.linkSecret, {
      email: 'zhang@college.test',
      action: 'weeklyReport',
      pilotId: pA,
      ref: period,
    });
    const page = await signIn('zhang', `/l/${token}`, { width: 390, height: 844 });
    await page.waitForURL(new RegExp(`/pilots/${pA}\\?do=weeklyReport`));
    await page.waitForSelector('#pilot-title');
    // A phone screen: nothing wider than the viewport.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.goto(`${api.url}/inbox`);
    await page.waitForSelector('#inbox, #inbox-empty');
    await page.screenshot({ path: join(shots, 'inbox-phone.png'), fullPage: true });

    const forged = signToken('f'.repeat(43), 'onex.link.v1', {
      v: 1,
      email: 'zhang@college.test',
      action: 'weeklyReport',
      pilotId: pA,
      exp: 4_102_444_800,
    });
    await page.goto(`${api.url}/l/${forged}`);
    await page.waitForSelector('#link-error');
    expect(await page.innerText('#link-error')).toContain('链接无效或被篡改');
    expect(api.users.events.filter((e) => e.event === 'link.refused').map((e) => e.reason)).toContain('signature');

    await page.click('#lang');
    await page.waitForSelector('#nav-inbox');
    expect(await page.innerText('#nav-inbox')).toBe('My inbox');
    await page.context().close();
  });

  it('Academic Affairs extends a deadline in bulk: the dry run first, then the real run; the pilot page offers the inspection form', async () => {
    const before = (await state(pC)).periods.find((x) => x.outcome === 'pending')!;
    const newDue = new Date(Date.parse(before.dueAt) + 8 * 3600_000 + 1 * 86_400_000).toISOString().slice(0, 10);
    const page = await signIn('jwb', '/bulk');
    await page.goto(`${api.url}/bulk`);
    await page.waitForSelector('#form-extend');
    expect(await page.isDisabled('#extend-real')).toBe(true);
    await page.fill('#f-extend-pilotIds', `${pC}\nno-such-${suffix}`);
    await page.selectOption('#f-extend-kind', 'weeklyPeriod');
    await page.fill('#f-extend-id', before.id);
    await page.fill('#f-extend-due', newDue);
    await page.click('#extend-dry');
    await expect(page.locator('#err-reason').innerText()).resolves.toMatch(/[\u4e00-\u9fff].* \/ .*[a-z]/);
    await page.fill('#f-extend-reason', '国务院调整节假日安排');
    await page.click('#extend-dry');
    await page.waitForSelector(`#extend-results tr[data-pilot="${pC}"]`);
    expect(await page.innerText('#extend-results')).toContain('试运行');
    expect((await state(pC)).periods.find((x) => x.id === before.id)!.dueAt).toBe(before.dueAt);
    expect(await page.isDisabled('#extend-real')).toBe(false);
    await page.click('#extend-real');
    await page.waitForFunction(() => !document.querySelector('#extend-results')?.textContent?.includes('试运行'));
    expect(await page.innerText(`#extend-results tr[data-pilot="${pC}"]`)).toContain('✓');
    expect(await page.innerText(`#extend-results tr[data-pilot="no-such-${suffix}"]`)).toContain('✗');
    expect((await state(pC)).periods.find((x) => x.id === before.id)!.dueAt).not.toBe(before.dueAt);

    // The inspection form (Academic Affairs only): a finding without notes is refused beside its field.
    await page.goto(`${api.url}/pilots/${pC}?do=inspection`);
    await page.waitForSelector('#form-inspection');
    await page.fill('#f-in-id', 'I-1');
    await page.click('#form-inspection button[type=submit]');
    await expect(page.locator('#form-inspection .err[data-for="progress.notes"]').innerText()).resolves.toMatch(/[\u4e00-\u9fff]/);
    await page.context().close();
  });

  it('serves an OpenAPI description generated from the zod schemas, public like the page itself', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    const report = doc.paths['/api/pilots/{id}/weekly-reports']!.post!;
    expect(Object.keys(report.requestBody!.content['application/json']!.schema.properties!)).toEqual([
      'periodId',
      'content',
      'text',
      'documents',
      'actor',
    ]);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/pilots',
        '/api/pilots/{id}',
        '/api/inbox',
        '/api/dashboard',
        '/api/pilots/{id}/export',
        '/api/session',
        '/api/links/verify',
      ]),
    );
    for (const [path, keys] of [
      ['/api/bulk/extend-deadline', ['pilotIds', 'target', 'newDueDate', 'reason']],
      ['/api/bulk/remind-overdue', ['actor', 'dryRun']],
      ['/api/pilots/{id}/cancel', ['actor', 'reason']],
      ['/api/pilots/{id}/approvals/{approvalId}/delegate', ['stepId', 'delegate', 'validUntil']],
    ] as const) {
      expect(Object.keys(doc.paths[path]!.post!.requestBody!.content['application/json']!.schema.properties!)).toEqual(
        expect.arrayContaining([...keys]),
      );
    }
    expect((await fetch(`${api.url}/`)).headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
