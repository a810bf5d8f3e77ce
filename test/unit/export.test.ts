/**
 * Exports people can use (issue 12, observation 6): the XLSX read back with exceljs has real
 * Beijing date-time cells, amounts as numbers in yuan with two decimals, a Chinese name for
 * every code and readable before/after values (never JSON); CSV stays safe against formula
 * injection (ASCII and full-width), with amounts `1234.50` and times `yyyy-mm-dd hh:mm`.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { contentDisposition } from '../../client/http-headers';
import {
  auditTable,
  cell,
  describeValue,
  ledgerTable,
  summaryTable,
  toCsv,
  toXlsx,
  yuanText,
  type ExportNames,
} from '../../client/web/export';
import type { PilotState } from '../../workflows/pilot-state';

const record = {
  id: 'p-1',
  college: { id: 'forestry', name: '林业学院' },
  major: { name: '园林技术' },
  certificate: { name: '花卉园艺', evaluationOrg: '某评价组织', level: 'intermediate' },
  lead: { name: '张老师', email: 'zhang@college.test', userId: 'zhang' },
  startDate: '2026-09-01',
  endDate: '2028-07-31',
  rulesVersion: '2023.1',
};
const jwb = { id: 'jwb', role: 'academicAffairs' } as const;
const zhang = { id: 'zhang', role: 'pilotLead', college: 'forestry' } as const;

/** 2026-12-01T17:02:33Z is 2026-12-02 01:02 in Beijing: the day differs from UTC. */
const AT = '2026-12-01T17:02:33.000Z';

function pilotState(id = 'p-1', over: Partial<PilotState> = {}): PilotState {
  return {
    pilot: { ...record, id },
    current: { ...record, id },
    workflowId: `pilot:${id}`,
    status: 'running',
    periods: [
      { id: '2026-W48', dueAt: AT, remindAt: AT, outcome: 'onTime', shifted: false, reminded: true },
      { id: '2026-W49', dueAt: AT, remindAt: AT, outcome: 'late', shifted: false, reminded: true },
      { id: '2026-W50', dueAt: AT, remindAt: AT, outcome: 'missed', shifted: false, reminded: true },
    ],
    provincial: [{ id: 'r1', outcome: 'submitted' }],
    consecutiveMisses: 1,
    escalated: false,
    consecutiveProvincialMisses: 0,
    ledger: {
      pilotId: id,
      balanceFen: 176_550,
      incomeFen: { specialFundAllocation: 300_000 },
      spentFen: { teacherTraining: 123_450 },
      entries: 2,
      booked: [
        {
          kind: 'income',
          id: 'in-1',
          date: '2026-12-01',
          source: 'specialFundAllocation',
          account: 'pilotSpecialFund',
          payer: '省教育厅',
          amountFen: 300_000,
        },
        { kind: 'expense', id: 'ex-1', date: '2026-12-02', category: 'teacherTraining', amountFen: 123_450, description: '师资培训费' },
      ],
    },
    assessments: [],
    passYears: [{ year: 2026, candidates: 20_000, passed: 17_999, rateBp: 8999, restricted: true }],
    inspections: [],
    schedule: [],
    rectifications: [],
    approvals: [],
    violations: [],
    waivers: [],
    cancellationRisk: { flagged: true, reasons: [{ at: AT, reason: { zh: '连续两次未报送省级材料', en: 'two provincial misses' } }] },
    audit: [
      {
        seq: 1,
        at: AT,
        action: 'ledger.income',
        actor: jwb,
        summary: { zh: '专项资金收入 3000.00 元', en: 'income CNY 3000.00' },
        before: { balanceFen: 0 },
        after: { balanceFen: 300_000 },
      },
      {
        seq: 2,
        at: '2026-12-02T02:00:00.000Z',
        action: 'ledger.expense',
        actor: { ...zhang, onBehalfOf: 'dean' },
        summary: { zh: '专项资金支出 1234.50 元', en: 'expense CNY 1234.50' },
        before: { balanceFen: 300_000 },
        after: { balanceFen: 176_550 },
      },
      {
        seq: 3,
        at: AT,
        action: 'budget.approved',
        actor: jwb,
        summary: { zh: '预算批准', en: 'budget approved' },
        before: { approvedBudgetFen: null },
        after: { approvedBudgetFen: 500_000 },
      },
      {
        seq: 4,
        at: AT,
        action: 'provincial.submit',
        actor: zhang,
        summary: { zh: '报送', en: 'submitted' },
        before: { outcome: 'pending' },
        after: { outcome: 'submitted' },
      },
      {
        seq: 5,
        at: AT,
        action: 'change.applied',
        actor: jwb,
        summary: { zh: '变更生效', en: 'change applied' },
        before: { lead: { name: '张老师', email: 'zhang@college.test' }, startDate: '2026-09-01', endDate: '2028-07-31' },
        after: { lead: { name: '李老师', email: 'li@college.test' }, startDate: '2026-09-01', endDate: '2028-08-31' },
      },
      {
        seq: 6,
        at: AT,
        action: 'assessment.restriction',
        summary: { zh: '通过率限制申报', en: 'restriction' },
        after: { year: 2026, candidates: 20_000, passed: 17_999, rateBp: 8999, restricted: true },
      },
      {
        seq: 7,
        at: AT,
        action: 'deadline.extend',
        actor: jwb,
        summary: { zh: '延期', en: 'extended' },
        before: { dueAt: AT },
        after: { dueAt: AT },
      },
    ],
    emails: [],
    calendarWarnings: [],
    startedAt: AT,
    runIndex: 1,
    escalationLevel: 0,
    overdue: false,
    waitingOn: [],
    historyLength: 10,
    ...over,
  } as unknown as PilotState;
}

