/**
 * The one dictionary of Chinese names (issue 12): every audit action the workflows record has
 * a name, and an unknown code never reads as itself.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditActionNames, bilingualName, dictionary, nameOf } from '../../domain/names';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('the dictionary of names', () => {
  it('names every audit action the workflows and the API record', () => {
    const used = new Set<string>();
    for (const file of [...sources('workflows'), ...sources('client')]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/audit\(\s*'([A-Za-z]+\.[A-Za-z]+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/action: '([A-Za-z]+\.[A-Za-z]+)'/g)) used.add(m[1]!);
      // `approval.${c.outcome}`: every outcome an approval concludes with.
      if (text.includes('`approval.${c.outcome}`')) for (const o of ['approved', 'rejected', 'withdrawn']) used.add(`approval.${o}`);
    }
    expect(used.size).toBeGreaterThan(15);
    const missing = [...used].filter((a) => !(a in auditActionNames));
    expect(missing).toEqual([]);
  });

  it('every name is Chinese first with English, and never a code', () => {
    for (const [category, names] of Object.entries(dictionary)) {
      for (const [code, name] of Object.entries(names as Record<string, { zh: string; en: string }>)) {
        expect(name.zh, `${category}.${code}`).toMatch(/[\u4e00-\u9fff]/);
        expect(name.en, `${category}.${code}`).toMatch(/[a-z]/i);
        expect(name.zh).not.toContain(code);
      }
    }
  });

  it('an unknown code reads as 其他, never as the code', () => {
    expect(nameOf('auditAction', 'ledger.income')).toEqual({ zh: '专项资金收入', en: 'income booked' });
    expect(nameOf('role', 'academicAffairs').zh).toBe('教务部');
    expect(nameOf('fundUse', 'toString').zh).toBe('其他');
    expect(bilingualName('auditAction', 'mystery.code')).toBe('其他 other');
    expect(bilingualName('role', undefined)).toBe('—');
  });
});
