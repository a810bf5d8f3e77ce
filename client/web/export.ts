/**
 * Exports for inspections (Art. 18, issue 12 observation 6): a pilot's audit trail and its
 * fund ledger, and for a college or the whole programme a summary (one row per pilot) with
 * the audit trails and ledgers of all its pilots — as XLSX and as CSV.
 *
 * What a person reads, never what the code calls it:
 * - times are Beijing time: in XLSX real date-time cells (a Date whose UTC fields are the
 *   Beijing wall clock, since Excel has no time zones; the header says 北京时间), in CSV
 *   `yyyy-mm-dd hh:mm`;
 * - amounts are yuan with two decimals: numbers with the format `#,##0.00` in XLSX, plain
 *   `1234.50` in CSV;
 * - every code (roles, audit actions, fund uses, income sources, outcomes, fields of the
 *   before/after values) is named through the one dictionary, domain/names.ts; people by
 *   their name where the users file knows them (their id otherwise).
 *
 * CSV is UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese. A text cell
 * that a spreadsheet would run as a formula (= + - @, their full-width forms, a tab or a
 * carriage return at the start) is quoted with a leading apostrophe; control characters never
 * reach a file (they are stripped).
 */
import ExcelJS from 'exceljs';
import { currentRulesVersion, ruleTable } from '../../domain/tables';
import { formatPassRate } from '../../domain/assessment';
import { formatShanghaiMinute } from '../../domain/calendar';
import type { Bilingual } from '../../domain/errors';
import { fenToYuan } from '../../domain/money';
import { nameOf, type NameCategory } from '../../domain/names';
import { stripControlCharacters } from '../../domain/validation';
import type { LedgerBooking } from '../../domain/funds';
import type { PilotState } from '../../workflows/pilot-state';
import { timelineOf, type TimelineEntry } from './timeline';

/** How a column's values are written: text, a whole number, yuan (the value in fen), a Beijing date-time (ISO instant), a date (yyyy-mm-dd). */
export type ColumnKind = 'text' | 'int' | 'yuan' | 'datetime' | 'date';
export interface Column {
  header: string;
  kind: ColumnKind;
  width?: number;
}
/** A cell's value as the table holds it: yuan columns in fen, date-time columns as ISO instants. */
export type CellValue = string | number | null;
export interface Table {
  name: Bilingual;
  columns: Column[];
  rows: CellValue[][];
}

/** Who a user id is, for the exports (the users file; undefined: not known, the id is shown). */
export interface ExportNames {
  person(id: string): string | undefined;
}
export const noNames: ExportNames = { person: () => undefined };

/** The pilot row of a list, as far as the summary needs it. */
export interface SummaryPilot {
  state: PilotState;
  /** The stage from the pilot list's search attribute (the state's status otherwise). */
  stage?: string;
  escalated?: boolean;
  cancellationRisk?: boolean;
}

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
export const DATE_TIME_FORMAT = 'yyyy-mm-dd hh:mm';
export const DATE_FORMAT = 'yyyy-mm-dd';
export const YUAN_FORMAT = '#,##0.00';

const zh = (category: NameCategory, code: string | undefined) => nameOf(category, code).zh;

/** 300000 → "3,000.00". */
export function yuanText(fen: number): string {
  const [int, dec] = fenToYuan(fen).split('.');
  return `${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${dec}`;
}

/** A person: their name from the users file, else the id; 系统 for the system's own acts. */
function personName(names: ExportNames, id: string | undefined): string {
  if (id === undefined) return '';
  return names.person(id) ?? id;
}

function actorCells(names: ExportNames, a: TimelineEntry['actor']): [string, string, string] {
  if (!a) return ['系统 system', '', ''];
  return [personName(names, a.id), zh('role', a.role), a.onBehalfOf ? personName(names, a.onBehalfOf) : ''];
}

/** What an audit action is called; an e-mail of a timeline without audit by its kind. */
function actionName(action: string): string {
  if (action.startsWith('email.') && nameOf('emailKind', action.slice(6)).zh !== '其他')
    return `发送邮件：${zh('emailKind', action.slice(6))}`;
  return zh('auditAction', action);
}

/** The pilot's Art. 12 pass-rate threshold (its pinned rule table), so a rate below it never reads as reaching it. */
function thresholdOf(s: PilotState): number | undefined {
  try {
    return ruleTable(s.pilot.rulesVersion ?? currentRulesVersion).passRateThresholdBp;
  } catch {
    return undefined;
  }
}

