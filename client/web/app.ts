/// <reference lib="dom" />
/**
 * The admin web page (bundled for the browser by esbuild, served at /assets/app.js).
 * Chinese first with English beside it, or English alone (the 中/EN toggle). Sign-in,
 * 我的待办 inbox, the supervisors' dashboard, a pilot's page with its forms, bulk actions,
 * and the landing of signed e-mail links. Forms are checked with the same zod schemas as
 * the API before anything is sent; errors appear beside their field.
 */
import { z } from 'zod';
import { hasRole, isAcademicAffairs, roleNames, type Role } from '../../domain/actor';
import { formatShanghaiMinute, shanghaiDate } from '../../domain/calendar';
import { fillRoute } from '../route-path';
import type { ActionName } from '../actions';
import {
  approvalKindSpec,
  approvalKinds,
  decideApprovalInputSchema,
  delegateApprovalInputSchema,
  parseApprovalSubject,
  recordApprovalFilingInputSchema,
  withdrawApprovalInputSchema,
  ccApprovalInputSchema,
  type ApprovalKind,
} from '../../domain/approval-kinds';
import type { Bilingual, RuleResult } from '../../domain/errors';
import { expenseSchema, fundUses, incomeSchema, incomeSources } from '../../domain/funds';
import { yuanStringSchema } from '../../domain/money';
import { assessmentForms } from '../../domain/assessment';
import { findingResults } from '../../domain/inspection';
import {
  approvalSubmissionInputSchema,
  assessmentInputSchema,
  cancelPilotInputSchema,
  extendDeadlineInputSchema,
  inspectionInputSchema,
  provincialSubmissionInputSchema,
  remindNowInputSchema,
  violationInputSchema,
} from '../../domain/pilot-actions';
import { requiredText, safeParseBilingual } from '../../domain/validation';
import { provincialMaterialRequestSchema, violationGrounds } from '../../domain/violation';
import { weeklyReportSchema } from '../../domain/weekly';
import type { ApprovalState } from '../../workflows/approval-types';
import { nameOf } from '../../domain/names';
import { timelineOf } from './timeline';
import type { DashboardRow, InboxItem, PilotView } from './view';

interface Me {
  id: string;
  name: string;
  email: string;
  role: Role;
  college?: string;
}
let me: Me | undefined;
let csrf = '';
let lang: 'zh' | 'en' = localStorage.getItem('onex.lang') === 'en' ? 'en' : 'zh';

const $ = (sel: string) => document.querySelector(sel) as HTMLElement;
const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Chinese first with the English beside it; in English mode, English alone. */
const t = (zh: string, en: string) => (lang === 'zh' ? `${esc(zh)}<span class="en">${esc(en)}</span>` : esc(en));
const tb = (b: Bilingual) => t(b.zh, b.en);
const plain = (zh: string, en: string) => (lang === 'zh' ? `${zh} / ${en}` : en);
const beijing = (iso?: string) => formatShanghaiMinute(iso);
const today = () => shanghaiDate(Date.now());

/**
 * The API's routes, from the action table (client/actions.ts), as the server wrote them into
 * the page (`#onex-routes`): the page writes no API path of its own.
 */
const routes = JSON.parse(document.getElementById('onex-routes')?.textContent ?? '{}') as Record<
  ActionName,
  { method: string; route: string }
>;
/** An action's path with its parameters filled in, each percent-encoded. */
const pathOf = (name: ActionName, params: Record<string, string> = {}): string => fillRoute(routes[name].route, params);
const readAll = (role?: Role) => hasRole({ role }, 'academicAffairs', 'schoolLeader', 'supervisor', 'admin');

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly results: RuleResult[],
  ) {
    super(results.map((r) => `${r.message.zh} / ${r.message.en}`).join('\n'));
  }
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(method !== 'GET' && csrf ? { 'x-csrf-token': csrf } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const data = (await res.json().catch(() => ({}))) as { error?: { results?: RuleResult[] } };
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/session') {
      me = undefined;
      renderSignIn();
    }
    throw new ApiError(
      res.status,
      data.error?.results ?? [
        {
          ruleId: 'http',
          article: null,
          severity: 'hard',
          field: '',
          message: { zh: `请求失败（${res.status}）`, en: `request failed (${res.status})` },
        },
      ],
    );
  }
  return data as T;
}

function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void route();
}

document.addEventListener('click', (e) => {
  const a = (e.target as HTMLElement).closest('a[data-nav]');
  if (a && !(e as MouseEvent).ctrlKey && !(e as MouseEvent).metaKey) {
    e.preventDefault();
    navigate(a.getAttribute('href')!);
  }
});
window.addEventListener('popstate', () => void route());

function header(): void {
  const path = location.pathname;
  const link = (href: string, zh: string, en: string, id: string) =>
    `<a data-nav href="${href}" id="${id}" class="${path.startsWith(href) ? 'active' : ''}">${plain(zh, en)}</a>`;
  $('#top').innerHTML = `<span class="brand">${plain('1+X 证书试点管理', '1+X pilots')}</span>
    ${
      me
        ? `<nav>${link('/inbox', '我的待办', 'My inbox', 'nav-inbox')}${link('/dashboard', '试点总览', 'Dashboard', 'nav-dashboard')}${isAcademicAffairs(me) ? link('/bulk', '批量办理', 'Bulk actions', 'nav-bulk') : ''}</nav>
    <span id="who">${esc(me.name)}（${esc(plain(roleNames[me.role].zh, roleNames[me.role].en))}${me.college ? ` · ${esc(me.college)}` : ''}）</span>`
        : ''
    }
    <button id="lang" type="button">${lang === 'zh' ? 'EN' : '中文'}</button>
    ${me ? `<button id="signout" type="button">${plain('退出', 'Sign out')}</button>` : ''}`;
  $('#lang').onclick = () => {
    lang = lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('onex.lang', lang);
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    void route();
  };
  const so = document.querySelector<HTMLButtonElement>('#signout');
  if (so)
    so.onclick = async () => {
      await api('DELETE', '/api/session').catch(() => undefined);
      me = undefined;
      csrf = '';
      navigate('/signin');
    };
}

/** Puts each refusal beside its field (by `data-field`), the rest above the form. */
function showErrors(form: HTMLElement, results: RuleResult[]): void {
  form.querySelectorAll('.err').forEach((e) => (e.textContent = ''));
  form.querySelectorAll('.bad').forEach((e) => e.classList.remove('bad'));
  const general: string[] = [];
  for (const r of results) {
    const text = lang === 'zh' ? `${r.message.zh} / ${r.message.en}` : r.message.en;
    const field = r.field.replace(/^(actor|recordedBy)\..*/, '$1');
    const slot =
      form.querySelector<HTMLElement>(`.err[data-for="${CSS.escape(field)}"]`) ??
      form.querySelector<HTMLElement>(`.err[data-for="${CSS.escape(field.split('.').pop() ?? '')}"]`);
    if (slot) {
      slot.textContent = slot.textContent ? `${slot.textContent}；${text}` : text;
      form.querySelector(`[name="${CSS.escape(slot.dataset.for!)}"]`)?.classList.add('bad');
    } else general.push(text);
  }
  const box = form.querySelector<HTMLElement>('.form-error')!;
  box.textContent = general.join('\n');
  box.className = `form-error${general.length ? ' notice error' : ''}`;
}

const field = (name: string, zh: string, en: string, input: string) =>
  `<label for="f-${name}">${t(zh, en)}</label>${input}<div class="err" data-for="${name}" id="err-${name}"></div>`;

async function submitForm<T>(
  form: HTMLFormElement,
  schema: z.ZodType,
  build: (data: Record<string, string>) => unknown,
  send: (body: unknown) => Promise<T>,
  done: (res: T) => void,
): Promise<void> {
  const data = Object.fromEntries([...new FormData(form).entries()].map(([k, v]) => [k, String(v)]));
  const body = build(data);
  const checked = safeParseBilingual(schema, body);
  if (!checked.ok) return showErrors(form, checked.errors);
  showErrors(form, []);
  try {
    done(await send(body));
  } catch (err) {
    showErrors(
      form,
      err instanceof ApiError
        ? err.results
        : [{ ruleId: 'x', article: null, severity: 'hard', field: '', message: { zh: String(err), en: String(err) } }],
    );
  }
}