const names: ExportNames = { person: (id) => ({ jwb: '王主任', zhang: '张老师' })[id] };
const RAW_CODES = [
  'academicAffairs',
  'pilotLead',
  'ledger.income',
  'ledger.expense',
  'balanceFen',
  'approvedBudgetFen',
  'teacherTraining',
  'specialFundAllocation',
  'budget.approved',
  'provincial.submit',
  'change.applied',
  'assessment.restriction',
  'deadline.extend',
  'rateBp',
  '{',
];

async function readBack(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}

/** The sheet's data rows (after the title line and the header) as cells. */
function dataRows(ws: ExcelJS.Worksheet): ExcelJS.Row[] {
  const rows: ExcelJS.Row[] = [];
  ws.eachRow((row, n) => {
    if (n > 2) rows.push(row);
  });
  return rows;
}
const headerOf = (ws: ExcelJS.Worksheet) => (ws.getRow(2).values as unknown[]).slice(1).map(String);
const column = (ws: ExcelJS.Worksheet, startsWith: string) => headerOf(ws).findIndex((h) => h.startsWith(startsWith)) + 1;

function allText(wb: ExcelJS.Workbook): string[] {
  const out: string[] = [];
  for (const ws of wb.worksheets)
    ws.eachRow((row) =>
      row.eachCell((c) => {
        out.push(c.value instanceof Date ? c.value.toISOString() : String(c.value));
      }),
    );
  return out;
}