/** One field of a before/after value as a person reads it. */
function fieldValue(action: string, key: string, x: unknown, names: ExportNames, thresholdBp?: number): string {
  if (x === null || x === undefined) return '—';
  if (Array.isArray(x)) return x.length === 0 ? '无' : x.map((i) => fieldValue(action, key, i, names, thresholdBp)).join('、');
  if (typeof x === 'boolean') return x ? '是' : '否';
  if (key.endsWith('Fen') && typeof x === 'number') return `${yuanText(x)} 元`;
  if ((key === 'at' || key.endsWith('At')) && typeof x === 'string') return formatShanghaiMinute(x);
  if (typeof x === 'string') {
    if (key === 'outcome')
      return zh(
        action.startsWith('provincial.') ? 'provincialOutcome' : action.startsWith('inspection.') ? 'inspectionOutcome' : 'approvalStatus',
        x,
      );
    if (key === 'kind') return zh('approvalKind', x);
    if (key === 'ground') return zh('violationGround', x);
    if (key === 'failed') return zh('inspectionContent', x);
    return x;
  }
  if (typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (key === 'lead' && typeof o.name === 'string') return o.name;
    if (key === 'accountability') {
      const m = (o.message as Bilingual | undefined)?.zh;
      return m ?? '—';
    }
    return `（${describeValue(action, x, names, thresholdBp)}）`;
  }
  return String(x);
}

/**
 * A before/after value as readable text (余额 3,000.00 元), never JSON. A pass count reads
 * with its rate, half-up to two decimals (below `thresholdBp`, never as reaching it).
 */
export function describeValue(action: string, v: unknown, names: ExportNames = noNames, thresholdBp?: number): string {
  if (v === undefined) return '';
  if (v === null) return '—';
  if (typeof v !== 'object' || Array.isArray(v)) return fieldValue(action, '', v, names, thresholdBp);
  const o = v as Record<string, unknown>;
  const parts: string[] = [];
  for (const [k, x] of Object.entries(o)) {
    if (k === 'rateBp') continue; // the rate is shown from the counts (half-up, two decimals)
    parts.push(`${zh('auditField', k)} ${fieldValue(action, k, x, names, thresholdBp)}`);
  }
  if (typeof o.candidates === 'number' && typeof o.passed === 'number')
    parts.push(`${zh('auditField', 'passRate')} ${formatPassRate({ candidates: o.candidates, passed: o.passed }, thresholdBp)}`);
  return parts.join('；');
}

const pilotColumns: Column[] = [
  { header: '试点 Pilot', kind: 'text', width: 18 },
  { header: '学院 College', kind: 'text', width: 18 },
];
const pilotCells = (s: PilotState): CellValue[] => [s.pilot.id, s.current.college.name];

/** The audit trail of one pilot, or of several (then each row names its pilot and college). */
export function auditTable(states: PilotState | PilotState[], names: ExportNames = noNames): Table {
  const many = Array.isArray(states);
  const list = many ? states : [states];
  return {
    name: { zh: '审计记录', en: 'Audit trail' },
    columns: [
      ...(many ? pilotColumns : []),
      { header: '序号 Seq', kind: 'int', width: 8 },
      { header: '时间（北京时间）Time (Beijing)', kind: 'datetime', width: 18 },
      { header: '操作 Action', kind: 'text', width: 20 },
      { header: '操作人 Actor', kind: 'text', width: 16 },
      { header: '角色 Role', kind: 'text', width: 16 },
      { header: '代谁 On behalf of', kind: 'text', width: 14 },
      { header: '内容 Summary (zh)', kind: 'text', width: 48 },
      { header: 'Summary (en)', kind: 'text', width: 48 },
      { header: '变更前 Before', kind: 'text', width: 28 },
      { header: '变更后 After', kind: 'text', width: 28 },
    ],
    rows: list.flatMap((s) =>
      timelineOf(s).map((a) => [
        ...(many ? pilotCells(s) : []),
        a.seq,
        a.at,
        actionName(a.action),
        ...actorCells(names, a.actor),
        a.summary.zh,
        a.summary.en,
        describeValue(a.action, a.before, names, thresholdOf(s)),
        describeValue(a.action, a.after, names, thresholdOf(s)),
      ]),
    ),
  };
}

const balanceOf = (v: unknown): number | undefined => {
  const b = (v as { balanceFen?: unknown } | undefined)?.balanceFen;
  return typeof b === 'number' ? b : undefined;
};

/**
 * The bookings of the ledger's audit entries, by position: the ledger keeps each booking in
 * order (only since ids were kept, so the earliest entries of an old pilot may have none),
 * and a booking is used only where its kind and amount agree with the entry's balances.
 */
function bookingsOf(s: PilotState, entries: TimelineEntry[]): (LedgerBooking | undefined)[] {
  const booked = s.ledger.booked ?? [];
  const offset = entries.length - booked.length;
  return entries.map((a, i) => {
    const b = i - offset >= 0 ? booked[i - offset] : undefined;
    const before = balanceOf(a.before);
    const after = balanceOf(a.after);
    if (!b || before === undefined || after === undefined) return undefined;
    const delta = b.kind === 'income' ? b.amountFen : -b.amountFen;
    return a.action === `ledger.${b.kind}` && after - before === delta ? b : undefined;
  });
}