function renderSignIn(after?: () => void): void {
  header();
  $('#main').innerHTML = `<h1>${t('登录', 'Sign in')}</h1>
    <form id="signin" class="stack card" novalidate>
      ${field('id', '账号或邮箱', 'User id or e-mail', '<input id="f-id" name="id" autocomplete="username" required>')}
      ${field('password', '密码', 'Password', '<input id="f-password" name="password" type="password" autocomplete="current-password" required>')}
      <div class="form-error"></div>
      <button class="primary" type="submit">${plain('登录', 'Sign in')}</button>
    </form>`;
  const form = $('#signin') as HTMLFormElement;
  form.onsubmit = (e) => {
    e.preventDefault();
    const schema = z.object({
      id: requiredText(254, '请输入账号', 'enter your user id'),
      password: requiredText(1024, '请输入密码', 'enter your password'),
    });
    void submitForm(
      form,
      schema,
      (d) => ({ id: d.id ?? '', password: d.password ?? '' }),
      (b) => api<{ user: Me; csrfToken: string }>('POST', '/api/session', b),
      (res) => {
        me = res.user;
        csrf = res.csrfToken;
        if (after) after();
        else navigate(location.pathname === '/signin' || location.pathname === '/' ? '/inbox' : location.pathname + location.search, true);
      },
    );
  };
}

function timing(i: { overdue: boolean; dueAt?: string; workingDaysLeft?: number; workingDaysOverdue?: number }): string {
  if (i.overdue)
    return `<span class="badge overdue">${t(`已逾期${i.workingDaysOverdue !== undefined ? ` ${i.workingDaysOverdue} 个工作日` : ''}`, `overdue${i.workingDaysOverdue !== undefined ? ` by ${i.workingDaysOverdue} working day(s)` : ''}`)}</span>`;
  if (i.workingDaysLeft !== undefined)
    return `<span class="badge">${t(`还剩 ${i.workingDaysLeft} 个工作日`, `${i.workingDaysLeft} working day(s) left`)}</span>`;
  return '';
}

async function renderInbox(): Promise<void> {
  $('#main').innerHTML = `<h1>${t('我的待办', 'My inbox')}</h1><p class="muted">${t('加载中…', 'loading…')}</p>`;
  const { items } = await api<{ items: InboxItem[] }>('GET', pathOf('inbox'));
  $('#main').innerHTML = `<h1>${t('我的待办', 'My inbox')}</h1>
    ${items.length === 0 ? `<p class="muted" id="inbox-empty">${t('没有等待您办理的事项', 'nothing waits on you')}</p>` : ''}
    <div id="inbox">${items
      .map(
        (i) => `<div class="card item inbox-item" data-kind="${esc(i.kind)}" data-pilot="${esc(i.pilotId)}">
      <div class="what"><strong>${tb(i.title)}</strong><br><span class="muted">${esc(i.pilotName)} · ${esc(i.pilotId)}</span></div>
      <div>${timing(i)}<span class="muted">${t('截止', 'due')} ${beijing(i.dueAt)}</span></div>
      <a class="button" data-nav href="${esc(i.href)}">${i.kind === 'weeklyReport' ? plain('填写周报', 'Write report') : i.kind === 'approval' ? plain('去审批', 'Review') : plain('办理', 'Open')}</a>
    </div>`,
      )
      .join('')}</div>`;
}

const yesNo = (name: string, zh: string, en: string, v: string | null) =>
  `<div><label for="f-${name}">${t(zh, en)}</label><select id="f-${name}" name="${name}"><option value="">${plain('全部', 'any')}</option><option value="true" ${v === 'true' ? 'selected' : ''}>${plain('是', 'yes')}</option><option value="false" ${v === 'false' ? 'selected' : ''}>${plain('否', 'no')}</option></select></div>`;

/** The exports a dashboard offers: the whole programme (school-wide readers), the chosen or own college. */
function dashboardExports(college: string | null | undefined, scoped: boolean): string {
  const links: string[] = [];
  if (!scoped)
    links.push(
      `<a class="button" id="export-programme" href="${pathOf('exportProgramme')}?format=xlsx" download>${plain('全校试点汇总与审计记录 XLSX', 'Whole programme, XLSX')}</a>`,
    );
  if (college)
    links.push(
      `<a class="button" id="export-college" href="${pathOf('exportCollege', { collegeId: college })}?format=xlsx" download>${plain('本学院试点汇总与审计记录 XLSX', 'This college, XLSX')}</a>`,
    );
  return links.length ? `<p class="exports">${links.join(' ')}</p>` : '';
}

async function renderDashboard(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const scoped = !readAll(me?.role);
  $('#main').innerHTML = `<h1>${t('试点总览', 'Dashboard')}</h1>
    <form id="filters" class="card filters">
      <div><label for="f-college">${t('学院', 'College')}</label><input id="f-college" name="college" value="${esc(scoped ? me?.college : q.get('college'))}" ${scoped ? 'disabled' : ''}></div>
      <div><label for="f-stage">${t('阶段', 'Stage')}</label><select id="f-stage" name="stage"><option value="">${plain('全部', 'any')}</option>${[
        ['implementation', '实施', 'implementation'],
        ['completed', '结项', 'completed'],
      ]
        .map(([v, zh, en]) => `<option value="${v}" ${q.get('stage') === v ? 'selected' : ''}>${plain(zh!, en!)}</option>`)
        .join('')}</select></div>
      ${yesNo('escalated', '已升级督办', 'Escalated', q.get('escalated'))}${yesNo('overdue', '逾期', 'Overdue', q.get('overdue'))}${yesNo('cancellationRisk', '取消风险', 'Cancellation risk', q.get('cancellationRisk'))}
      <div><button class="primary" type="submit" id="apply">${plain('筛选', 'Filter')}</button></div>
    </form><div class="form-error"></div>${dashboardExports(scoped ? me?.college : q.get('college'), scoped)}<div id="results"><p class="muted">${t('加载中…', 'loading…')}</p></div>`;
  const form = $('#filters') as HTMLFormElement;
  form.onsubmit = (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form).entries()) if (String(v)) p.set(k, String(v));
    navigate(`/dashboard${p.size ? `?${p}` : ''}`);
  };
  try {
    const res = await api<{
      pilots: DashboardRow[];
      counts: Record<string, { total: number; escalated: number; overdue: number; cancellationRisk: number }>;
    }>('GET', `${pathOf('dashboard')}?${q}`);
    const flag = (on: boolean | undefined, cls: string, zh: string, en: string) =>
      on ? `<span class="badge ${cls}">${t(zh, en)}</span>` : '';
    $('#results').innerHTML =
      `<h2>${t('各学院数量', 'Per college')}</h2><div class="scroll"><table id="counts"><thead><tr><th>${t('学院', 'College')}</th><th>${t('试点', 'Pilots')}</th><th>${t('督办', 'Escalated')}</th><th>${t('逾期', 'Overdue')}</th><th>${t('取消风险', 'At risk')}</th></tr></thead><tbody>
      ${Object.entries(res.counts)
        .map(
          ([c, n]) =>
            `<tr><td>${esc(c)}</td><td>${n.total}</td><td>${n.escalated}</td><td>${n.overdue}</td><td>${n.cancellationRisk}</td></tr>`,
        )
        .join('')}</tbody></table></div>
      <h2>${t(`试点（${res.pilots.length}）`, `Pilots (${res.pilots.length})`)}</h2><div class="scroll"><table id="pilots"><thead><tr><th>${t('试点', 'Pilot')}</th><th>${t('学院', 'College')}</th><th class="hide-sm">${t('阶段', 'Stage')}</th><th>${t('状态', 'Flags')}</th><th class="hide-sm">${t('下次截止', 'Next due')}</th></tr></thead><tbody>
      ${res.pilots.map((p) => `<tr data-pilot="${esc(p.pilotId)}"><td><a data-nav href="/pilots/${encodeURIComponent(p.pilotId)}">${esc(p.pilotId)}</a></td><td>${esc(p.college)}</td><td class="hide-sm">${p.stage ? tb(nameOf('pilotStage', p.stage)) : '—'}</td><td>${flag(p.escalated, 'escalated', '督办', 'escalated')}${flag(p.overdue, 'overdue', '逾期', 'overdue')}${flag(p.cancellationRisk, 'risk', '取消风险', 'at risk')}${p.status !== 'RUNNING' ? `<span class="badge">${tb(nameOf('processStatus', p.status))}</span>` : ''}</td><td class="hide-sm">${beijing(p.nextDue)}</td></tr>`).join('')}</tbody></table></div>`;
  } catch (err) {
    $('#results').innerHTML = `<div class="notice error">${esc(err instanceof Error ? err.message : String(err))}</div>`;
  }
}

