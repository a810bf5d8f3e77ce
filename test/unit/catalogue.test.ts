import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { catalogueMarkdown, findRule, ruleGroups, rulesCatalogue } from '../../domain/catalogue';
import { citeArticle } from '../../domain/errors';
import type { RuleDefinition } from '../../domain/rules';

const root = fileURLToPath(new URL('../../', import.meta.url));
const domainFiles = readdirSync(`${root}domain`).filter((f) => f.endsWith('.ts'));
const CJK = /[\u4e00-\u9fff]/;

describe('rules catalogue', () => {
  it.each(rulesCatalogue.map((r) => [r.id, r] as const))(
    '%s has an article, Chinese and English text, a severity and a location',
    (_id, r) => {
      expect(r.id).toMatch(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/);
      expect(Number.isInteger(r.article.article) && r.article.article >= 1 && r.article.article <= 22).toBe(true);
      if (r.article.item !== undefined) expect(Number.isInteger(r.article.item) && r.article.item >= 1).toBe(true);
      expect(r.title.zh).toMatch(CJK);
      expect(r.title.en.trim().length).toBeGreaterThan(10);
      expect(r.title.en).toMatch(/^[A-Za-z]/);
      expect(['hard', 'waivable', 'advisory']).toContain(r.severity);
      expect(r.enforcedIn.length).toBeGreaterThan(0);
      expect(Object.isFrozen(r)).toBe(true);
    },
  );

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
          expect(existsSync(`${root}${loc.replace(/#.*$/, '')}`), `${r.id}: ${loc}`).toBe(true);
        }
      }
    }
  });

  it('every domain/…#name location is code that runs: production code outside its own file uses it', () => {
    const live = liveDomainNames();
    const dead = rulesCatalogue.flatMap((r) =>
      r.enforcedIn.filter((loc) => loc.startsWith('domain/') && !live.has(loc)).map((loc) => `${r.id}: ${loc}`),
    );
    expect(dead).toEqual([]);
  });

  it('the liveness check sees through a file: a name used only by a live neighbour in its own file is live, an unused one is not', () => {
    const live = liveDomainNames();
    expect(live.has('domain/weekly.ts#weeklyPeriod')).toBe(true); // called by firstWeeklyPeriod, which the pilot calls
    expect(live.has('domain/weekly.ts#escalationLevel')).toBe(true);
    expect(live.has('domain/application.ts#applicationRoundSchema')).toBe(false); // only the tests use it
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
    for (const a of [
      'Art. 5',
      'Art. 5(3)',
      'Art. 6(4)',
      'Art. 7',
      'Art. 8(1)',
      'Art. 8(2)',
      'Art. 8(3)',
      'Art. 8(4)',
      'Art. 8(5)',
      'Art. 8(6)',
      'Art. 9(2)',
      'Art. 9(3)',
      'Art. 11',
      'Art. 12',
      'Art. 13',
      'Art. 14',
      'Art. 16',
      'Art. 17',
      'Art. 18',
      'Art. 19(1)',
      'Art. 19(2)',
      'Art. 19(3)',
      'Art. 19(4)',
      'Art. 20',
    ]) {
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

/**
 * `domain/<file>.ts#<name>` for every top-level name of a domain module that runs in
 * production: imported as a value by a production file (domain/, workflows/, activities/,
 * worker/, client/; never test/ or scripts/) other than its own, or used inside its own
 * file by a name that is itself live. Type-only imports do not count: types do not run.
 */
function liveDomainNames(): Set<string> {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
    });
  const files = ['domain', 'workflows', 'activities', 'worker', 'client'].flatMap((d) => walk(join(root, d))).map((p) => relative(root, p));
  const parsed = new Map(files.map((f) => [f, ts.createSourceFile(f, readFileSync(join(root, f), 'utf8'), ts.ScriptTarget.Latest, true)]));
  const resolve = (from: string, spec: string): string | undefined => {
    if (!spec.startsWith('.')) return undefined;
    const base = join(dirname(from), spec);
    return [`${base}.ts`, join(base, 'index.ts')].find((c) => parsed.has(c));
  };
  // Names each domain module gives to the rest of production code.
  const used = new Map<string, Set<string>>();
  for (const [file, sf] of parsed) {
    for (const st of sf.statements) {
      const spec =
        (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)
          ? st.moduleSpecifier.text
          : undefined;
      const target = spec === undefined ? undefined : resolve(file, spec);
      if (!target || target === file || !target.startsWith('domain/')) continue;
      const names: string[] = [];
      if (ts.isImportDeclaration(st) && st.importClause && !st.importClause.isTypeOnly) {
        const nb = st.importClause.namedBindings;
        if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) if (!el.isTypeOnly) names.push((el.propertyName ?? el.name).text);
        if (nb && ts.isNamespaceImport(nb)) names.push('*');
      }
      if (ts.isExportDeclaration(st) && !st.isTypeOnly && st.exportClause && ts.isNamedExports(st.exportClause)) {
        for (const el of st.exportClause.elements) if (!el.isTypeOnly) names.push((el.propertyName ?? el.name).text);
      }
      const set = used.get(target) ?? new Set<string>();
      for (const n of names) set.add(n);
      used.set(target, set);
    }
  }
  const live = new Set<string>();
  for (const [file, sf] of parsed) {
    if (!file.startsWith('domain/')) continue;
    // Each top-level name and the identifiers its declaration mentions.
    const mentions = new Map<string, Set<string>>();
    for (const st of sf.statements) {
      const declared =
        ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)
          ? [st.name?.text]
          : ts.isVariableStatement(st)
            ? st.declarationList.declarations.map((d) => (ts.isIdentifier(d.name) ? d.name.text : undefined))
            : [];
      const ids = new Set<string>();
      const visit = (n: ts.Node): void => {
        if (ts.isIdentifier(n)) ids.add(n.text);
        ts.forEachChild(n, visit);
      };
      visit(st);
      for (const name of declared) if (name) mentions.set(name, ids);
    }
    const fromOutside = used.get(file) ?? new Set<string>();
    const queue = fromOutside.has('*') ? [...mentions.keys()] : [...fromOutside].filter((n) => mentions.has(n));
    const seen = new Set(queue);
    while (queue.length > 0) {
      const name = queue.pop()!;
      for (const id of mentions.get(name) ?? []) {
        if (id !== name && mentions.has(id) && !seen.has(id)) {
          seen.add(id);
          queue.push(id);
        }
      }
    }
    for (const name of seen) live.add(`${file}#${name}`);
  }
  return live;
}
