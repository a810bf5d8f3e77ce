import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCycles } from '../../scripts/check-cycles';
import { projectRoot } from '../../scripts/binaries';

// The check itself runs in `npm run lint` (scripts/check-cycles.ts); here: it finds a circle
// made of a type-only import, and the project has none.
describe('import-cycle check (dpdm)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onex-cycles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a circle closed by a type-only import', async () => {
    writeFileSync(
      join(dir, 'api.ts'),
      "import { routes } from './routes';\nexport interface Deps { a: number }\nexport const api = routes;\n",
    );
    writeFileSync(join(dir, 'routes.ts'), "import type { Deps } from './api';\nexport const routes = (d: Deps) => d.a;\n");
    writeFileSync(join(dir, 'leaf.ts'), 'export const leaf = 1;\n');
    expect((await findCycles(dir, ['*.ts'])).map((c) => [...c].sort())).toEqual([['api.ts', 'routes.ts']]);
  });

  it('finds none in the project', async () => {
    expect(await findCycles(projectRoot)).toEqual([]);
  });
});