const stages: [string, string, string][] = [
  ['application', '申报', 'application'],
  ['review', '评审', 'review'],
  ['publicNotice', '公示', 'public notice'],
  ['implementation', '实施', 'implementation'],
  ['completed', '结项', 'completed'],
];

function stageDiagram(s: PilotView): string {
  const current = s.status === 'completed' ? 'completed' : 'implementation';
  const at = stages.findIndex(([k]) => k === current);
  return `<ol class="stages" id="stages">${stages.map(([k, zh, en], i) => `<li class="${i < at ? 'done' : i === at && s.status !== 'cancelled' ? 'current' : ''}" data-stage="${k}" ${i === at && s.status !== 'cancelled' ? 'aria-current="step"' : ''}>${t(zh, en)}</li>`).join('')}${s.status === 'cancelled' ? `<li class="cancelled current" data-stage="cancelled" aria-current="step">${t('已取消', 'cancelled')}</li>` : ''}</ol>`;
}

function weeklyForm(s: PilotView, ref: string | null): string {
  const pending = s.periods.filter((p) => p.outcome === 'pending' || p.id === ref);
  if (pending.length === 0) return '';
  return `<form id="form-weeklyReport" class="stack card" novalidate><h2>${t('提交工作周报（第五条）', 'Submit a weekly report (Art. 5)')}</h2>
    ${field('periodId', '周次', 'Week', `<select id="f-periodId" name="periodId">${pending.map((p) => `<option value="${esc(p.id)}" ${p.id === ref ? 'selected' : ''}>${esc(p.id)}（${plain('截止', 'due')} ${beijing(p.dueAt)}）</option>`).join('')}</select>`)}
    ${field('content', '本周工作', "This week's work", '<textarea id="f-content" name="content"></textarea>')}
    <div class="form-error"></div><button class="primary" type="submit">${plain('提交', 'Submit')}</button></form>`;
}

const pilotSide = () => hasRole(me, 'pilotLead', 'collegeStaff', 'collegeLeader');
const opt = (v: string, label: string, selected = false) =>
  `<option value="${esc(v)}" ${selected ? 'selected' : ''}>${esc(label)}</option>`;

/** Art. 19(1): the pilot records that the requested material went to the province (pilot side only). */
function provincialForm(s: PilotView, ref: string | null): string {
  const open = (s.provincial ?? []).filter((r) => r.outcome === 'pending' || r.outcome === 'missed');
  if (!pilotSide() || open.length === 0) return '';
  return `<form id="form-provincialSubmission" class="stack card" novalidate><h2>${t('登记省厅材料报送（第十九条）', 'Record a provincial submission (Art. 19(1))')}</h2>
    ${field('requestId', '报送要求', 'Request', `<select id="f-requestId" name="requestId">${open.map((r) => opt(r.id, `${r.id} ${r.title}（${plain('截止', 'due')} ${r.dueDate}）`, r.id === ref)).join('')}</select>`)}
    ${field('note', '说明', 'Note', '<input id="f-prov-note" name="note">')}
    <div class="form-error"></div><button class="primary" type="submit">${plain('登记报送', 'Record')}</button></form>`;
}

/** Assessments (pilot side and Academic Affairs); inspections, violations and cancellation (Academic Affairs). */
function lifecycleForms(s: PilotView, doing: string | null): string {
  const aa = isAcademicAffairs(me);
  const out: string[] = [];
  if (pilotSide() || aa) {
    out.push(`<details class="card" ${doing === 'assessment' ? 'open' : ''}><summary>${t('登记考核（第十二、十六、十七条）', 'Record an assessment (Art. 12, 16, 17)')}</summary><form id="form-assessment" class="stack" novalidate>
      ${field('id', '考核编号', 'Session id', '<input id="f-as-id" name="id">')}${field('date', '考核日期', 'Date', `<input name="date" type="date" value="${today()}">`)}
      ${field('components', '各考核形式权重（%）', 'Weight of each form (%)', `<div class="grid2">${assessmentForms.map((f) => `<label>${esc(f)} <input name="w.${f}" inputmode="decimal" size="5"></label>`).join('')}</div>`)}
      ${field('publishedFeeFen', '公布的收费标准（元/人次）', 'Published fee (yuan per person-time)', '<input name="publishedFee" inputmode="decimal">')}
      ${field('candidates', '参考人数', 'Candidates', '<input name="candidates" inputmode="numeric">')}${field('passed', '通过人数（可稍后登记）', 'Passed (may come later)', '<input name="passed" inputmode="numeric">')}
      ${aa ? field('feeCapWaiverReason', '豁免收费上限的理由（教务部）', 'Reason to waive the fee cap (Academic Affairs)', '<input name="feeCapWaiverReason">') : ''}
      <div class="form-error"></div><button class="primary" type="submit">${plain('登记', 'Record')}</button></form></details>`);
  }
  if (aa) {
    const finding = (k: string, zh: string, en: string, measures = false) => `<fieldset><legend>${t(zh, en)}</legend>
      ${field(`${k}.result`, '结论', 'Result', `<select name="${k}.result">${findingResults.map((r) => opt(r, r === 'satisfactory' ? plain('合格', 'satisfactory') : plain('不合格', 'unsatisfactory'))).join('')}</select>`)}
      ${field(`${k}.notes`, '检查意见', 'Findings', `<textarea name="${k}.notes"></textarea>`)}${measures ? field(`${k}.measures`, '改进措施', 'Improvement measures', `<textarea name="${k}.measures"></textarea>`) : ''}</fieldset>`;
    out.push(`<details class="card" ${doing === 'inspection' ? 'open' : ''}><summary>${t('登记检查（第十八条）', 'Record an inspection (Art. 18)')}</summary><form id="form-inspection" class="stack" novalidate>
      ${field('id', '检查编号', 'Inspection id', '<input id="f-in-id" name="id">')}${field('inspectedOn', '检查日期', 'Inspected on', `<input name="inspectedOn" type="date" value="${today()}">`)}
      ${finding('progress', '（一）试点建设进展情况', '(1) progress')}${finding('funds', '（二）经费落实、资金使用情况', '(2) funds and their use')}${finding('problems', '（三）主要问题和改进措施', '(3) problems and measures', true)}
      <div class="form-error"></div><button class="primary" type="submit">${plain('登记', 'Record')}</button></form></details>`);
    const grounds: Record<string, [string, string]> = {
      laxManagement: ['管理混乱', 'lax management'],
      forcedParticipation: ['强制学生参加', 'forced participation'],
      irregularFunds: ['违规使用资金', 'irregular use of funds'],
    };
    out.push(`<details class="card"><summary>${t('登记违规情形（第十九条）', 'Record a violation (Art. 19)')}</summary><form id="form-violation" class="stack" novalidate>
      ${field('id', '编号', 'Id', '<input id="f-vi-id" name="id">')}${field('ground', '情形', 'Ground', `<select name="ground">${violationGrounds.map((g) => opt(g, plain(...(grounds[g] ?? [g, g])))).join('')}</select>`)}
      ${field('description', '情况说明', 'Description', '<textarea name="description"></textarea>')}${field('evidence', '证据（文号、档案号）', 'Evidence (reference)', '<input name="evidence">')}
      ${field('occurredOn', '发生日期', 'Occurred on', `<input name="occurredOn" type="date" value="${today()}">`)}
      <div class="form-error"></div><button class="primary" type="submit">${plain('登记', 'Record')}</button></form></details>`);
    out.push(`<details class="card"><summary>${t('取消试点（第十九条）', 'Cancel the pilot (Art. 19)')}</summary><form id="form-cancel" class="stack" novalidate>
      ${field('reason', '理由（须有已登记的情形）', 'Reason (a recorded ground is required)', '<textarea name="reason"></textarea>')}
      <div class="form-error"></div><button class="danger primary" type="submit" id="cancel-pilot">${plain('取消试点', 'Cancel the pilot')}</button></form></details>`);
  }
  return out.join('');
}

