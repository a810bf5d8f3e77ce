/**
 * A bounded schemathesis run (issue 10) against the API's own /openapi.json, signed in with an
 * Academic Affairs API token, on the real dev server: generated bodies, queries and path
 * parameters for every operation. It fails on any 5xx, any status the description does not
 * list, and any answer that breaks the documented schema or content type.
 *
 * It runs on a dev server of its own: the bulk operations, the calendar refresh and the inbox
 * read every running pilot, and on the layer's shared server the other files' pilots have no
 * worker left to answer.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/binaries';
import { startTemporalDevServer, type DevServer } from '../../scripts/temporal-dev-server';
import { startTestApi, type TestApi } from '../helpers/api';
import { freePorts } from '../../scripts/support/ports';

const schemathesis = join(projectRoot, '.tools/venv/bin/schemathesis');
const suffix = Date.now().toString(36);
let api: TestApi;
let server: DevServer;
const logLines: string[] = [];

beforeAll(async () => {
  const [port, httpPort, metricsPort] = (await freePorts(3)) as [number, number, number];
  server = await startTemporalDevServer({ port, httpPort, metricsPort, startTimeoutMs: 90_000 });
  api = await startTestApi(server.address, ['jwb:academicAffairs', `zhang:pilotLead:st-${suffix}`], { logLines });
  await api.startPilot(`st-${suffix}`, `st-${suffix}`, 'zhang');
});
afterAll(async () => {
  await api?.close();
  await server?.stop();
});

it('finds no 5xx, no undocumented status and no answer that breaks the schema', async () => {
  expect(existsSync(schemathesis), 'schemathesis is installed by scripts/setup.sh into .tools/venv').toBe(true);
  const reports = mkdtempSync(join(tmpdir(), 'onex-st-'));
  const args = [
    'run',
    `${api.url}/openapi.json`,
    '--header',
    `Authorization: Bearer ${api.users.tokens.jwb}`,
    '--checks',
    'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance',
    '--max-examples',
    process.env.ONEX_SCHEMATHESIS_EXAMPLES ?? '12',
    '--phases',
    'examples,coverage,fuzzing',
    '--seed',
    '20261201',
    '--request-timeout',
    '30',
    // One worker: with two threads, hypothesis's ast.parse calls race on CPython 3.11's
    // process-wide AST recursion counter ("AST constructor recursion depth mismatch",
    // CPython gh-106905) and the run dies of the fuzzer's error, not the API's.
    '--workers',
    '1',
    '--max-failures',
    '20',
    '--report',
    'junit',
    '--report-junit-path',
    join(reports, 'junit.xml'),
  ];
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(schemathesis, args, { env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (c) => resolve({ code: c, output: out }));
  });
  const serverErrors = logLines.filter((l) => /"level":50/.test(l));
  expect(serverErrors, 'logged 5xx').toEqual([]);
  expect(code, output.slice(-8000)).toBe(0);
  // It really ran: the junit report names the operations it tested.
  const junit = readFileSync(join(reports, 'junit.xml'), 'utf8');
  expect((junit.match(/<testcase /g) ?? []).length).toBeGreaterThan(40);
}, 900_000);
