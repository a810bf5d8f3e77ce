/**
 * Strict input (issue 10): every schema refuses fields it does not declare, naming each
 * one, and any text with a control character; input nested deeper than the limit is
 * refused before it is walked. These run through parseOrRefuse / safeParseBilingual, which
 * the API, the CLI and every Update validator use.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { incomeInputSchema } from '../../domain/pilot-actions';
import { out } from '../../client/cli-common';
import { toCsv } from '../../client/web/export';
import { CONTROL_CHARACTERS, MAX_INPUT_DEPTH, safeParseBilingual, stripControlCharacters } from '../../domain/validation';
import { weeklyReportSchema } from '../../domain/weekly';

const actor = { id: 'zhang', role: 'pilotLead', college: 'forestry' };
const report = { periodId: '2026-W49', content: '本周完成教学计划修订。', actor };

function refused(schema: z.ZodType, input: unknown) {
  const r = safeParseBilingual(schema, input);
  if (r.ok) throw new Error('accepted');
  return r.errors;
}

describe('unknown fields', () => {
  it('a weekly report with an extra field is refused, naming the field, bilingually', () => {
    const errors = refused(weeklyReportSchema, { ...report, approved: true });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ ruleId: 'input.unknownField', field: 'approved' });
    expect(errors[0]!.message.zh).toContain('不接受字段“approved”');
    expect(errors[0]!.message.en).toContain('unknown field “approved”');
    expect(safeParseBilingual(weeklyReportSchema, report).ok).toBe(true);
  });

  it('finds unknown fields nested in objects, arrays and unions', () => {
    expect(refused(weeklyReportSchema, { ...report, actor: { ...actor, admin: true } }).map((e) => e.field)).toEqual(['actor.admin']);
    const schema = z.object({
      lines: z.array(z.object({ amount: z.number() })),
      kind: z.discriminatedUnion('k', [z.object({ k: z.literal('a'), a: z.number() }), z.object({ k: z.literal('b'), b: z.string() })]),
      note: z.string().trim().pipe(z.string().max(5)).optional(),
      extra: z.record(z.string(), z.object({ x: z.number() })).optional(),
    });
    const fields = refused(schema, {
      lines: [{ amount: 1 }, { amount: 2, fen: true }],
      kind: { k: 'b', b: 'x', a: 1 },
      extra: { one: { x: 1, y: 2 } },
    }).map((e) => e.field);
    expect(fields).toEqual(['lines[1].fen', 'kind.a', 'extra.one.y']);
  });

  it('an income with an extra field is refused (observation 2)', () => {
    const income = {
      id: 'IN1',
      date: '2026-12-01',
      source: 'examServiceFee',
      payer: '某评价组织',
      amountFen: 300000,
      pilotId: 'p1',
      recordedBy: actor,
    };
    const errors = safeParseBilingual(incomeInputSchema, { ...income, bonusFen: 1 });
    expect(errors.ok).toBe(false);
    if (!errors.ok) expect(errors.errors.map((e) => e.field)).toContain('bonusFen');
  });

  it('a schema declared loose accepts any key; strictObject keys are named the same way', () => {
    expect(safeParseBilingual(z.looseObject({ a: z.number() }), { a: 1, b: 2 }).ok).toBe(true);
    expect(refused(z.strictObject({ a: z.number() }), { a: 1, b: 2 })).toMatchObject([{ ruleId: 'input.unknownField', field: 'b' }]);
  });

  it('with strict: false (a workflow re-reading what it accepted) unknown fields are dropped as before', () => {
    expect(safeParseBilingual(weeklyReportSchema, { ...report, extra: 1 }, '', { strict: false }).ok).toBe(true);
  });
});

describe('control characters', () => {
  for (const [name, ch] of [
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['ESC', '\u001b[31m'],
    ['RTL override', '\u202e'],
    ['C1 CSI', '\u009b'],
    ['DEL', '\u007f'],
  ] as const) {
    it(`refuses ${name} in free text, naming the field`, () => {
      expect(refused(weeklyReportSchema, { ...report, content: `本周${ch}完成` })).toMatchObject([
        { ruleId: 'input.controlCharacter', field: 'content' },
      ]);
    });
  }
  it('keeps line breaks and tabs in free text', () => {
    expect(safeParseBilingual(weeklyReportSchema, { ...report, content: '第一行\n第二行\r\n\t缩进' }).ok).toBe(true);
  });
  it('strips them for output', () => {
    expect(stripControlCharacters('a\u001b[2Jb\u0000c\u202ed\ne')).toBe('a[2Jbcd\ne');
  });
  it('never writes them to a CSV export or the CLI', () => {
    const csv = toCsv({
      name: { zh: '表', en: 'table' },
      columns: [{ header: '内容', kind: 'text' }],
      rows: [['旧数据\u001b]0;pwned\u0007\u202e'], ['=1+1']],
    });
    expect(csv).not.toMatch(CONTROL_CHARACTERS);
    expect(csv).toContain("'=1+1");
    const printed: string[] = [];
    const log = console.log;
    console.log = (s: string) => void printed.push(s);
    try {
      out({ json: false } as never, {}, () => '张老师\u001b[31m\u0007');
    } finally {
      console.log = log;
    }
    expect(printed).toEqual(['张老师[31m']);
  });
});

describe('nesting depth', () => {
  it(`refuses input nested deeper than ${MAX_INPUT_DEPTH} levels without a stack overflow`, () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    expect(refused(weeklyReportSchema, { ...report, content: deep })[0]).toMatchObject({ ruleId: 'input.tooDeep' });
  });
});