function ledgerForms(s: PilotView): string {
  if (!s.ledger) return '';
  const opts = (xs: readonly string[]) => xs.map((x) => `<option value="${x}">${x}</option>`).join('');
  return `<div class="grid2">
    <form id="form-expense" class="stack card" novalidate><h2>${t('登记支出（第十一条）', 'Record an expense (Art. 11)')}</h2>
      ${field('id', '编号', 'Entry id', '<input id="f-exp-id" name="id">')}${field('category', '用途', 'Use', `<select name="category">${opts(fundUses)}</select>`)}
      ${field('amountFen', '金额（元）', 'Amount (yuan)', '<input name="amount" inputmode="decimal">')}${field('description', '说明', 'Description', '<input name="description">')}
      <div class="form-error"></div><button class="primary" type="submit">${plain('登记', 'Record')}</button></form>
    <form id="form-income" class="stack card" novalidate><h2>${t('登记收入（第十二、十四条）', 'Record income (Art. 12, 14)')}</h2>
      ${field('id', '编号', 'Entry id', '<input name="id">')}${field('source', '来源', 'Source', `<select name="source">${opts(incomeSources)}</select>`)}
      ${field('payer', '付款方', 'Payer', '<input name="payer">')}${field('amountFen', '金额（元）', 'Amount (yuan)', '<input name="amount" inputmode="decimal">')}
      <div class="form-error"></div><button class="primary" type="submit">${plain('登记', 'Record')}</button></form></div>`;
}

/** Yuan text → integer fen with the domain's exact parser; a bad amount fails the schema beside the field. */
function fen(text: string | undefined): number | string {
  const r = yuanStringSchema.safeParse(text ?? '');
  return r.success ? r.data : (text ?? '');
}

async function renderPilot(id: string): Promise<void> {
  const q = new URLSearchParams(location.search);
  const s = await api<PilotView>('GET', pathOf('pilotState', { id }));
  const p = s.current ?? s.pilot;
  const waiting = Array.isArray(s.waitingOn) ? s.waitingOn : [s.waitingOn];
  const pendingRows = [
    ...s.periods.filter((x) => x.outcome === 'pending').map((x) => [t(`工作周报 ${x.id}`, `weekly report ${x.id}`), beijing(x.dueAt)]),
    ...(s.provincial ?? [])
      .filter((x) => x.outcome === 'pending')
      .map((x) => [t(`省厅材料：${x.title}`, `provincial: ${x.title}`), beijing(x.dueAt)]),
    ...(s.rectifications ?? [])
      .filter((x) => x.status === 'open' || x.status === 'overdue')
      .map((x) => [t(`整改 ${x.id}`, `rectification ${x.id}`), beijing(x.dueAt)]),
    ...(s.approvals ?? [])
      .filter((x) => x.status === 'pending')
      .map((x) => [
        `<a data-nav href="/pilots/${encodeURIComponent((s.current ?? s.pilot).id)}?do=approve&ref=${encodeURIComponent(x.approvalId)}">${tb(x.summary)}</a>`,
        '—',
      ]),
  ];
  const enc = encodeURIComponent(p.id);
  $('#main').innerHTML =
    `<h1 id="pilot-title">${esc(p.college.name)} ${esc(p.major.name)} ${esc(p.certificate.name)} <span class="muted">${esc(p.id)}</span></h1>
    <p>${t('负责人', 'Lead')}：${esc(p.lead.name)} · ${esc(p.startDate)} — ${esc(p.endDate)}
      ${s.escalated ? `<span class="badge escalated">${t('已升级督办', 'escalated')}</span>` : ''}${s.overdue ? `<span class="badge overdue">${t('逾期', 'overdue')}</span>` : ''}${s.cancellationRisk?.flagged ? `<span class="badge risk">${t('取消风险', 'cancellation risk')}</span>` : ''}</p>
    ${stageDiagram(s)}
    <div class="notice">${waiting.map(tb).join('<br>')}</div>
    <div id="flash"></div>
    <h2>${t('待办事项', 'Pending')}</h2>${pendingRows.length ? `<table id="pending"><tbody>${pendingRows.map(([a, b]) => `<tr><td>${a}</td><td>${b}</td></tr>`).join('')}</tbody></table>` : `<p class="muted">${t('无', 'none')}</p>`}
    <div id="approval"></div>
    ${s.status === 'running' ? weeklyForm(s, q.get('do') === 'weeklyReport' ? q.get('ref') : null) + provincialForm(s, q.get('do') === 'provincialSubmission' ? q.get('ref') : null) + ledgerForms(s) + lifecycleForms(s, q.get('do')) : ''}
    ${approvalList(s, q.get('do') === 'approve' ? q.get('ref') : null)}
    <h2>${t('导出（供检查）', 'Export (for inspections)')}</h2>
    <p><a class="button" id="export-xlsx" href="${pathOf('exportPilot', { id: p.id })}?format=xlsx" download>${plain('审计记录与资金账 XLSX', 'Audit trail and ledger, XLSX')}</a>
       <a class="button" id="export-csv" href="${pathOf('exportPilot', { id: p.id })}?format=csv&what=audit" download>${plain('审计记录 CSV', 'Audit trail, CSV')}</a>
       <a class="button" href="${pathOf('exportPilot', { id: p.id })}?format=csv&what=ledger" download>${plain('资金账 CSV', 'Ledger, CSV')}</a></p>
    <h2>${t('时间线（审计记录）', 'Timeline (audit trail)')}</h2><div class="scroll"><table id="timeline"><thead><tr><th>${t('时间', 'When')}</th><th>${t('操作人', 'Who')}</th><th>${t('内容', 'What')}</th></tr></thead><tbody>
      ${timelineOf(s)
        .map(
          (a) =>
            `<tr><td>${beijing(a.at)}</td><td>${a.actor ? `${esc(a.actor.id)}${a.actor.onBehalfOf ? ` ${t(`代 ${a.actor.onBehalfOf}`, `for ${a.actor.onBehalfOf}`)}` : ''}` : t('系统', 'system')}</td><td>${tb(a.summary)}</td></tr>`,
        )
        .join('')}</tbody></table></div>
    <h2>${t('已发邮件', 'E-mails sent')}</h2><div class="scroll"><table id="emails"><thead><tr><th>${t('时间', 'When')}</th><th>${t('类型', 'Kind')}</th><th>${t('收件人', 'To')}</th></tr></thead><tbody>
      ${s.emails.map((e) => `<tr><td>${beijing(e.at)}</td><td>${tb(nameOf('emailKind', e.kind))}${e.periodId ? ` ${esc(e.periodId)}` : ''}</td><td>${e.to.map((x) => esc(x.email)).join('<br>')}</td></tr>`).join('')}</tbody></table></div>`;

  const actor = () => ({ id: me!.id, role: me!.role, ...(me!.college ? { college: me!.college } : {}) });
  const flash = (zh: string, en: string) => ($('#flash').innerHTML = `<div class="notice ok" id="flash-ok">${t(zh, en)}</div>`);
  const weekly = document.querySelector<HTMLFormElement>('#form-weeklyReport');
  if (weekly)
    weekly.onsubmit = (e) => {
      e.preventDefault();
      void submitForm(
        weekly,
        weeklyReportSchema,
        (d) => ({ periodId: d.periodId, content: d.content ?? '', actor: actor() }),
        (b) => api<{ periodId: string; outcome: string }>('POST', pathOf('submitWeeklyReport', { id: p.id }), b),
        async (r) => {
          history.replaceState(null, '', `/pilots/${enc}`);
          await renderPilot(id);
          flash(
            `已提交 ${r.periodId} 工作周报（${r.outcome === 'onTime' ? '按时' : '迟交'}）`,
            `weekly report for ${r.periodId} submitted (${r.outcome === 'onTime' ? 'on time' : 'late'})`,
          );
        },
      );
    };
  const expense = document.querySelector<HTMLFormElement>('#form-expense');
  if (expense)
    expense.onsubmit = (e) => {
      e.preventDefault();
      void submitForm(
        expense,
        expenseSchema,
        (d) => ({
          id: d.id,
          pilotId: p.id,
          date: today(),
          category: d.category,
          amountFen: fen(d.amount),
          description: d.description ?? '',
          actor: actor(),
        }),
        (b) => api('POST', pathOf('recordExpense', { id: p.id }), b),
        async () => {
          await renderPilot(id);
          flash('已登记支出', 'expense recorded');
        },
      );
    };
  const income = document.querySelector<HTMLFormElement>('#form-income');
  if (income)
    income.onsubmit = (e) => {
      e.preventDefault();
      void submitForm(
        income,
        incomeSchema,
        (d) => ({
          id: d.id,
          pilotId: p.id,
          date: today(),
          source: d.source,
          payer: d.payer ?? '',
          amountFen: fen(d.amount),
          actor: actor(),
        }),
        (b) => api('POST', pathOf('recordIncome', { id: p.id }), b),
        async () => {
          await renderPilot(id);
          flash('已登记收入', 'income recorded');
        },
      );
    };
  const wire = (
    sel: string,
    schema: z.ZodType,
    build: (d: Record<string, string>) => unknown,
    url: (d: Record<string, string>) => string,
    zh: string,
    en: string,
  ) => {
    const form = document.querySelector<HTMLFormElement>(sel);
    if (form)
      form.onsubmit = (e) => {
        e.preventDefault();
        const data = Object.fromEntries([...new FormData(form).entries()].map(([k, v]) => [k, String(v)]));
        void submitForm(
          form,
          schema,
          build,
          (b) => api('POST', url(data), b),
          async () => {
            history.replaceState(null, '', `/pilots/${enc}`);
            await renderPilot(id);
            flash(zh, en);
          },
        );
      };
  };
  const opt1 = (v: string | undefined) => (v?.trim() ? v : undefined);
  const int = (v: string | undefined) => (v?.trim() && /^\d+$/.test(v.trim()) ? Number(v) : v?.trim() ? v : undefined);
  wire(
    '#form-provincialSubmission',
    provincialSubmissionInputSchema,
    (d) => ({ requestId: d.requestId, ...(opt1(d.note) ? { note: d.note } : {}), actor: actor() }),
    (d) => pathOf('submitProvincialMaterial', { id: p.id, sub: d.requestId ?? '' }),
    '已登记省厅材料报送',
    'provincial submission recorded',
  );
  wire(
    '#form-assessment',
    assessmentInputSchema,
    (d) => ({
      session: {
        id: d.id,
        pilotId: p.id,
        date: d.date,
        publishedFeeFen: fen(d.publishedFee),
        studentFeeFen: 0,
        candidates: int(d.candidates) ?? 0,
        components: assessmentForms
          .filter((f) => opt1(d[`w.${f}`]))
          .map((f) => ({ form: f, weightBp: Math.round(Number(d[`w.${f}`]) * 100) })),
        ...(int(d.passed) !== undefined ? { passed: int(d.passed) } : {}),
      },
      ...(opt1(d.feeCapWaiverReason) ? { feeCapWaiverReason: d.feeCapWaiverReason } : {}),
      actor: actor(),
    }),
    () => pathOf('recordAssessment', { id: p.id }),
    '已登记考核',
    'assessment recorded',
  );
  const finding = (d: Record<string, string>, k: string) => ({
    result: d[`${k}.result`],
    notes: d[`${k}.notes`] ?? '',
    ...(k === 'problems' ? { measures: d[`${k}.measures`] ?? '' } : {}),
  });
  wire(
    '#form-inspection',
    inspectionInputSchema,
    (d) => ({
      id: d.id,
      pilotId: p.id,
      inspectedOn: d.inspectedOn,
      inspector: actor(),
      progress: finding(d, 'progress'),
      funds: finding(d, 'funds'),
      problems: finding(d, 'problems'),
    }),
    () => pathOf('recordInspection', { id: p.id }),
    '已登记检查',
    'inspection recorded',
  );
  wire(
    '#form-violation',
    violationInputSchema,
    (d) => ({
      id: d.id,
      pilotId: p.id,
      ground: d.ground,
      description: d.description ?? '',
      ...(opt1(d.evidence) ? { evidence: d.evidence } : {}),
      occurredOn: d.occurredOn,
      recordedBy: actor(),
    }),
    () => pathOf('recordViolation', { id: p.id }),
    '已登记违规情形',
    'violation recorded',
  );
  wire(
    '#form-cancel',
    cancelPilotInputSchema,
    (d) => ({ reason: d.reason ?? '', actor: actor() }),
    () => pathOf('cancelPilot', { id: p.id }),
    '试点已取消',
    'the pilot is cancelled',
  );
  const submitApproval = document.querySelector<HTMLFormElement>('#form-submitApproval');
  if (submitApproval) {
    const kind = submitApproval.querySelector<HTMLSelectElement>('#f-kind')!;
    kind.onchange = () =>
      (submitApproval.querySelector<HTMLTextAreaElement>('#f-subject')!.value = JSON.stringify(
        subjectTemplate(kind.value as ApprovalKind),
        null,
        1,
      ));
    submitApproval.onsubmit = (e) => {
      e.preventDefault();
      const build = (d: Record<string, string>) => {
        const raw = json(d.subject);
        const k = d.kind as ApprovalKind;
        const subject =
          typeof raw === 'object' && raw !== null
            ? { pilotId: p.id, ...(k === 'changeRequest' ? { requestedBy: actor(), requestedAt: new Date().toISOString() } : {}), ...raw }
            : raw;
        return { kind: k, subject, actor: actor() };
      };
      const body = build(Object.fromEntries([...new FormData(submitApproval).entries()].map(([k, v]) => [k, String(v)]))) as {
        kind: ApprovalKind;
        subject: unknown;
      };
      const errs = subjectErrors(body.kind, body.subject);
      if (errs.length) return showErrors(submitApproval, errs);
      void submitForm(
        submitApproval,
        approvalSubmissionInputSchema,
        build,
        (b) => api<{ approvalId: string }>('POST', pathOf('submitForApproval', { id: p.id }), b),
        (r) => {
          navigate(`/pilots/${enc}?do=approve&ref=${encodeURIComponent(r.approvalId)}`, true);
        },
      );
    };
  }
  const approvalId = q.get('do') === 'approve' ? q.get('ref') : null;
  if (approvalId) await renderApproval(s, approvalId, flash);
}

