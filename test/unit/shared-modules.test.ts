import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/binaries';
import { SHARED_MODULE } from '../../workflows/shared-modules';

// Issue 14: one evaluated copy of domain/ (and zod, chinese-days) serves every workflow of a
// worker (workflows/shared-modules.ts). That is safe only while domain/ stays pure: it imports
// nothing but itself, zod and chinese-days (type-only imports aside), and holds no module-level
// mutable binding or clock reading that one workflow could leave behind for the next.
const domainDir = join(projectRoot, 'domain');
const files = readdirSync(domainDir).filter((f) => f.endsWith('.ts'));

describe('domain/ can be shared across workflows', () => {
  it('the shared set is domain/, zod and chinese-days, never workflow code or the SDK', () => {
    expect(SHARED_MODULE.test('./domain/pilot.ts')).toBe(true);
    expect(SHARED_MODULE.test('./domain/data/calendar.json')).toBe(true);
    expect(SHARED_MODULE.test('../main/node_modules/zod/v4/core/core.js')).toBe(true);
    expect(SHARED_MODULE.test('./node_modules/chinese-days/dist/chinese-days.json')).toBe(true);
    expect(SHARED_MODULE.test('./workflows/pilot/index.ts')).toBe(false);
    expect(SHARED_MODULE.test('../main/node_modules/@temporalio/workflow/lib/workflow.js')).toBe(false);
  });

  it.each(files)('%s imports only domain/, zod and chinese-days', (file) => {
    const src = readFileSync(join(domainDir, file), 'utf8');
    const imports = [...src.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)].filter((m) => !m[1]).map((m) => m[2]!);
    for (const spec of imports) expect(spec, `${file} imports ${spec}`).toMatch(/^(\.\/|zod$|chinese-days\/)/);
  });

  it.each(files)('%s has no module-level mutable binding or clock reading', (file) => {
    const src = readFileSync(join(domainDir, file), 'utf8');
    expect(src).not.toMatch(/^(export\s+)?(let|var)\s/m);
    expect(src).not.toMatch(/^(export\s+)?const\s[^\n]*(Date\.now\(|new Date\(\)|Math\.random)/m);
  });
});
