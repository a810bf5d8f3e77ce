/**
 * 我的待办 and approvals in the admin page (web/: Inbox, ApprovalNew, Approval), in a real
 * headless Chromium against the real API on the dev server. The journey of issue 13: a
 * college leader submits a budget typed in yuan; the college step is his own, so he delegates
 * it to a colleague who decides it from her own inbox; Academic Affairs returns it with a
 * comment (a return without one is refused beside the field); the college leader amends a
 * line and resubmits; Academic Affairs and the school leader approve. The four tabs
 * (待办 / 已办 / 抄送我 / 我发起的) show the right items with counts along the way; a forbidden
 * use is offered disabled with its article; a wrong amount gets its friendly message; a
 * supervisor sees no form. axe-core and the raw-code check pass on every page.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { InboxItem, InboxTab } from '../../client/web/view';
import type { ApprovalState } from '../../workflows/approval-types';
import { startTestApi, type TestApi } from '../helpers/api';
import { launchChromium } from '../helpers/browser';
import { eventually } from '../helpers/wait';
import { axeViolations, chooseOption, desktop, openOption, phone, rawCodesOnPage, screenshotPath, signInPage } from '../helpers/web';

const suffix = Date.now().toString(36);
const forestry = `forestry-${suffix}`;
const pilot = `web-appr-${suffix}`;
let api: TestApi;
let browser: Browser;

beforeAll(async () => {
  api = await startTestApi(inject('temporalAddress'), [
    'jwb:academicAffairs',
    `zhang:pilotLead:${forestry}`,
    `dean:collegeLeader:${forestry}`,
    `wang:collegeStaff:${forestry}`,
    'vp:schoolLeader',
    'sup:supervisor',
  ]);
  await api.startPilot(pilot, forestry, 'zhang', '林业学院', {
    schoolLeaderEmail: 'vp@college.test',
    collegeLeaderEmail: 'dean@college.test',
  });
  browser = await launchChromium();
  // The inbox lists pilots through search attributes: wait until this one is visible.
  await eventually(
    async () => {
      const { pilots } = (await (await api.as('jwb', '/api/dashboard?limit=1000')).json()) as { pilots: { pilotId: string }[] };
      return pilots.some((p) => p.pilotId === pilot) ? true : undefined;
    },
    'pilot listed',
    30_000,
  );
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

type Inbox = { tabs: Record<InboxTab, InboxItem[]>; counts: Record<InboxTab, number> };
const inboxOf = async (user: string) => (await (await api.as(user, '/api/inbox')).json()) as Inbox;
const approvalItem = (i: InboxItem) => i.kind === 'approval' && i.pilotId === pilot && i.ref === 'budget-1';
/** Waits until the user's inbox has (or no longer has) the approval in a tab. */
const waitTab = (user: string, tab: InboxTab, present = true) =>
  eventually(async () => ((await inboxOf(user)).tabs[tab].some(approvalItem) === present ? true : undefined), `${user} ${tab}`, 30_000);
const approval = async () => (await (await api.as('jwb', `/api/pilots/${pilot}/approvals/budget-1`)).json()) as ApprovalState;

/** Opens 我的待办 on a tab and checks the counts it shows against the API's. */
async function openTab(page: Page, user: string, tab: InboxTab): Promise<void> {
  await page.goto(`${api.url}/inbox${tab === 'todo' ? '' : `?tab=${tab}`}`);
  await page.waitForSelector(`#inbox[data-tab="${tab}"], #inbox-empty[data-tab="${tab}"]`);
  const { counts } = await inboxOf(user);
  for (const t of ['todo', 'done', 'cc', 'mine'] as const) expect(await page.innerText(`#inbox-count-${t}`), t).toBe(String(counts[t]));
}
const card = (page: Page) => page.locator(`#inbox .inbox-item[data-kind="approval"][data-pilot="${pilot}"][data-ref="budget-1"]`);

/** Waits for `ok`; a refusal shown in `form` instead fails at once with its words. */
async function after(page: Page, ok: string, form: string): Promise<void> {
  const refused = `${form} .form-error-line, ${form} .field-error`;
  await page.waitForSelector(`${ok}, ${refused}`);
  if (await page.locator(refused).count()) throw new Error(`refused: ${(await page.locator(refused).allInnerTexts()).join(' | ')}`);
}