const statusNames: Record<string, [string, string]> = {
  starting: ['启动中', 'starting'],
  pending: ['审批中', 'pending'],
  returned: ['已退回修改', 'returned for revision'],
  approved: ['已通过', 'approved'],
  rejected: ['不予通过', 'rejected'],
  withdrawn: ['已撤回', 'withdrawn'],
  awaitingFiling: ['待省厅备案', 'awaiting the provincial filing'],
  cancelled: ['已取消', 'cancelled'],
};
const statusOf = (st: string) => t(...(statusNames[st] ?? [st, st]));
const outcomeNames: Record<string, [string, string]> = {
  approve: ['同意', 'approve'],
  return: ['退回修改', 'return for revision'],
  reject: ['不予通过', 'reject'],
};

/** The pilot's approvals (budget plan, change requests, examiner plan) and, for pilot-side users, the form to submit one. */
function approvalList(s: PilotView, ref: string | null): string {
  const enc = encodeURIComponent((s.current ?? s.pilot).id);
  const list = s.approvals ?? [];
  const pilotSide = hasRole(me, 'pilotLead', 'collegeStaff', 'collegeLeader');
  const rows = list
    .map(
      (a) =>
        `<tr data-approval="${esc(a.approvalId)}" class="${a.approvalId === ref ? 'current' : ''}"><td><a data-nav href="/pilots/${enc}?do=approve&ref=${encodeURIComponent(a.approvalId)}">${esc(a.approvalId)}</a></td><td>${tb(a.summary)}</td><td>${statusOf(a.status)}</td><td class="hide-sm">${beijing(a.submittedAt)}</td></tr>`,
    )
    .join('');
  const kinds = (Object.keys(approvalKinds) as ApprovalKind[])
    .map((k) => `<option value="${k}">${plain(...kindName(k))}</option>`)
    .join('');
  return `<h2>${t('审批事项（第六、七、十三条）', 'Approvals (Art. 6, 7, 13)')}</h2>
    ${list.length ? `<div class="scroll"><table id="approvals"><tbody>${rows}</tbody></table></div>` : `<p class="muted">${t('无', 'none')}</p>`}
    ${
      pilotSide && s.status === 'running'
        ? `<details class="card"><summary>${t('提交审批', 'Submit for approval')}</summary><form id="form-submitApproval" class="stack" novalidate>
      ${field('kind', '类型', 'Kind', `<select id="f-kind" name="kind">${kinds}</select>`)}
      ${field('subject', '内容（JSON，按所选类型的格式）', "Content (JSON, in the kind's format)", `<textarea id="f-subject" name="subject" rows="8">${esc(JSON.stringify(subjectTemplate('budget'), null, 1))}</textarea>`)}
      <div class="form-error"></div><button class="primary" type="submit">${plain('提交', 'Submit')}</button></form></details>`
        : ''
    }`;
}

