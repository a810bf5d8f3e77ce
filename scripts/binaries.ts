/**
 * Resolves absolute paths of the Temporal binaries. Order for the CLI (dev server):
 * TEMPORAL_CLI_PATH, then the project venv (.tools/venv/bin/temporal), then a
 * `temporal` on PATH. The test server: TEMPORAL_TEST_SERVER_PATH, then the venv.
 * The SDK's own download is never used (no internet here).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainModule } from '../client/main-module';

export const projectRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const venvBin = join(projectRoot, '.tools', 'venv', 'bin');

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, name))) return resolve(dir, name);
  }
  return undefined;
}

function fromEnv(variable: string): string | undefined {
  const value = process.env[variable];
  if (!value) return undefined;
  const path = isAbsolute(value) ? value : resolve(projectRoot, value);
  if (!executable(path)) throw new Error(`${variable}=${value} is not an executable file`);
  return path;
}

export function temporalCliPath(): string {
  const path = fromEnv('TEMPORAL_CLI_PATH') ?? [join(venvBin, 'temporal')].find(executable) ?? onPath('temporal');
  if (!path) throw new Error('Temporal CLI not found: run `npm run setup` or set TEMPORAL_CLI_PATH');
  return path;
}

export function temporalTestServerPath(): string {
  const path = fromEnv('TEMPORAL_TEST_SERVER_PATH') ?? [join(venvBin, 'temporal-test-server')].find(executable);
  if (!path) throw new Error('Temporal test server not found: run `npm run setup` or set TEMPORAL_TEST_SERVER_PATH');
  return path;
}

if (isMainModule(import.meta.url)) {
  console.log(`[setup] temporal CLI:         ${temporalCliPath()}`);
  console.log(`[setup] temporal test server: ${temporalTestServerPath()}`);
}