/** The special-fund ledger of one pilot or several: each booking with its balances, then each pilot's totals. */
export function ledgerTable(states: PilotState | PilotState[], names: ExportNames = noNames): Table {
  const many = Array.isArray(states);
  const list = many ? states : [states];
  const rows: CellValue[][] = [];
  for (const s of list) {
    const pilot = many ? pilotCells(s) : [];
    const entries = timelineOf(s).filter((a) => a.action === 'ledger.income' || a.action === 'ledger.expense');
    const bookings = bookingsOf(s, entries);
    entries.forEach((a, i) => {
      const b = bookings[i];
      const before = balanceOf(a.before);
      const after = balanceOf(a.after);
      const amount = before !== undefined && after !== undefined ? Math.abs(after - before) : null;
      rows.push([
        ...pilot,
        a.at,
        b?.date ?? null,
        zh('auditAction', a.action),
        b ? (b.kind === 'income' ? zh('incomeSource', b.source) : zh('fundUse', b.category)) : '',
        b ? (b.kind === 'income' ? [b.payer, b.description].filter(Boolean).join('：') : b.description) : a.summary.zh,
        amount,
        before ?? null,
        after ?? null,
        personName(names, a.actor?.id),
      ]);
    });
    const l = s.ledger;
    const total = (kind: string, what: string, fen: number): CellValue[] => [
      ...pilot,
      null,
      null,
      kind,
      what,
      '合计 total',
      fen,
      null,
      null,
      '',
    ];
    for (const [k, v] of Object.entries(l.incomeFen)) rows.push(total('收入合计 income total', zh('incomeSource', k), v));
    for (const [k, v] of Object.entries(l.spentFen)) rows.push(total('支出合计 expense total', zh('fundUse', k), v));
    rows.push(total('余额 balance', '', l.balanceFen));
  }
  return {
    name: { zh: '专项资金账', en: 'Fund ledger' },
    columns: [
      ...(many ? pilotColumns : []),
      { header: '记账时间（北京时间）Booked (Beijing)', kind: 'datetime', width: 18 },
      { header: '业务日期 Date', kind: 'date', width: 12 },
      { header: '类别 Kind', kind: 'text', width: 16 },
      { header: '来源或用途 Source or use', kind: 'text', width: 24 },
      { header: '摘要 Description', kind: 'text', width: 36 },
      { header: '金额（元）Amount (yuan)', kind: 'yuan', width: 16 },
      { header: '变更前余额（元）Balance before (yuan)', kind: 'yuan', width: 18 },
      { header: '变更后余额（元）Balance after (yuan)', kind: 'yuan', width: 18 },
      { header: '经办人 By', kind: 'text', width: 14 },
    ],
    rows,
  };
}

const yesNo = (b: boolean | undefined) => (b ? '是' : '否');

/** One row per pilot: where it stands, its reports, submissions, balance, escalation, risk and pass rates. */
export function summaryTable(pilots: SummaryPilot[]): Table {
  return {
    name: { zh: '试点汇总', en: 'Summary' },
    columns: [
      { header: '试点 Pilot', kind: 'text', width: 18 },
      { header: '学院 College', kind: 'text', width: 18 },
      { header: '专业 Major', kind: 'text', width: 18 },
      { header: '证书 Certificate', kind: 'text', width: 24 },
      { header: '负责人 Lead', kind: 'text', width: 12 },
      { header: '阶段 Stage', kind: 'text', width: 10 },
      { header: '周报按时 Weekly on time', kind: 'int', width: 10 },
      { header: '周报迟交 Weekly late', kind: 'int', width: 10 },
      { header: '周报未交 Weekly missed', kind: 'int', width: 10 },
      { header: '省级材料按时报送 Provincial on time', kind: 'int', width: 12 },
      { header: '省级材料逾期报送 Provincial late', kind: 'int', width: 12 },
      { header: '省级材料未报送 Provincial missed', kind: 'int', width: 12 },
      { header: '省级材料待报送 Provincial pending', kind: 'int', width: 12 },
      { header: '专项资金余额（元）Balance (yuan)', kind: 'yuan', width: 16 },
      { header: '已上报督办 Escalated', kind: 'text', width: 10 },
      { header: '取消风险 Cancellation risk', kind: 'text', width: 10 },
      { header: '风险原因 Risk reasons', kind: 'text', width: 40 },
      { header: '通过率 Pass rates', kind: 'text', width: 24 },
    ],
    rows: pilots.map(({ state: s, stage, escalated, cancellationRisk }) => {
      const weekly = (o: string) => s.periods.filter((p) => p.outcome === o).length;
      const provincial = (o: string) => s.provincial.filter((p) => p.outcome === o).length;
      const threshold = thresholdOf(s);
      const rates = s.passYears
        .map((y) => `${y.year} 年 ${formatPassRate(y, threshold)}（${y.passed}/${y.candidates}）${y.restricted ? ' 限制申报' : ''}`)
        .join('；');
      return [
        s.pilot.id,
        s.current.college.name,
        s.current.major.name,
        s.current.certificate.name,
        s.current.lead.name,
        zh('pilotStage', stage ?? s.status),
        weekly('onTime'),
        weekly('late'),
        weekly('missed'),
        provincial('submitted'),
        provincial('late'),
        provincial('missed'),
        provincial('pending'),
        s.ledger.balanceFen,
        yesNo(s.escalated || escalated),
        yesNo(s.cancellationRisk.flagged || cancellationRisk),
        s.cancellationRisk.reasons.map((r) => `${formatShanghaiMinute(r.at)} ${r.reason.zh}`).join('；'),
        rates || '—',
      ];
    }),
  };
}

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A text cell made safe: control characters stripped, a formula's first character quoted. */
export function safeText(v: string): string {
  const s = stripControlCharacters(v);
  return FORMULA_START.test(v) || FORMULA_START.test(s) ? `'${s}` : s;
}

