import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogueMarkdown, findRule, ruleGroups, rulesCatalogue } from '../../domain/catalogue';
import { citeArticle } from '../../domain/errors';
import type { RuleDefinition } from '../../domain/rules';

const root = fileURLToPath(new URL('../../', import.meta.url));
const domainFiles = readdirSync(`${root}domain`).filter((f) => f.endsWith('.ts'));
const CJK = /[\u4e00-\u9fff]/;

describe('rules catalogue', () => {
  it.each(rulesCatalogue.map((r) => [r.id, r] as const))('%s has an article, Chinese and English text, a severity and a location', (_id, r) => {
    expect(r.id).toMatch(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/);
    expect(Number.isInteger(r.article.article) && r.article.article >= 1 && r.article.article <= 22).toBe(true);
    if (r.article.item !== undefined) expect(Number.isInteger(r.article.item) && r.article.item >= 1).toBe(true);
    expect(r.title.zh).toMatch(CJK);
    expect(r.title.en.trim().length).toBeGreaterThan(10);
    expect(r.title.en).toMatch(/^[A-Za-z]/);
    expect(['hard', 'waivable', 'advisory']).toContain(r.severity);
    expect(r.enforcedIn.length).toBeGreaterThan(0);
    expect(Object.isFrozen(r)).toBe(true);
  });

  it('ids are unique', () => {
    const ids = rulesCatalogue.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every domain/…#name location exists and is exported; other locations name a .ts file', async () => {
    for (const r of rulesCatalogue) {
      for (const loc of r.enforcedIn) {
        const m = /^(domain\/[\w-]+\.ts)#(\w+)$/.exec(loc);
        if (m) {
          const mod = (await import(`${root}${m[1]}`)) as Record<string, unknown>;
          expect(mod[m[2]!], `${r.id}: ${loc}`).toBeDefined();
        } else {
          expect(loc, r.id).toMatch(/^(workflows|activities|client|worker)\/[\w/-]+\.ts(#\w+)?$/);
        }
      }
    }
  });

  it('every …Rules group exported by a domain module is in the catalogue', async () => {
    const groups = new Set<unknown>(Object.values(ruleGroups));
    let seen = 0;
    for (const f of domainFiles) {
      const mod = (await import(`${root}domain/${f}`)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (!/^[a-z]\w*Rules$/.test(name) || typeof value !== 'object' || value === null) continue;
        seen++;
        expect(groups.has(value), `domain/${f} exports ${name}, missing from ruleGroups`).toBe(true);
        for (const rule of Object.values(value) as RuleDefinition[]) expect(rulesCatalogue).toContain(rule);
      }
    }
    expect(seen).toBe(Object.keys(ruleGroups).length);
  });

  it("every rule id written literally in domain code (e.g. weekly.ts's ruleId) is catalogued", () => {
    for (const f of domainFiles) {
      const src = readFileSync(`${root}domain/${f}`, 'utf8');
      for (const m of src.matchAll(/ruleId: '([^']+)'/g)) expect(findRule(m[1]!), `domain/${f}: ${m[1]}`).toBeDefined();
    }
  });

  it('covers every article DOMAIN.md maps to a rule', () => {
    const cited = new Set(rulesCatalogue.map((r) => citeArticle(r.article).en));
    for (const a of ['Art. 5', 'Art. 5(3)', 'Art. 6(4)', 'Art. 7', 'Art. 8(1)', 'Art. 8(2)', 'Art. 8(3)', 'Art. 8(4)', 'Art. 8(5)', 'Art. 8(6)',
      'Art. 9(2)', 'Art. 9(3)', 'Art. 11', 'Art. 12', 'Art. 13', 'Art. 14', 'Art. 16', 'Art. 17', 'Art. 18', 'Art. 19(1)', 'Art. 19(2)', 'Art. 19(3)', 'Art. 19(4)', 'Art. 20']) {
      expect(cited, a).toContain(a);
    }
  });

  it('is sorted by article, then item, then id', () => {
    const key = (r: RuleDefinition) => [r.article.article, r.article.item ?? 0] as const;
    for (let i = 1; i < rulesCatalogue.length; i++) {
      const [a, b] = [key(rulesCatalogue[i - 1]!), key(rulesCatalogue[i]!)];
      expect(a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1])).toBe(true);
    }
  });

  it('docs/rules.md is the generated catalogue (run `npm run catalogue -- --write`)', () => {
    const path = `${root}docs/rules.md`;
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(catalogueMarkdown());
  });

  it('renders one table row per rule with the article in both languages', () => {
    const md = catalogueMarkdown();
    const rows = md.split('\n').filter((l) => l.startsWith('| 第'));
    expect(rows).toHaveLength(rulesCatalogue.length);
    expect(md).toContain('| 第八条（三） Art. 8(3) | `art8.minExaminees` | 原则上（可豁免） waivable |');
  });
});