function kindName(k: ApprovalKind): [string, string] {
  return k === 'budget'
    ? ['资金预算与经费筹措方案', 'budget and funding plan']
    : k === 'changeRequest'
      ? ['变更申请', 'change request']
      : ['考评人员培训计划', 'examiner-training plan'];
}

/** A starting point for the subject of each kind (the schema checks it; the API fills in the pilot id). */
function subjectTemplate(k: ApprovalKind): unknown {
  const year = Number(today().slice(0, 4));
  if (k === 'budget')
    return {
      id: `B-${year}`,
      year,
      rationale: '',
      lines: [{ category: 'teacherTraining', description: '', amountFen: 0 }],
      funding: [{ source: 'specialFund', amountFen: 0 }],
    };
  if (k === 'changeRequest') return { id: `C-${year}-1`, changes: { lead: { name: '', email: '' } }, reason: '' };
  return { id: `E-${year}`, year, trainees: [{ name: '' }], content: '', provider: '', from: today(), to: today() };
}

/** JSON text → a value, or the text itself (then the schema refuses it beside the field). */
function json(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return text ?? '';
  }
}

/** Refusals for a subject, named under `field` so they land beside its textarea. */
const subjectErrors = (kind: ApprovalKind, raw: unknown, fieldName = 'subject'): RuleResult[] => {
  if (typeof raw !== 'object' || raw === null)
    return [
      {
        ruleId: 'input',
        article: null,
        severity: 'hard',
        field: fieldName,
        message: { zh: '内容须为 JSON 对象', en: 'the content must be a JSON object' },
      },
    ];
  const r = parseApprovalSubject(kind, raw, fieldName);
  return r.ok
    ? []
    : r.errors.map((e) => ({ ...e, field: fieldName, message: { zh: `${e.field}：${e.message.zh}`, en: `${e.field}: ${e.message.en}` } }));
};