describe('XLSX export', () => {
  it('writes times as real date-time cells in Beijing wall-clock time, with a date-time format and 北京时间 in the header', async () => {
    const s = pilotState();
    const wb = await readBack(await toXlsx('试点 p-1', [auditTable(s, names), ledgerTable(s, names)]));
    const audit = wb.worksheets[0]!;
    const at = column(audit, '时间');
    expect(headerOf(audit)[at - 1]).toContain('北京时间');
    const first = dataRows(audit)[0]!.getCell(at);
    expect(first.value).toBeInstanceOf(Date);
    // 17:02 UTC on 1 December is 01:02 on 2 December in Beijing.
    expect((first.value as Date).toISOString()).toBe('2026-12-02T01:02:33.000Z');
    expect(first.numFmt).toBe('yyyy-mm-dd hh:mm');
    const ledger = wb.worksheets[1]!;
    const booked = dataRows(ledger)[0]!.getCell(column(ledger, '记账时间'));
    expect((booked.value as Date).toISOString()).toBe('2026-12-02T01:02:33.000Z');
    const day = dataRows(ledger)[1]!.getCell(column(ledger, '业务日期'));
    expect((day.value as Date).toISOString()).toBe('2026-12-02T00:00:00.000Z');
    expect(day.numFmt).toBe('yyyy-mm-dd');
  });

  it('writes amounts as numbers in yuan with two decimals (1234.50 元 → 1234.5, #,##0.00)', async () => {
    const s = pilotState();
    const wb = await readBack(await toXlsx('试点 p-1', [ledgerTable(s, names), summaryTable([{ state: s }])]));
    const ledger = wb.worksheets[0]!;
    const [income, expense] = dataRows(ledger);
    const amount = column(ledger, '金额');
    expect(expense!.getCell(amount).value).toBe(1234.5);
    expect(expense!.getCell(amount).numFmt).toBe('#,##0.00');
    expect(income!.getCell(amount).value).toBe(3000);
    expect(expense!.getCell(column(ledger, '变更后余额')).value).toBe(1765.5);
    expect(expense!.getCell(column(ledger, '来源或用途')).value).toBe('师资培训');
    expect(income!.getCell(column(ledger, '来源或用途')).value).toBe('1+X 专项资金拨款');
    const balanceRow = dataRows(ledger).find((r) => String(r.getCell(column(ledger, '类别')).value).startsWith('余额'))!;
    expect(balanceRow.getCell(amount).value).toBe(1765.5);
    const summary = wb.worksheets[1]!;
    const row = dataRows(summary)[0]!;
    expect(row.getCell(column(summary, '专项资金余额')).value).toBe(1765.5);
    expect(row.getCell(column(summary, '专项资金余额')).numFmt).toBe('#,##0.00');
  });

  it('names every code in Chinese (roles, actions, uses, sources, outcomes, fields) and people by name; no cell holds a code or JSON', async () => {
    const s = pilotState();
    const wb = await readBack(await toXlsx('试点 p-1', [summaryTable([{ state: s }]), auditTable(s, names), ledgerTable(s, names)]));
    const text = allText(wb);
    for (const code of RAW_CODES)
      expect(
        text.filter((t) => t.includes(code)),
        code,
      ).toEqual([]);
    const audit = wb.worksheets[1]!;
    const rows = dataRows(audit);
    expect(rows[0]!.getCell(column(audit, '操作 Action')).value).toBe('专项资金收入');
    expect(rows[0]!.getCell(column(audit, '操作人')).value).toBe('王主任');
    expect(rows[0]!.getCell(column(audit, '角色')).value).toBe('教务部');
    expect(rows[0]!.getCell(column(audit, '变更前')).value).toBe('余额 0.00 元');
    expect(rows[0]!.getCell(column(audit, '变更后')).value).toBe('余额 3,000.00 元');
    expect(rows[1]!.getCell(column(audit, '代谁')).value).toBe('dean'); // not in the users file: the id
    expect(rows[2]!.getCell(column(audit, '变更前')).value).toBe('批准预算 —');
    expect(rows[3]!.getCell(column(audit, '变更后')).value).toBe('结果 按时报送');
    expect(rows[4]!.getCell(column(audit, '变更后')).value).toBe('试点负责人 李老师；开始日期 2026-09-01；结束日期 2028-08-31');
    expect(rows[5]!.getCell(column(audit, '操作人')).value).toBe('系统 system');
    expect(String(rows[5]!.getCell(column(audit, '变更后')).value)).toContain('通过率 89.99%'); // 17 999 / 20 000: below 90 %, never shown as reaching it
    expect(rows[6]!.getCell(column(audit, '变更后')).value).toBe('截止时间 2026-12-02 01:02');
  });

  it('the summary has one row per pilot: college, major, certificate, lead, stage, reports, submissions, balance, escalation, risk, pass rates', async () => {
    const a = pilotState('p-1');
    const b = pilotState('p-2', { escalated: true, passYears: [] });
    const wb = await readBack(
      await toXlsx('全校', [
        summaryTable([
          { state: a, stage: 'implementation' },
          { state: b, stage: 'completed' },
        ]),
      ]),
    );
    const ws = wb.worksheets[0]!;
    const rows = dataRows(ws).map((r) => (r.values as unknown[]).slice(1));
    expect(rows).toHaveLength(2);
    expect(rows[0]!.slice(0, 13)).toEqual(['p-1', '林业学院', '园林技术', '花卉园艺', '张老师', '实施中', 1, 1, 1, 1, 0, 0, 0]);
    expect(rows[0]![13]).toBe(1765.5);
    expect(rows[0]![14]).toBe('否');
    expect(rows[0]![15]).toBe('是');
    expect(rows[0]![16]).toBe('2026-12-02 01:02 连续两次未报送省级材料');
    // Below the Art. 12 threshold: never shown as reaching it (89.99 %, not 90.00 %).
    expect(rows[0]![17]).toBe('2026 年 89.99%（17999/20000） 限制申报');
    expect(rows[1]!.slice(0, 6)).toEqual(['p-2', '林业学院', '园林技术', '花卉园艺', '张老师', '已结束']);
    expect(rows[1]![14]).toBe('是');
    expect(rows[1]![17]).toBe('—');
  });

  it('renders before/after values as text, never JSON', () => {
    expect(describeValue('ledger.income', { balanceFen: 300_000 })).toBe('余额 3,000.00 元');
    expect(describeValue('inspection.record', { outcome: 'fail', failed: ['funds', 'progress'] })).toBe(
      '结果 未通过；未通过的检查内容 经费落实、资金使用情况、试点建设进展情况',
    );
    expect(describeValue('approval.approved', { approvalId: 'b-1', outcome: 'approved' })).toBe('审批事项编号 b-1；结果 已批准');
    expect(describeValue('x.y', { mystery: 1 })).toBe('其他 1');
    expect(describeValue('assessment.result', { passed: 2, candidates: 3 })).toBe('通过人数 2；考核人数 3；通过率 66.67%');
    expect(yuanText(123_456_789)).toBe('1,234,567.89');
  });
});