async function clean(page: Page, what: string): Promise<void> {
  expect(await axeViolations(page), `axe: ${what}`).toEqual([]);
  const codes = await rawCodesOnPage(page);
  const text = codes.length ? await page.evaluate(() => document.body.innerText) : '';
  expect(
    codes,
    `codes: ${what}: ${codes.map((c) => text.slice(Math.max(0, text.indexOf(c) - 80), text.indexOf(c) + 40)).join(' | ')}`,
  ).toEqual([]);
}

describe('approvals and 我的待办 in Chromium', () => {
  it('a college leader submits a budget in yuan; delegated, returned, resubmitted, approved by Academic Affairs and the school leader; the tabs follow', async () => {
    // ── The college leader writes the budget in yuan ──
    const dean = await signInPage(browser, api, 'dean', `/pilots/${pilot}/approvals/new?kind=budget`);
    await dean.waitForURL((u) => u.pathname === `/pilots/${pilot}/approvals/new`);
    await dean.waitForSelector('#budget-lines');
    await clean(dean, 'new approval');

    // A forbidden use is offered, disabled, with the article that forbids it.
    const forbidden = await openOption(dean, '#budget-line-0-category', '偿还债务');
    await expect.poll(() => forbidden.getAttribute('class')).toContain('is-disabled');
    expect(await forbidden.innerText()).toContain('第十一条');
    expect(await dean.innerText('#forbidden-uses')).toMatch(/偿还债务.*第十一条/s);
    await chooseOption(dean, '#budget-line-0-category', '师资培训');
    await dean.locator('#budget-rationale').fill('考评员培训与考核场地建设，保障年度考核任务。');
    await dean.locator('#budget-line-0-description').fill('考评员培训');
    // A wrong amount gets its friendly message beside the field, and nothing is sent.
    await dean.locator('#budget-line-0-amount').fill('12,000.505');
    await expect.poll(() => dean.locator('#budget-line-0-amount-problem').innerText()).toMatch(/最多两位小数.*two decimals/s);
    await dean.locator('#budget-line-0-amount').fill('-100');
    await expect.poll(() => dean.locator('#budget-line-0-amount-problem').innerText()).toMatch(/不能为负数/);
    expect(await dean.getAttribute('#budget-line-0-amount', 'aria-invalid')).toBe('true');
    await dean.locator('#approval-submit').click();
    await expect.poll(() => dean.locator('.form-errors').innerText()).toMatch(/金额/);
    expect((await (await api.as('jwb', `/api/pilots/${pilot}`)).json()).approvals).toHaveLength(0);
    await dean.locator('#budget-line-0-amount').fill('12,000.50');
    await expect.poll(() => dean.locator('#budget-line-0-amount-problem').count()).toBe(0);

    // A second line; live totals per use and overall; the funding check follows the typing.
    await dean.locator('#budget-add-line').click();
    await chooseOption(dean, '#budget-line-1-category', '证书考核');
    await dean.locator('#budget-line-1-description').fill('考核场地与耗材');
    await dean.locator('#budget-line-1-amount').fill('８０００'); // full-width digits, as a Chinese keyboard types them
    await expect.poll(() => dean.innerText('#budget-total')).toBe('¥20,000.50');
    await chooseOption(dean, '#budget-funding-0-source', '1+X 专项资金');
    await dean.locator('#budget-funding-0-amount').fill('15000');
    await expect.poll(() => dean.getAttribute('#budget-check', 'data-ok')).toBe('false');
    expect(await dean.innerText('#budget-check')).toMatch(/不足以保障.*¥5,000.50.*第十三条/s);
    await dean.locator('#budget-funding-0-amount').fill('20,000.50');
    await expect.poll(() => dean.getAttribute('#budget-check', 'data-ok')).toBe('true');
    expect(await dean.innerText('#budget-lines')).not.toMatch(/teacherTraining|certificateAssessment/);
    await clean(dean, 'new approval, filled in');
    await dean.screenshot({ path: screenshotPath('college-leader-budget-desktop'), fullPage: true });

    await dean.locator('#approval-submit').click();
    await dean.waitForURL((u) => u.pathname === `/pilots/${pilot}/approvals/budget-1`);
    await dean.waitForSelector('#approval-card[data-approval="budget-1"]');
    const submitted = await approval();
    expect(submitted.subject).toMatchObject({
      lines: [
        { category: 'teacherTraining', amountFen: 1_200_050 },
        { category: 'certificateAssessment', amountFen: 800_000 },
      ],
      funding: [{ source: 'specialFund', amountFen: 2_000_050 }],
    });
    expect(submitted.currentStep?.id).toBe('college');
    expect(await dean.getAttribute('#approval-chain li[aria-current="step"]', 'data-step')).toBe('college');
    expect(await dean.innerText('#subject-lines')).toMatch(/师资培训[\s\S]*¥12,000.50[\s\S]*证书考核[\s\S]*¥8,000.00/);
    // His own item: no decision form for him; he may delegate the step, copy people, withdraw.
    expect(await dean.locator('#form-decide').count()).toBe(0);
    for (const f of ['#form-delegate', '#form-cc', '#form-withdraw']) expect(await dean.locator(f).count(), f).toBe(1);
    await clean(dean, 'approval (submitter)');

    // 我发起的 holds it; nothing of it in his 待办.
    await waitTab('dean', 'mine');
    await openTab(dean, 'dean', 'mine');
    expect(await card(dean).count()).toBe(1);
    expect(await card(dean).innerText()).toMatch(/审批中：二级学院/);
    await openTab(dean, 'dean', 'todo');
    expect(await card(dean).count()).toBe(0);

    // ── He delegates the college step to a colleague chosen by name, and copies the lead ──
    await dean.goto(`${api.url}/pilots/${pilot}/approvals/budget-1`);
    await dean.waitForSelector('#form-delegate');
    await chooseOption(dean, '#delegate-person', '测试 wang');
    await dean.locator('#delegate').click();
    await after(dean, '#approval-delegations', '#form-delegate');
    expect(await dean.innerText('#approval-delegations')).toMatch(/测试 dean.*测试 wang/);
    await chooseOption(dean, '#cc-people', '测试 zhang');
    await dean.keyboard.press('Escape');
    await dean.locator('#cc').click();
    await after(dean, '#approval-cc', '#form-cc');
    expect(await dean.innerText('#approval-cc')).toContain('测试 zhang');
    expect((await approval()).cc.map((c) => c.email)).toEqual(['zhang@college.test']);

    // 抄送我 for the lead.
    await waitTab('zhang', 'cc');
    const lead = await signInPage(browser, api, 'zhang', '/inbox?tab=cc');
    await lead.waitForSelector('#inbox[data-tab="cc"]');
    await openTab(lead, 'zhang', 'cc');
    expect(await card(lead).count()).toBe(1);
    await clean(lead, 'inbox cc');
    await lead.context().close();

    // ── The delegate decides from her own inbox ──
    await waitTab('wang', 'todo');
    const wang = await signInPage(browser, api, 'wang', '/inbox');
    await openTab(wang, 'wang', 'todo');
    expect(await card(wang).innerText()).toMatch(/测试 dean 委托您办理/);
    expect(await card(wang).innerText()).toMatch(/还剩 \d+ 个工作日|今天截止/);
    await clean(wang, 'inbox (delegate)');
    await card(wang).locator('a.open-link').click();
    await wang.waitForSelector('#form-decide');
    expect(await wang.innerText('#form-decide h2')).toMatch(/受 测试 dean 委托/);
    // The college step may approve or return, not reject (only the school leader rejects a budget).
    expect(await wang.locator('#form-decide [data-outcome]').evaluateAll((l) => l.map((e) => e.getAttribute('data-outcome')))).toEqual([
      'approve',
      'return',
    ]);
    expect(await wang.locator('#form-delegate').count()).toBe(0);
    await wang.locator('#decide-comment').fill('同意，报教务部审核。');
    await wang.locator('#decide').click();
    await wang.waitForSelector('#approval-chain li[aria-current="step"][data-step="academicAffairs"]');
    expect(await wang.innerText('#approval-decisions')).toMatch(/测试 wang（代 测试 dean）/);
    expect((await approval()).decisions[0]).toMatchObject({
      stepId: 'college',
      outcome: 'approve',
      actor: { id: 'wang', onBehalfOf: 'dean' },
    });
    expect(await wang.locator('#form-decide').count()).toBe(0);
    await waitTab('wang', 'done');
    await openTab(wang, 'wang', 'done');
    expect(await card(wang).count()).toBe(1);
    await wang.context().close();

    // ── Academic Affairs returns it: a return without a comment is refused beside the field ──
    await waitTab('jwb', 'todo');
    const jwb = await signInPage(browser, api, 'jwb', '/inbox');
    await openTab(jwb, 'jwb', 'todo');
    await card(jwb).locator('a.open-link').click();
    await jwb.waitForSelector('#form-decide');
    await jwb.locator('#form-decide [data-outcome="return"]').click();
    await jwb.locator('#decide').click();
    await expect.poll(() => jwb.locator('#decide-comment-error').innerText()).toMatch(/[\u4e00-\u9fff].* \/ .*[a-z]/);
    expect(await jwb.getAttribute('#decide-comment', 'aria-invalid')).toBe('true');
    expect((await approval()).decisions).toHaveLength(1);
    await clean(jwb, 'approval, refused return');
    await jwb.locator('#decide-comment').fill('证书考核经费偏高，请压缩至 6,000 元后重新提交。');
    await jwb.locator('#decide').click();
    await jwb.waitForSelector('#approval-card[data-status="returned"]');
    await waitTab('jwb', 'done');

    // The college leader finds it in 待办 (returned for revision), reads the comment, amends a line, resubmits.
    await waitTab('dean', 'todo');
    await openTab(dean, 'dean', 'todo');
    expect(await card(dean).innerText()).toMatch(/已退回待修改/);
    await dean.screenshot({ path: screenshotPath('college-leader-inbox-desktop'), fullPage: true });
    await card(dean).locator('a.open-link').click();
    await dean.waitForSelector('#form-resubmit');
    expect(await dean.innerText('#approval-returned')).toContain('请压缩至 6,000 元');
    await dean.locator('#form-resubmit #budget-line-1-amount').fill('6,000');
    await dean.locator('#form-resubmit #budget-funding-0-amount').fill('18000.5');
    await expect.poll(() => dean.innerText('#form-resubmit #budget-total')).toBe('¥18,000.50');
    await clean(dean, 'approval, resubmission');
    await dean.locator('#resubmit-note').fill('证书考核经费已压缩至 6,000 元。');
    await dean.locator('#resubmit').click();
    await dean.waitForSelector('#approval-card[data-status="pending"]');
    const resubmitted = await approval();
    expect(resubmitted.round).toBe(2);
    expect(resubmitted.currentStep?.id).toBe('academicAffairs');
    expect((resubmitted.subject as { lines: { amountFen: number }[] }).lines[1]!.amountFen).toBe(600_000);

    // ── Academic Affairs approves; the school leader approves (and may reject) ──
    await waitTab('jwb', 'todo');
    await jwb.goto(`${api.url}/pilots/${pilot}/approvals/budget-1`);
    await jwb.waitForSelector('#form-decide');
    await jwb.locator('#decide-comment').fill('同意。');
    await jwb.locator('#decide').click();
    await jwb.waitForSelector('#approval-chain li[aria-current="step"][data-step="schoolLeader"]');
    await jwb.context().close();

    await waitTab('vp', 'todo');
    const vp = await signInPage(browser, api, 'vp', '/inbox');
    await openTab(vp, 'vp', 'todo');
    await card(vp).locator('a.open-link').click();
    await vp.waitForSelector('#form-decide');
    expect(await vp.locator('#form-decide [data-outcome]').evaluateAll((l) => l.map((e) => e.getAttribute('data-outcome')))).toEqual([
      'approve',
      'return',
      'reject',
    ]);
    await vp.locator('#decide').click();
    await vp.waitForSelector('#approval-card[data-status="approved"]');
    expect(await vp.innerText('#approval-decisions')).toMatch(/测试 vp/);
    await clean(vp, 'approval, approved');
    await waitTab('vp', 'done');
    await vp.context().close();

    const done = await approval();
    expect(done.status).toBe('approved');
    expect(done.decisions.map((d) => [d.stepId, d.outcome])).toEqual([
      ['college', 'approve'],
      ['academicAffairs', 'return'],
      ['academicAffairs', 'approve'],
      ['schoolLeader', 'approve'],
    ]);
    // The college leader's tabs at the end: nothing to do on it, still in 我发起的; on a phone too.
    await waitTab('dean', 'todo', false);
    await openTab(dean, 'dean', 'mine');
    expect(await card(dean).innerText()).toContain('已批准');
    await clean(dean, 'inbox mine');
    await dean.context().close();
    const phoneDean = await signInPage(browser, api, 'dean', '/inbox?tab=mine', phone);
    await phoneDean.waitForSelector('#inbox[data-tab="mine"]');
    expect(await phoneDean.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    await clean(phoneDean, 'inbox on a phone');
    await phoneDean.screenshot({ path: screenshotPath('college-leader-inbox-phone'), fullPage: true });
    await phoneDean.context().close();
  }, 400_000);

  it('the supervisor reads an approval and sees no form; search and filters narrow the inbox', async () => {
    const sup = await signInPage(browser, api, 'sup', `/pilots/${pilot}/approvals/budget-1`, desktop);
    await sup.waitForSelector('#approval-card[data-approval="budget-1"]');
    expect(await sup.locator('#form-decide, #form-resubmit, #form-delegate, #form-cc, #form-withdraw, #form-filing').count()).toBe(0);
    expect(await sup.innerText('main')).toContain('督导角色只能查看审批事项');
    await clean(sup, 'approval (supervisor)');
    await sup.goto(`${api.url}/inbox`);
    await sup.waitForSelector('#inbox-empty[data-tab="todo"]');
    expect(await sup.innerText('#inbox-empty')).toContain('没有需要您办理的事项');
    await sup.context().close();

    // The lead's 待办 (weekly reports) narrowed by search and by kind.
    const lead = await signInPage(browser, api, 'zhang', '/inbox');
    await lead.waitForSelector('#inbox[data-tab="todo"]');
    const all = await lead.locator('#inbox .inbox-item').count();
    expect(all).toBeGreaterThan(0);
    await lead.locator('#inbox-search').fill('没有这个试点');
    await lead.waitForSelector('#inbox-empty');
    expect(await lead.innerText('#inbox-empty')).toContain('没有符合筛选条件的事项');
    await lead.locator('#inbox-search').fill('林业学院');
    await expect.poll(() => lead.locator('#inbox .inbox-item').count()).toBe(all);
    await lead.locator('.overdue-only .el-checkbox').click();
    await expect.poll(() => lead.locator('#inbox .inbox-item.is-overdue').count()).toBe(await lead.locator('#inbox .inbox-item').count());
    await clean(lead, 'inbox filtered');
    await lead.context().close();
  });

  it('a lead writes a change request (Art. 7) in its own form; after the reviews Academic Affairs records the provincial filing on the page', async () => {
    const lead = await signInPage(browser, api, 'zhang', `/pilots/${pilot}/approvals/new?kind=changeRequest`);
    await lead.waitForSelector('.change-form');
    // Nothing ticked: refused, in words, before anything is sent.
    await lead.locator('#change-reason').fill('合作企业调整，建设内容需相应变更。');
    await lead.locator('#approval-submit').click();
    await expect.poll(async () => (await lead.locator('main').innerText()).includes('变更申请至少须变更一项')).toBe(true);
    expect(await lead.locator('main').innerText()).toContain('第七条');
    await lead.locator('.change-form .el-checkbox', { hasText: '建设内容' }).click();
    await lead.locator('#change-content').fill('增设智能温室实训项目，替换原露地花卉实训。');
    await clean(lead, 'new change request');
    await lead.locator('#approval-submit').click();
    await lead.waitForURL((u) => /\/approvals\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('/new'));
    const id = decodeURIComponent(new URL(lead.url()).pathname.split('/').at(-1)!);
    await lead.waitForSelector(`#approval-card[data-approval="${id}"]`);
    expect(await lead.innerText('.subject')).toContain('增设智能温室实训项目');
    await lead.context().close();

    const state = async () => (await (await api.as('jwb', `/api/pilots/${pilot}/approvals/${id}`)).json()) as ApprovalState;
    await eventually(async () => ((await state()).currentStep?.id === 'college' ? true : undefined), 'change request started', 20_000);
    const decide = (user: string, stepId: string, actor: Record<string, string>) =>
      api.as(user, `/api/pilots/${pilot}/approvals/${id}/decide`, { method: 'POST', json: { stepId, outcome: 'approve', actor } });
    expect((await decide('dean', 'college', { id: 'dean', role: 'collegeLeader', college: forestry })).status).toBe(200);
    expect((await decide('jwb', 'academicAffairs', { id: 'jwb', role: 'academicAffairs' })).status).toBe(200);
    await eventually(async () => ((await state()).status === 'awaitingFiling' ? true : undefined), 'awaiting the filing', 20_000);

    const jwb = await signInPage(browser, api, 'jwb', `/pilots/${pilot}/approvals/${id}`);
    await jwb.waitForSelector('#form-filing');
    expect(await jwb.locator('#form-decide').count()).toBe(0);
    expect(await jwb.getAttribute('#approval-chain li[aria-current="step"]', 'data-step')).toBe('provincialFiling');
    await jwb.locator('#filing-reference').fill('冀教职成备〔2026〕12号');
    await clean(jwb, 'approval, filing');
    await jwb.locator('#filing').click();
    await after(jwb, '#approval-card[data-status="approved"]', '#form-filing');
    expect(await jwb.innerText('#approval-filing')).toContain('冀教职成备〔2026〕12号');
    expect((await state()).filing).toMatchObject({ reference: '冀教职成备〔2026〕12号' });
    await jwb.context().close();
  });
});
