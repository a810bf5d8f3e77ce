/**
 * 无循环依赖检查 / the import-cycle check: every TypeScript file of the project, parsed by
 * dpdm (type-only imports count: a type import is still a dependency), must take part in no
 * import circle. `npm run lint` runs it; it prints each circle and exits 1 when there is one.
 *
 *   npm run check:cycles
 */
import { parseCircular, parseDependencyTree } from 'dpdm';
import { isMainModule } from '../client/main-module';
import { projectRoot } from './binaries';

/** The project's own sources: every layer, the tests and the root config files. */
export const sourceGlobs = ['domain', 'workflows', 'activities', 'worker', 'client', 'scripts', 'test']
  .map((d) => `${d}/**/*.ts`)
  .concat('*.ts');

/** The import circles among the files `globs` match under `root`, as lists of paths relative to it. */
export async function findCycles(root: string, globs: string[] = sourceGlobs): Promise<string[][]> {
  const tree = await parseDependencyTree(globs, { cwd: root, context: root, transform: false, skipDynamicImports: false });
  return parseCircular(tree);
}

if (isMainModule(import.meta.url)) {
  const cycles = await findCycles(projectRoot);
  if (cycles.length === 0) {
    console.log('[cycles] 无循环依赖 / no import circles');
  } else {
    console.error(`[cycles] ${cycles.length} 个循环依赖 / import circle(s):`);
    for (const c of cycles) console.error(`  ${[...c, c[0]].join(' → ')}`);
    process.exitCode = 1;
  }
}