describe('CSV export', () => {
  it('writes amounts as plain numbers with two decimals and times as yyyy-mm-dd hh:mm Beijing, UTF-8 with a BOM', () => {
    const s = pilotState();
    const csv = toCsv(ledgerTable(s, names));
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines[0]).toContain('记账时间（北京时间）');
    expect(lines[1]).toBe('2026-12-02 01:02,2026-12-01,专项资金收入,1+X 专项资金拨款,省教育厅,3000.00,0.00,3000.00,王主任');
    expect(lines[2]).toBe('2026-12-02 10:00,2026-12-02,专项资金支出,师资培训,师资培训费,1234.50,3000.00,1765.50,张老师');
    const audit = toCsv(auditTable(s, names));
    for (const code of RAW_CODES) expect(audit).not.toContain(code);
    expect(audit).toContain('2026-12-02 01:02,专项资金收入,王主任,教务部');
    expect(audit).not.toMatch(/2026-12-02 01:02（北京/);
  });

  it('quotes a cell a spreadsheet would run as a formula: = + - @, tab, CR, and their full-width forms', () => {
    for (const v of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1', '＝1+1', '＋1', '－1', '＠SUM(A1)']) {
      const c = cell(v);
      const unquoted = c.startsWith('"') ? c.slice(1, -1).replace(/""/g, '"') : c;
      expect(unquoted.startsWith("'"), JSON.stringify(v)).toBe(true);
    }
    expect(cell('普通文本')).toBe('普通文本');
    expect(cell('x,y')).toBe('"x,y"');
    // A number in an amount column is a number, not text to guard.
    expect(cell(-150, 'yuan')).toBe('-1.50');
    const csv = toCsv({
      name: { zh: '表', en: 'T' },
      columns: [{ header: '内容', kind: 'text' }],
      rows: [['＝HYPERLINK("http://x")'], ['@x']],
    });
    expect(csv).toBe('\uFEFF内容\r\n"\'＝HYPERLINK(""http://x"")"\r\n\'@x\r\n');
  });

  it('puts several tables one after another under their names, with one BOM', () => {
    const s = pilotState();
    const csv = toCsv([auditTable(s), ledgerTable(s)]);
    expect(csv.match(/\uFEFF/g)).toHaveLength(1);
    expect(csv.slice(1).split('\r\n')[0]).toBe('审计记录 Audit trail');
    expect(csv).toContain('\r\n\r\n专项资金账 Fund ledger\r\n');
  });
});

describe('file names', () => {
  it('sends the Chinese file name as RFC 5987 filename* with an ASCII fallback', () => {
    expect(contentDisposition('试点审计记录-p-1.xlsx')).toBe(
      `attachment; filename="______-p-1.xlsx"; filename*=UTF-8''${encodeURIComponent('试点审计记录-p-1.xlsx')}`,
    );
  });
});

describe('college and programme exports when the workflows cannot answer', () => {
  it('answer 503 for the whole export, never a workbook with pilots missing', async () => {
    const { exportHandlers } = await import('../../client/web/export-routes');
    const { ServiceError } = await import('../../client/service-error');
    const noPoller = Object.assign(new Error('No poller seen for task queue recently'), {
      code: 9,
      details: 'No poller seen for task queue recently',
    });
    const row = (id: string) => ({
      workflowId: `pilot:${id}`,
      status: { name: 'RUNNING' },
      startTime: new Date(),
      typedSearchAttributes: { get: () => undefined },
    });
    const client = {
      withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
      workflow: {
        list: async function* () {
          yield row('p-1');
          yield row('p-2');
        },
        // One pilot answers, the other's task queue has no worker.
        getHandle: (id: string) => ({
          query: async () => {
            if (id === 'pilot:p-1') return pilotState('p-1');
            throw noPoller;
          },
        }),
      },
    };
    const sent: unknown[] = [];
    const reply = { header: () => reply, send: (b: unknown) => void sent.push(b) };
    const handlers = exportHandlers({ client: client as never, taskQueue: 'onex' });
    const call = (name: 'exportProgramme' | 'exportCollege') =>
      handlers[name]!({ req: {} as never, reply: reply as never, params: { collegeId: 'forestry' }, input: {}, key: undefined });
    for (const name of ['exportProgramme', 'exportCollege'] as const) {
      const err = await call(name).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(ServiceError);
      expect((err as InstanceType<typeof ServiceError>).status).toBe(503);
    }
    expect(sent).toEqual([]);
  });
});
