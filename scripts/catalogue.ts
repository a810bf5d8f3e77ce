/**
 * Prints the rules catalogue (article → rule id → severity → where enforced) as Markdown.
 *
 *   npm run catalogue                 print to stdout
 *   npm run catalogue -- --write      also write docs/rules.md
 *   npm run catalogue -- --check      exit 1 when docs/rules.md is out of date (CI)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalogueMarkdown } from '../domain/catalogue';

const target = fileURLToPath(new URL('../docs/rules.md', import.meta.url));
const markdown = catalogueMarkdown();
const args = new Set(process.argv.slice(2));

if (args.has('--check')) {
  let current: string | undefined;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== markdown) {
    process.stderr.write('docs/rules.md is out of date: run `npm run catalogue -- --write`\n');
    process.exit(1);
  }
  process.stdout.write('docs/rules.md is up to date\n');
} else {
  process.stdout.write(markdown);
  if (args.has('--write')) {
    writeFileSync(target, markdown);
    process.stderr.write(`wrote ${target}\n`);
  }
}
