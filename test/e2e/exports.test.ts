/**
 * Exports end to end on the dev server (issue 12, observation 6): a pilot's workbook has real
 * Beijing date-time cells, amounts in yuan as numbers, names instead of codes and a Chinese
 * file name; a college's and the whole programme's workbooks have one summary row per pilot,
 * scoped — a lead of college B gets 403 for college A's export and for the programme's,
 * Academic Affairs and a supervisor get everything.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { shanghaiDate } from '../../domain/calendar';
import { startTestApi, type TestApi } from '../helpers/api';
import { eventually } from '../helpers/wait';

const suffix = Date.now().toString(36);
const [forestry, engineering] = [`forestry-${suffix}`, `engineering-${suffix}`];
const [pA1, pA2, pB] = [`exp-a1-${suffix}`, `exp-a2-${suffix}`, `exp-b-${suffix}`];
const today = shanghaiDate(Date.now());
let api: TestApi;

const RAW_CODES = [
  'academicAffairs',
  'pilotLead',
  'ledger.income',
  'ledger.expense',
  'balanceFen',
  'teacherTraining',
  'examServiceFee',
  '{',
];

beforeAll(async () => {
  api = await startTestApi(inject('temporalAddress'), [
    'jwb:academicAffairs',
    `zhang:pilotLead:${forestry}`,
    `chen:pilotLead:${engineering}`,
    'du:supervisor',
  ]);
  await api.startPilot(pA1, forestry, 'zhang', '林业学院');
  await api.startPilot(pA2, forestry, 'zhang', '林业学院');
  await api.startPilot(pB, engineering, 'chen', '信息工程学院');
  const post = (path: string, body: unknown) => api.as('zhang', `/api/pilots/${pA1}/${path}`, { method: 'POST', json: body });
  const actor = { id: 'zhang', role: 'pilotLead' };
  const income = await post('incomes', {
    id: 'IN-1',
    date: today,
    source: 'examServiceFee',
    payer: '某培训评价组织',
    amountFen: 300_000,
    actor,
  });
  expect(income.status).toBe(200);
  const expense = await post('expenses', {
    id: 'EX-1',
    date: today,
    category: 'teacherTraining',
    amountFen: 123_450,
    description: '师资培训',
    actor,
  });
  expect(expense.status).toBe(200);
  // The lists run on search attributes: wait until the three pilots are visible.
  await eventually(
    async () => {
      const res = await api.as('jwb', '/api/dashboard?limit=1000');
      const { pilots } = (await res.json()) as { pilots: { pilotId: string }[] };
      return [pA1, pA2, pB].every((id) => pilots.some((p) => p.pilotId === id)) ? true : undefined;
    },
    'pilots listed',
    30_000,
  );
});
afterAll(async () => api?.close());

async function workbook(res: Response): Promise<ExcelJS.Workbook> {
  expect(
    res.status,
    await res
      .clone()
      .text()
      .catch(() => ''),
  ).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
  return wb;
}
const headerOf = (ws: ExcelJS.Worksheet) => (ws.getRow(2).values as unknown[]).slice(1).map(String);
const column = (ws: ExcelJS.Worksheet, startsWith: string) => headerOf(ws).findIndex((h) => h.startsWith(startsWith)) + 1;
function dataRows(ws: ExcelJS.Worksheet): ExcelJS.Row[] {
  const rows: ExcelJS.Row[] = [];
  ws.eachRow((row, n) => {
    if (n > 2) rows.push(row);
  });
  return rows;
}
function texts(wb: ExcelJS.Workbook): string[] {
  const out: string[] = [];
  for (const ws of wb.worksheets)
    ws.eachRow((row) => row.eachCell((c) => void out.push(c.value instanceof Date ? 'date' : String(c.value))));
  return out;
}
const summaryPilots = (wb: ExcelJS.Workbook) => dataRows(wb.getWorksheet('试点汇总 Summary')!).map((r) => String(r.getCell(1).value));

describe('exports', () => {
  it("a pilot's workbook: Beijing date-time cells, yuan as numbers, names not codes, a Chinese file name", async () => {
    const res = await api.as('zhang', `/api/pilots/${pA1}/export?format=xlsx`);
    const wb = await workbook(res);
    const audit = wb.getWorksheet('审计记录 Audit trail')!;
    expect(headerOf(audit).join(' ')).toContain('北京时间');
    const at = dataRows(audit)[0]!.getCell(column(audit, '时间'));
    expect(at.value).toBeInstanceOf(Date);
    expect(at.numFmt).toBe('yyyy-mm-dd hh:mm');
    // The wall clock is Beijing time: within a few minutes of now + 8 h, read as UTC fields.
    expect(Math.abs((at.value as Date).getTime() - (Date.now() + 8 * 3600_000))).toBeLessThan(10 * 60_000);
    const ledger = wb.getWorksheet('专项资金账 Fund ledger')!;
    const [income, expense] = dataRows(ledger);
    expect(income!.getCell(column(ledger, '金额')).value).toBe(3000);
    expect(expense!.getCell(column(ledger, '金额')).value).toBe(1234.5);
    expect(expense!.getCell(column(ledger, '金额')).numFmt).toBe('#,##0.00');
    expect(expense!.getCell(column(ledger, '变更后余额')).value).toBe(1765.5);
    expect(expense!.getCell(column(ledger, '经办人')).value).toBe('测试 zhang');
    const all = texts(wb);
    for (const code of RAW_CODES)
      expect(
        all.filter((t) => t.includes(code)),
        code,
      ).toEqual([]);
    expect(all).toContain('余额 3,000.00 元');
    expect(all).toContain('专项资金收入');
    expect(all).toContain('试点负责人');
    expect(res.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent(`试点审计记录与专项资金账-${pA1}.xlsx`)}`,
    );
  });

  it('CSV: amounts 1234.50, times yyyy-mm-dd hh:mm, UTF-8 with a BOM', async () => {
    const res = await api.as('jwb', `/api/pilots/${pA1}/export?format=csv&what=ledger`);
    expect(res.status).toBe(200);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[2]).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2},\d{4}-\d{2}-\d{2},专项资金支出,师资培训,师资培训,1234\.50,3000\.00,1765\.50,测试 zhang$/,
    );
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent(`试点专项资金账-${pA1}.csv`));
  });

  it("a college's workbook: one summary row per pilot of the college; a lead of another college gets 403", async () => {
    for (const user of ['zhang', 'jwb', 'du']) {
      const wb = await workbook(await api.as(user, `/api/exports/college/${forestry}`));
      expect(wb.worksheets.map((w) => w.name)).toEqual(['试点汇总 Summary', '审计记录 Audit trail', '专项资金账 Fund ledger']);
      expect(summaryPilots(wb).sort(), user).toEqual([pA1, pA2].sort());
      const summary = wb.getWorksheet('试点汇总 Summary')!;
      const row = dataRows(summary).find((r) => r.getCell(1).value === pA1)!;
      expect(row.getCell(column(summary, '学院')).value).toBe('林业学院');
      expect(row.getCell(column(summary, '负责人')).value).toBe('负责人 zhang');
      expect(row.getCell(column(summary, '阶段')).value).toBe('实施中');
      expect(row.getCell(column(summary, '专项资金余额')).value).toBe(1765.5);
      const all = texts(wb);
      for (const code of RAW_CODES)
        expect(
          all.filter((t) => t.includes(code)),
          code,
        ).toEqual([]);
    }
    const other = await api.as('chen', `/api/exports/college/${forestry}`);
    expect(other.status).toBe(403);
    const own = await workbook(await api.as('chen', `/api/exports/college/${engineering}?what=summary`));
    expect(own.worksheets.map((w) => w.name)).toEqual(['试点汇总 Summary']);
    expect(summaryPilots(own)).toEqual([pB]);
  });

  it("the programme's workbook: Academic Affairs and a supervisor get one summary row per pilot; a college's lead gets 403", async () => {
    for (const user of ['jwb', 'du']) {
      const res = await api.as(user, '/api/exports/programme');
      expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('试点汇总与审计记录-全校-')}`);
      const wb = await workbook(res);
      const ids = summaryPilots(wb);
      expect(ids.sort(), user).toEqual([pA1, pA2, pB].sort());
      const audit = wb.getWorksheet('审计记录 Audit trail')!;
      expect(headerOf(audit).slice(0, 2)).toEqual(['试点 Pilot', '学院 College']);
    }
    for (const user of ['zhang', 'chen']) expect((await api.as(user, '/api/exports/programme')).status, user).toBe(403);
    const csv = await api.as('du', '/api/exports/programme?format=csv&what=summary');
    expect(csv.status).toBe(200);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(4); // the header and one row per pilot
  });

  it('refuses an unknown format or table (400)', async () => {
    expect((await api.as('jwb', '/api/exports/programme?format=pdf')).status).toBe(400);
    expect((await api.as('jwb', `/api/exports/college/${forestry}?what=everything`)).status).toBe(400);
  });
});