/** One CSV cell: text guarded against formulas, amounts `1234.50`, times `yyyy-mm-dd hh:mm` Beijing. */
export function cell(v: CellValue, kind: ColumnKind = 'text'): string {
  let s: string;
  if (v === null || v === '') s = '';
  else if (kind === 'yuan' && typeof v === 'number') s = fenToYuan(v);
  else if (kind === 'int' && typeof v === 'number') s = String(v);
  else if (kind === 'datetime' && !Number.isNaN(Date.parse(String(v)))) s = formatShanghaiMinute(String(v));
  else s = safeText(String(v));
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV, UTF-8 with a BOM; several tables one after another, each under its name, a blank line between. */
export function toCsv(tables: Table | Table[]): string {
  const list = Array.isArray(tables) ? tables : [tables];
  const lines: string[] = [];
  list.forEach((t, i) => {
    if (list.length > 1) {
      if (i > 0) lines.push('');
      lines.push(cell(`${t.name.zh} ${t.name.en}`));
    }
    lines.push(t.columns.map((c) => cell(c.header)).join(','));
    for (const r of t.rows) lines.push(r.map((v, j) => cell(v, t.columns[j]?.kind)).join(','));
  });
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** A Beijing wall-clock Date (its UTC fields are the Beijing time) for an instant: Excel has no time zones. */
export function beijingWallClock(iso: string): Date {
  return new Date(Date.parse(iso) + BEIJING_OFFSET_MS);
}

function xlsxValue(v: CellValue, kind: ColumnKind): ExcelJS.CellValue {
  if (v === null || v === '') return null;
  switch (kind) {
    case 'yuan':
      return typeof v === 'number' ? v / 100 : safeText(v);
    case 'int':
      return typeof v === 'number' ? v : safeText(v);
    case 'datetime':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? beijingWallClock(v) : safeText(String(v));
    case 'date':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : safeText(String(v));
    default:
      return safeText(String(v));
  }
}

const numFmts: Partial<Record<ColumnKind, string>> = { yuan: YUAN_FORMAT, datetime: DATE_TIME_FORMAT, date: DATE_FORMAT };

/** An XLSX workbook: one sheet per table, a title line first (what it is, when exported), then the header, frozen. */
export async function toXlsx(title: string, tables: Table[], exportedAt = new Date()): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'onex';
  wb.title = safeText(title);
  for (const t of tables) {
    const ws = wb.addWorksheet(`${t.name.zh} ${t.name.en}`.slice(0, 31), { views: [{ state: 'frozen', ySplit: 2 }] });
    ws.addRow([
      safeText(`${title} — ${t.name.zh} ${t.name.en}（导出于 ${formatShanghaiMinute(exportedAt)} 北京时间 / exported, Beijing time）`),
    ]);
    const head = ws.addRow(t.columns.map((c) => c.header));
    head.font = { bold: true };
    for (const r of t.rows) {
      const row = ws.addRow(t.columns.map((c, j) => xlsxValue(r[j] ?? null, c.kind)));
      t.columns.forEach((c, j) => {
        const fmt = numFmts[c.kind];
        if (fmt && r[j] !== null && r[j] !== '') row.getCell(j + 1).numFmt = fmt;
      });
    }
    t.columns.forEach((c, j) => (ws.getColumn(j + 1).width = c.width ?? 16));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