/** One approval: its chain, its decisions, and the forms the signed-in user may use on it. */
async function renderApproval(s: PilotView, approvalId: string, flash: (zh: string, en: string) => void): Promise<void> {
  const p = s.current ?? s.pilot;
  const path = pathOf('approvalState', { id: p.id, approvalId });
  let a: ApprovalState;
  try {
    // Just submitted: the approval's workflow may take a moment to start.
    for (let i = 0; ; i++) {
      try {
        a = await api<ApprovalState>('GET', path);
        break;
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 404 || i >= 10 || !(s.approvals ?? []).some((x) => x.approvalId === approvalId))
          throw err;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  } catch (err) {
    $('#approval').innerHTML =
      `<div class="notice error" id="approval-error">${esc(err instanceof Error ? err.message : String(err))}</div>`;
    return;
  }
  const spec = approvalKindSpec(a.kind);
  const step = a.currentStep;
  const now = Date.now();
  const myDelegation = step
    ? a.delegations.find((d) => d.stepId === step.id && d.delegate.userId === me!.id && Date.parse(d.validUntil) > now)
    : undefined;
  const myStep =
    !!step && hasRole(me, step.role) && (!spec.chain.steps.find((x) => x.id === step.id)?.collegeScoped || me!.college === p.college.id);
  const deciding = a.status === 'pending' && !!step && step.id !== 'provincialFiling' && (myStep || !!myDelegation);
  const filing = a.status === 'awaitingFiling' && isAcademicAffairs(me);
  const mine = a.submittedBy.id === me!.id;
  const open = a.status === 'pending' || a.status === 'returned' || a.status === 'awaitingFiling';
  const index = step ? spec.chain.steps.findIndex((x) => x.id === step.id) : -1;
  const earlier = index > 0 ? spec.chain.steps.slice(0, index) : [];
  const outcomes = ['approve', 'return', ...(step && spec.rejectableSteps.includes(step.id) ? ['reject'] : [])];
  const chain = `<ol class="stages" id="approval-chain">${spec.chain.steps.map((x, i) => `<li class="${index < 0 ? (a.status === 'approved' || a.status === 'awaitingFiling' ? 'done' : '') : i < index ? 'done' : i === index ? 'current' : ''}" data-step="${esc(x.id)}">${tb(x.title)}</li>`).join('')}</ol>`;

  $('#approval').innerHTML = `<div class="card" id="approval-card" data-approval="${esc(a.approvalId)}" data-status="${esc(a.status)}">
    <h2>${tb(a.title)} <span class="muted">${esc(a.approvalId)}</span> <span class="badge" id="approval-status">${statusOf(a.status)}</span></h2>
    <p class="muted">${t('提交人', 'Submitted by')}：${esc(a.submittedBy.id)} · ${beijing(a.submittedAt)} · ${t(`第 ${a.round} 次提交`, `submission ${a.round}`)}</p>
    ${chain}
    ${step ? `<p>${t('当前环节', 'Current step')}：<strong>${tb(step.title)}</strong> · ${t('截止', 'due')} ${beijing(step.dueAt)}${step.escalated ? ` <span class="badge escalated">${t('已升级督办', 'escalated')}</span>` : ''}</p>` : ''}
    ${a.returnedBy ? `<div class="notice">${t('退回意见', 'Returned with')}：${esc(a.returnedBy.comment)}</div>` : ''}
    ${a.decisions.length ? `<div class="scroll"><table id="approval-decisions"><tbody>${a.decisions.map((d) => `<tr><td>${beijing(d.at)}</td><td>${tb(d.stepTitle)}</td><td>${t(...(outcomeNames[d.outcome] ?? [d.outcome, d.outcome]))}</td><td>${esc(d.actor.id)}${d.onBehalfOf ? ` ${t(`代 ${d.onBehalfOf}`, `for ${d.onBehalfOf}`)}` : ''}</td><td>${esc(d.comment ?? '')}</td></tr>`).join('')}</tbody></table></div>` : ''}
    ${a.delegations.length ? `<p class="muted" id="approval-delegations">${a.delegations.map((d) => t(`${d.delegator.id} 委托 ${d.delegate.userId} 审批“${d.stepId}”至 ${beijing(d.validUntil)}`, `${d.delegator.id} delegated “${d.stepId}” to ${d.delegate.userId} until ${beijing(d.validUntil)}`)).join('<br>')}</p>` : ''}
    <details><summary>${t('审批内容', 'The item')}</summary><pre class="scroll">${esc(JSON.stringify(a.subject, null, 1))}</pre></details>
  </div>
  ${
    deciding
      ? `<form id="form-decide" class="stack card" novalidate><h2>${t(`审批：${step!.title.zh}`, `Decide: ${step!.title.en}`)}${myDelegation && !myStep ? ` <span class="badge">${t(`代 ${myDelegation.delegator.id}`, `for ${myDelegation.delegator.id}`)}</span>` : ''}</h2>
    <input type="hidden" name="stepId" value="${esc(step!.id)}">
    ${field('outcome', '决定', 'Decision', `<select id="f-outcome" name="outcome">${outcomes.map((o) => `<option value="${o}">${plain(...outcomeNames[o]!)}</option>`).join('')}</select>`)}
    ${field('returnTo', '退回至', 'Return to', `<select id="f-returnTo" name="returnTo"><option value="submitter">${plain('提交人', 'the submitter')}</option>${earlier.map((x) => `<option value="${esc(x.id)}">${plain(x.title.zh, x.title.en)}</option>`).join('')}</select>`)}
    ${field('comment', '意见（退回或不予通过时必填）', 'Comment (required to return or reject)', '<textarea id="f-comment" name="comment"></textarea>')}
    <div class="form-error"></div><button class="primary" type="submit" id="decide">${plain('提交决定', 'Decide')}</button></form>`
      : ''
  }
  ${
    filing
      ? `<form id="form-filing" class="stack card" novalidate><h2>${t('登记省教育厅备案（第七条）', 'Record the provincial filing (Art. 7)')}</h2>
    ${field('filedOn', '备案日期', 'Filed on', `<input id="f-filedOn" name="filedOn" type="date" value="${today()}">`)}
    ${field('reference', '回执或文号', 'Reference', '<input id="f-reference" name="reference">')}
    <div class="form-error"></div><button class="primary" type="submit">${plain('登记', 'Record')}</button></form>`
      : ''
  }
  ${
    a.status === 'returned' && mine
      ? `<form id="form-resubmit" class="stack card" novalidate><h2>${t('修改后重新提交', 'Amend and resubmit')}</h2>
    ${field('subject', '内容（JSON）', 'Content (JSON)', `<textarea id="f-resubject" name="subject" rows="8">${esc(JSON.stringify(a.subject, null, 1))}</textarea>`)}
    ${field('note', '修改说明', 'What changed', '<input id="f-note" name="note">')}
    <div class="form-error"></div><button class="primary" type="submit">${plain('重新提交', 'Resubmit')}</button></form>`
      : ''
  }
  ${
    a.status === 'pending' && step && myStep
      ? `<details class="card"><summary>${t('委托他人审批', 'Delegate this step')}</summary><form id="form-delegate" class="stack" novalidate>
    <input type="hidden" name="stepId" value="${esc(step.id)}">
    ${field('delegate.userId', '受托人账号', "Delegate's user id", '<input name="delegate.userId">')}
    ${field('delegate.email', '受托人邮箱', "Delegate's e-mail", '<input name="delegate.email" type="email">')}
    ${field('validUntil', '委托有效期至', 'Valid until', '<input name="validUntil" type="date">')}
    <div class="form-error"></div><button class="secondary" type="submit">${plain('委托', 'Delegate')}</button></form></details>`
      : ''
  }
  ${
    open && (mine || myStep || isAcademicAffairs(me))
      ? `<details class="card"><summary>${t('抄送', 'CC')}</summary><form id="form-cc" class="stack" novalidate>
    ${field('people', '抄送邮箱（逗号分隔）', 'E-mails to copy (comma-separated)', '<input name="people">')}
    <div class="form-error"></div><button class="secondary" type="submit">${plain('抄送', 'CC')}</button></form></details>`
      : ''
  }
  ${
    open && mine
      ? `<details class="card"><summary>${t('撤回', 'Withdraw')}</summary><form id="form-withdraw" class="stack" novalidate>
    ${field('reason', '理由', 'Reason', '<input name="reason">')}
    <div class="form-error"></div><button class="secondary" type="submit" id="withdraw">${plain('撤回申请', 'Withdraw')}</button></form></details>`
      : ''
  }`;

  const actor = () => ({
    id: me!.id,
    role: me!.role,
    ...(me!.college ? { college: me!.college } : {}),
    ...(myDelegation && !myStep ? { onBehalfOf: myDelegation.delegator.id } : {}),
  });
  const again = (zh: string, en: string) => async () => {
    await renderPilot(p.id);
    flash(zh, en);
  };
  const on = (
    sel: string,
    schema: z.ZodType,
    build: (d: Record<string, string>) => unknown,
    action: ActionName,
    zh: string,
    en: string,
    extra?: (body: unknown) => RuleResult[],
  ) => {
    const form = document.querySelector<HTMLFormElement>(sel);
    if (!form) return;
    form.onsubmit = (e) => {
      e.preventDefault();
      const data = Object.fromEntries([...new FormData(form).entries()].map(([k, v]) => [k, String(v)]));
      const more = extra?.(build(data)) ?? [];
      if (more.length) return showErrors(form, more);
      void submitForm(form, schema, build, (b) => api('POST', pathOf(action, { id: p.id, approvalId }), b), again(zh, en));
    };
  };
  on(
    '#form-decide',
    decideApprovalInputSchema,
    (d) => ({
      stepId: d.stepId,
      outcome: d.outcome,
      ...(d.outcome === 'return' ? { returnTo: d.returnTo } : {}),
      ...(d.comment?.trim() ? { comment: d.comment } : {}),
      actor: actor(),
    }),
    'decideApproval',
    `已提交审批决定：${approvalId}`,
    `decision recorded on ${approvalId}`,
  );
  on(
    '#form-filing',
    recordApprovalFilingInputSchema,
    (d) => ({ filedOn: d.filedOn, reference: d.reference ?? '', actor: actor() }),
    'recordApprovalFiling',
    '已登记备案',
    'filing recorded',
  );
  on(
    '#form-resubmit',
    z.object({ subject: z.unknown(), note: z.string().optional() }),
    (d) => ({ subject: json(d.subject), ...(d.note?.trim() ? { note: d.note } : {}), actor: actor() }),
    'resubmitApproval',
    '已重新提交',
    'resubmitted',
    (b) => subjectErrors(a.kind, (b as { subject: unknown }).subject),
  );
  on(
    '#form-delegate',
    delegateApprovalInputSchema,
    (d) => ({
      stepId: d.stepId,
      delegate: { userId: d['delegate.userId'] ?? '', email: d['delegate.email'] ?? '' },
      validUntil: d.validUntil ? new Date(`${d.validUntil}T23:59:59+08:00`).toISOString() : '',
      actor: actor(),
    }),
    'delegateApproval',
    '已委托',
    'delegated',
  );
  on(
    '#form-cc',
    ccApprovalInputSchema,
    (d) => ({
      people: (d.people ?? '')
        .split(/[\s,，;；]+/)
        .filter(Boolean)
        .map((email) => ({ email })),
      actor: actor(),
    }),
    'ccApproval',
    '已抄送',
    'copied',
  );
  on(
    '#form-withdraw',
    withdrawApprovalInputSchema,
    (d) => ({ ...(d.reason?.trim() ? { reason: d.reason } : {}), actor: actor() }),
    'withdrawApproval',
    '已撤回',
    'withdrawn',
  );
}

async function renderBulk(): Promise<void> {
  $('#main').innerHTML = `<h1>${t('批量办理', 'Bulk actions')}</h1>
    <form id="form-bulk" class="stack card" novalidate><h2>${t('为多个试点登记同一项省厅材料报送要求（第十九条）', 'Record one provincial request for many pilots (Art. 19(1))')}</h2>
      ${field('pilotIds', '试点编号（每行一个）', 'Pilot ids (one per line)', '<textarea id="f-pilotIds" name="pilotIds"></textarea>')}
      ${field('id', '要求编号', 'Request id', '<input id="f-id" name="id">')}
      ${field('title', '材料名称', 'What is requested', '<input id="f-title" name="title">')}
      ${field('requestedOn', '通知日期', 'Requested on', `<input id="f-requestedOn" name="requestedOn" type="date" value="${today()}">`)}
      ${field('dueDate', '截止日期', 'Due date', '<input id="f-dueDate" name="dueDate" type="date">')}
      <div class="form-error"></div>
      <button class="secondary" type="submit" name="mode" value="dry" id="bulk-dry">${plain('试运行（不登记）', 'Dry run (records nothing)')}</button>
      <button class="primary" type="submit" name="mode" value="real" id="bulk-real">${plain('登记', 'Record')}</button>
    </form><div id="bulk-results"></div>
    <form id="form-remind" class="stack card" novalidate><h2>${t('提醒所有逾期试点', 'Remind everyone overdue')}</h2>
      ${field('college', '学院（不填为全部）', 'College (blank: all)', '<input id="f-remind-college" name="college">')}
      ${field('note', '附言', 'Note', '<input id="f-remind-note" name="note">')}
      <div class="form-error"></div>
      <button class="secondary" type="submit" name="mode" value="dry" id="remind-dry">${plain('试运行（不发送）', 'Dry run (sends nothing)')}</button>
      <button class="primary" type="submit" name="mode" value="real" id="remind-real" disabled>${plain('发送提醒', 'Send reminders')}</button>
    </form><div id="remind-results"></div>
    <form id="form-extend" class="stack card" novalidate><h2>${t('延长截止日期（如节假日调整后）', 'Extend a deadline (e.g. after a holiday change)')}</h2>
      ${field('pilotIds', '试点编号（每行一个）', 'Pilot ids (one per line)', '<textarea id="f-extend-pilotIds" name="pilotIds"></textarea>')}
      ${field('target.kind', '事项', 'What', `<select id="f-extend-kind" name="target.kind"><option value="provincialRequest">${plain('省厅材料报送要求', 'provincial request')}</option><option value="weeklyPeriod">${plain('工作周报周次', 'weekly report week')}</option></select>`)}
      ${field('target.id', '编号或周次（如 2026-W49）', 'Id or week (e.g. 2026-W49)', '<input id="f-extend-id" name="target.id">')}
      ${field('newDueDate', '新截止日期', 'New due date', '<input id="f-extend-due" name="newDueDate" type="date">')}
      ${field('reason', '理由', 'Reason', '<input id="f-extend-reason" name="reason">')}
      <div class="form-error"></div>
      <button class="secondary" type="submit" name="mode" value="dry" id="extend-dry">${plain('试运行（不修改）', 'Dry run (changes nothing)')}</button>
      <button class="primary" type="submit" name="mode" value="real" id="extend-real" disabled>${plain('延期', 'Extend')}</button>
    </form><div id="extend-results"></div>`;
  type BulkResult = { dryRun: boolean; results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] };
  const showResults = (box: string, r: BulkResult, done: [string, string]) => {
    $(box).innerHTML =
      `<div class="notice ${r.results.every((x) => x.ok) ? 'ok' : 'error'}">${r.dryRun ? t(`试运行：涉及 ${r.results.length} 个试点，未做任何改动`, `dry run: ${r.results.length} pilot(s), nothing was changed`) : t(...done)}</div>
      <table class="bulk-table"><tbody>${r.results.map((x) => `<tr data-pilot="${esc(x.pilotId)}"><td>${esc(x.pilotId)}</td><td>${x.ok ? '✓' : `✗ ${(x.errors ?? []).map((er) => tb(er.message)).join('；')}`}</td></tr>`).join('')}</tbody></table>`;
  };
  /** A bulk form: the dry run first; the real run is enabled only after a dry run of the same input. */
  const bulkForm = (
    sel: string,
    box: string,
    url: string,
    schema: z.ZodType,
    build: (d: Record<string, string>) => Record<string, unknown>,
    done: [string, string],
  ) => {
    const f = $(sel) as HTMLFormElement;
    const real = f.querySelector<HTMLButtonElement>('button[value="real"]')!;
    let dried = '';
    f.oninput = () => (real.disabled = true);
    f.onsubmit = (e) => {
      e.preventDefault();
      const dryRun = (e.submitter as HTMLButtonElement | null)?.value !== 'real';
      const d = Object.fromEntries([...new FormData(f).entries()].map(([k, v]) => [k, String(v)]));
      const body = { ...build(d), actor: { id: me!.id, role: me!.role }, dryRun };
      const checked = safeParseBilingual(schema, body);
      if (!checked.ok) return showErrors(f, checked.errors);
      showErrors(f, []);
      const key = JSON.stringify(build(d));
      if (!dryRun && key !== dried) return;
      api<BulkResult>('POST', url, body)
        .then((r) => {
          showResults(box, r, done);
          dried = dryRun ? key : '';
          real.disabled = !dryRun;
        })
        .catch((err: unknown) => showErrors(f, err instanceof ApiError ? err.results : []));
    };
  };
  bulkForm(
    '#form-remind',
    '#remind-results',
    pathOf('bulkRemindOverdue'),
    remindNowInputSchema.extend({ college: z.string().optional(), dryRun: z.boolean() }),
    (d) => ({ ...(d.college?.trim() ? { college: d.college.trim() } : {}), ...(d.note?.trim() ? { note: d.note } : {}) }),
    ['已发送提醒', 'reminders sent'],
  );
  bulkForm(
    '#form-extend',
    '#extend-results',
    pathOf('bulkExtendDeadline'),
    extendDeadlineInputSchema.extend({
      pilotIds: z
        .array(z.string())
        .refine((xs) => xs.length > 0, { message: 'name at least one pilot', params: { zh: '至少填写一个试点编号' } }),
      dryRun: z.boolean(),
    }),
    (d) => ({
      pilotIds: (d.pilotIds ?? '').split(/[\s,，]+/).filter(Boolean),
      target: { kind: d['target.kind'], id: d['target.id'] ?? '' },
      newDueDate: d.newDueDate,
      reason: d.reason ?? '',
    }),
    ['已延期', 'extended'],
  );
  const form = $('#form-bulk') as HTMLFormElement;
  form.onsubmit = (e) => {
    e.preventDefault();
    const dryRun = (e.submitter as HTMLButtonElement | null)?.value !== 'real';
    const d = Object.fromEntries([...new FormData(form).entries()].map(([k, v]) => [k, String(v)]));
    const pilotIds = (d.pilotIds ?? '').split(/[\s,，]+/).filter(Boolean);
    const request = { id: d.id, title: d.title ?? '', requestedOn: d.requestedOn, dueDate: d.dueDate };
    const errors =
      pilotIds.length === 0
        ? [
            {
              ruleId: 'input',
              article: null,
              severity: 'hard' as const,
              field: 'pilotIds',
              message: { zh: '至少填写一个试点编号', en: 'name at least one pilot' },
            },
          ]
        : [];
    const checked = safeParseBilingual(provincialMaterialRequestSchema, {
      ...request,
      pilotId: pilotIds[0] ?? 'x',
      recordedBy: { id: me!.id, role: me!.role },
    });
    if (errors.length || !checked.ok) return showErrors(form, [...errors, ...(checked.ok ? [] : checked.errors)]);
    showErrors(form, []);
    api<{ dryRun: boolean; results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] }>('POST', pathOf('bulkProvincialRequest'), {
      pilotIds,
      request,
      actor: { id: me!.id, role: me!.role },
      dryRun,
    })
      .then((r) => {
        $('#bulk-results').innerHTML =
          `<div class="notice ${r.results.every((x) => x.ok) ? 'ok' : 'error'}">${r.dryRun ? t('试运行，未登记任何内容', 'dry run: nothing was recorded') : t('已登记', 'recorded')}</div>
          <table id="bulk-table"><tbody>${r.results.map((x) => `<tr><td>${esc(x.pilotId)}</td><td>${x.ok ? '✓' : `✗ ${(x.errors ?? []).map((er) => tb(er.message)).join('；')}`}</td></tr>`).join('')}</tbody></table>`;
      })
      .catch((err: unknown) => showErrors(form, err instanceof ApiError ? err.results : []));
  };
}

