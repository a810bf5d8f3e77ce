/**
 * Exports for inspections (Art. 18): a pilot's audit trail and its fund ledger as CSV
 * (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese) and XLSX.
 * Cells that a spreadsheet would run as a formula (= + - @ at the start) are quoted with
 * a leading apostrophe. Control characters never reach a file (they are stripped).
 */
import ExcelJS from 'exceljs';
import { formatShanghai } from '../../domain/calendar';
import { stripControlCharacters } from '../../domain/validation';
import { timelineOf } from './timeline';
import type { PilotView } from './view';

export type Table = { name: { zh: string; en: string }; header: string[]; rows: (string | number)[][] };

const yuan = (fen: number) => (fen / 100).toFixed(2);

export function auditTable(s: PilotView): Table {
  return {
    name: { zh: '审计记录', en: 'Audit trail' },
    header: [
      '序号 Seq',
      '时间（北京）Time (Beijing)',
      '操作 Action',
      '操作人 Actor',
      '角色 Role',
      '代谁 On behalf of',
      '内容 Summary (zh)',
      'Summary (en)',
      '变更前 Before',
      '变更后 After',
    ],
    rows: timelineOf(s).map((a) => [
      a.seq,
      formatShanghai(Date.parse(a.at)).slice(0, 19),
      a.action,
      a.actor?.id ?? '系统 system',
      a.actor?.role ?? '',
      a.actor?.onBehalfOf ?? '',
      a.summary.zh,
      a.summary.en,
      a.before === undefined ? '' : JSON.stringify(a.before),
      a.after === undefined ? '' : JSON.stringify(a.after),
    ]),
  };
}

export function ledgerTable(s: PilotView): Table {
  const rows: (string | number)[][] = timelineOf(s)
    .filter((a) => a.action.startsWith('ledger.'))
    .map((a) => {
      const before = (a.before as { balanceFen?: number } | undefined)?.balanceFen;
      const after = (a.after as { balanceFen?: number } | undefined)?.balanceFen;
      return [
        formatShanghai(Date.parse(a.at)).slice(0, 10),
        a.action === 'ledger.income' ? '收入 income' : '支出 expense',
        a.summary.zh,
        a.summary.en,
        before === undefined ? '' : yuan(before),
        after === undefined ? '' : yuan(after),
        a.actor?.id ?? '',
      ];
    });
  const l = s.ledger;
  if (l) {
    for (const [k, v] of Object.entries(l.incomeFen)) rows.push(['合计 total', `收入 income: ${k}`, '', '', '', yuan(v), '']);
    for (const [k, v] of Object.entries(l.spentFen)) rows.push(['合计 total', `支出 expense: ${k}`, '', '', '', yuan(v), '']);
    rows.push(['合计 total', '余额 balance', '', '', '', yuan(l.balanceFen), '']);
  }
  return {
    name: { zh: '专项资金账', en: 'Fund ledger' },
    header: [
      '日期 Date',
      '类别 Kind',
      '摘要 Summary (zh)',
      'Summary (en)',
      '变更前余额（元）Balance before (yuan)',
      '变更后余额（元）Balance after (yuan)',
      '经办 By',
    ],
    rows,
  };
}

function cell(v: string | number): string {
  let s = stripControlCharacters(String(v));
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(t: Table): string {
  return `\uFEFF${[t.header, ...t.rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

export async function toXlsx(s: PilotView, tables: Table[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'onex';
  wb.title = `${s.pilot.id}`;
  for (const t of tables) {
    const ws = wb.addWorksheet(`${t.name.zh} ${t.name.en}`.slice(0, 31));
    ws.addRow([`试点 Pilot: ${s.pilot.id} — ${s.pilot.college.name} ${s.pilot.major.name} ${s.pilot.certificate.name}`]);
    const head = ws.addRow(t.header);
    head.font = { bold: true };
    for (const r of t.rows)
      ws.addRow(
        r.map((v) => (typeof v !== 'string' ? v : /^[=+\-@]/.test(v) ? `'${stripControlCharacters(v)}` : stripControlCharacters(v))),
      );
    ws.columns.forEach((c) => (c.width = 22));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