async function openLink(token: string): Promise<void> {
  $('#main').innerHTML = `<p class="muted">${t('正在验证链接…', 'checking the link…')}</p>`;
  try {
    const r = await api<{ target: string }>('POST', '/api/links/verify', { token });
    navigate(r.target, true);
  } catch (err) {
    $('#main').innerHTML =
      `<h1>${t('链接无法使用', 'This link cannot be used')}</h1><div class="notice error" id="link-error">${esc(err instanceof Error ? err.message : String(err))}</div><p><a data-nav href="/inbox">${plain('去我的待办', 'Go to my inbox')}</a></p>`;
  }
}

async function route(): Promise<void> {
  const path = location.pathname;
  if (!me) {
    try {
      const s = await api<{ user: Me; csrfToken?: string }>('GET', '/api/session');
      me = s.user;
      csrf = s.csrfToken ?? '';
    } catch {
      // not signed in: sign in first, then continue where the link or address pointed
      return renderSignIn(
        path.startsWith('/l/')
          ? () => {
              header();
              void openLink(decodeURIComponent(path.slice(3)));
            }
          : undefined,
      );
    }
  }
  header();
  try {
    if (path.startsWith('/l/')) return await openLink(decodeURIComponent(path.slice(3)));
    // An approval's own address (the plain link in approval e-mails) opens it on its pilot's page.
    const approval = /^\/pilots\/([^/]+)\/approvals\/([^/]+)$/.exec(path);
    if (approval) return navigate(`/pilots/${approval[1]}?do=approve&ref=${approval[2]}`, true);
    if (path.startsWith('/pilots/')) return await renderPilot(decodeURIComponent(path.slice('/pilots/'.length)));
    if (path === '/dashboard') return await renderDashboard();
    if (path === '/bulk') return await renderBulk();
    if (path !== '/inbox') return navigate('/inbox', true);
    return await renderInbox();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return;
    $('#main').innerHTML = `<div class="notice error" id="page-error">${esc(err instanceof Error ? err.message : String(err))}</div>`;
  }
}

document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
void route();
