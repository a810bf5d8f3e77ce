/**
 * The compose configuration check (scripts/check-compose.ts) in the test suite, so CI checks
 * docker-compose.yml on every run even where no compose client is installed. Each broken copy
 * is written to a temp dir with the real .env.example beside it and must be refused with the
 * specific problem, so the check is shown able to fail.
 */
import { mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCompose, imagePinProblem, interpolate, parseDotenv } from '../../scripts/check-compose';
import { loadTemporalSettings } from '../../scripts/temporal-settings';
import { searchAttributeFlags } from '../../workflows/search-attributes';

const root = path.resolve(import.meta.dirname, '../..');
const composePath = path.join(root, 'docker-compose.yml');

let dir: string;
let original: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'onex-compose-'));
  original = await readFile(composePath, 'utf8');
  await copyFile(path.join(root, '.env.example'), path.join(dir, '.env.example'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes the real file with one textual change applied (which must match) and checks it. */
async function checkBroken(name: string, from: string | RegExp, to: string): Promise<string[]> {
  const broken = original.replace(from, to);
  expect(broken, `the edit for "${name}" must change the file`).not.toBe(original);
  const file = path.join(dir, `${name}.yml`);
  await writeFile(file, broken);
  return checkCompose(file);
}

describe('docker-compose.yml', () => {
  it('passes the schema and semantic checks', async () => {
    expect(await checkCompose(composePath)).toEqual([]);
  });

  it('registers exactly the search attributes that workflows/search-attributes.ts defines', () => {
    for (const flag of searchAttributeFlags()) expect(original).toContain(flag);
  });
});

describe('docker-compose.yml and the cluster stack read one set of Temporal settings (deploy/temporal/)', () => {
  const settings = loadTemporalSettings();

  it('a server release other than the one the cluster stack builds', async () => {
    const problems = await checkBroken('server-version', `temporalio/server:${settings.serverVersion}`, 'temporalio/server:1.32.0');
    expect(problems).toEqual([
      `server-version.yml: services.temporal.image is "temporalio/server:1.32.0", but deploy/temporal/temporal.json says "temporalio/server:${settings.serverVersion}"`,
    ]);
  });

  it('another visibility database', async () => {
    const problems = await checkBroken('visibility-db', /VISIBILITY_DBNAME: \S+/, 'VISIBILITY_DBNAME: temporal_vis');
    expect(problems).toEqual([
      expect.stringMatching(/services\.temporal\.environment\.VISIBILITY_DBNAME is "temporal_vis", but .* says "temporal_visibility"/),
    ]);
  });

  it('a schema folder of another plugin', async () => {
    const problems = await checkBroken('schema-dir', /SCHEMA_DIR: \S+/, 'SCHEMA_DIR: /etc/temporal/schema/postgresql/v96');
    expect(problems).toEqual([
      expect.stringMatching(
        /services\.temporal-schema\.environment\.SCHEMA_DIR is .*v96.* says "\/etc\/temporal\/schema\/postgresql\/v12"/,
      ),
    ]);
  });

  it('a dynamic config written inline instead of the shared file', async () => {
    const problems = await checkBroken(
      'inline-dynamic-config',
      /file: \.\/deploy\/temporal\/dynamicconfig\.yaml/,
      'content: |\n      limit.maxIDLength:\n        - value: 255',
    );
    expect(problems).toEqual([expect.stringMatching(/services\.temporal does not mount a config file at DYNAMIC_CONFIG_FILE_PATH/)]);
  });

  it('settings changed on the other side (deploy/temporal/temporal.json) but not in the compose file', async () => {
    const problems = await checkCompose(composePath, {
      settings: {
        ...settings,
        serverVersion: '1.99.0',
        persistence: { ...settings.persistence, numHistoryShards: 8 },
        namespaceRetention: '7d',
      },
    });
    expect(problems.map((p) => p.replace(/ is .*/, ''))).toEqual([
      'docker-compose.yml: services.temporal.image',
      'docker-compose.yml: services.temporal-schema.image',
      'docker-compose.yml: services.temporal-setup.image',
      'docker-compose.yml: services.temporal.environment.NUM_HISTORY_SHARDS',
      'docker-compose.yml: services.temporal-setup.environment.NAMESPACE_RETENTION',
    ]);
  });
});

describe('checkCompose refuses a broken copy', () => {
  it('a dependency on a service that does not exist', async () => {
    const problems = await checkBroken('missing-dep', /\n {6}temporal-schema:\n/, '\n      temporal-schemaa:\n');
    expect(problems).toEqual([expect.stringMatching(/services\.temporal\.depends_on: "temporal-schemaa" is not a service/)]);
  });

  it('an unpinned image', async () => {
    const problems = await checkBroken('latest', /temporalio\/ui:[\w.]+/, 'temporalio/ui:latest');
    expect(problems).toContainEqual(expect.stringMatching(/services\.temporal-ui\.image: .*"latest" tag/));
  });

  it('an unknown service key (schema)', async () => {
    const problems = await checkBroken(
      'unknown-key',
      /\n {2}stop_grace_period: 30s/,
      '\n  stop_grace_period: 30s\n  restart_policy: always',
    );
    expect(problems).toContainEqual(expect.stringMatching(/schema: services\.\S+ .*"restart_policy"/));
  });

  it('a value of the wrong type', async () => {
    const problems = await checkBroken('wrong-type', /replicas: 2/, 'replicas: two');
    expect(problems).toContainEqual(expect.stringMatching(/services\.worker\.deploy\.replicas: "two" is not an integer/));
  });

  it('a variable with no default that .env.example does not set', async () => {
    const problems = await checkBroken('undefined-var', /\$\{ONEX_SMTP_URL:-[^}]+\}/, '${ONEX_SMTP_RELAY}');
    expect(problems).toContainEqual(expect.stringMatching(/\$\{ONEX_SMTP_RELAY\} has no default and is not set in \.env\.example/));
  });

  it('a port published on every interface', async () => {
    const problems = await checkBroken(
      'public-port',
      /"\$\{ONEX_PUBLISH_IP:-127\.0\.0\.1\}:\$\{ONEX_API_PUBLISH_PORT/,
      '"${ONEX_API_PUBLISH_PORT',
    );
    expect(problems).toContainEqual(expect.stringMatching(/services\.api\.ports: .* publishes on every interface/));
  });

  it('a search attribute missing from the start-up registration', async () => {
    const problems = await checkBroken('missing-sa', /\n\s+OnexEscalated=Bool/, '');
    expect(problems).toContainEqual(expect.stringMatching(/search attribute OnexEscalated=Bool .* is not registered/));
  });

  it('waiting for a healthy service that has no healthcheck', async () => {
    const problems = await checkBroken('no-healthcheck', /test: \["CMD", "nc", "-z", "127\.0\.0\.1", "7233"\]/, 'test: ["NONE"]');
    expect(problems).toContainEqual(
      expect.stringMatching(/services\.temporal-setup\.depends_on: waits for "temporal" to be healthy, but "temporal" has no healthcheck/),
    );
  });

  it('invalid YAML', async () => {
    const problems = await checkBroken('bad-yaml', /^services:$/m, 'services:\n  - [');
    expect(problems).toContainEqual(expect.stringMatching(/YAML: /));
  });
});

describe('the check helpers', () => {
  const vars = parseDotenv('A=1\nEMPTY=\n# C=3\nQUOTED="x # y"\nexport D=4 # comment\n');

  it('parse .env files as Compose does', () => {
    expect([...vars]).toEqual([
      ['A', '1'],
      ['EMPTY', ''],
      ['QUOTED', 'x # y'],
      ['D', '4'],
    ]);
  });

  it('interpolate like Compose: defaults, escapes, nesting, required', () => {
    expect(interpolate('${A:-9}/${B:-9}/${EMPTY:-e}/${EMPTY-e}/$$A/$A/${B:-${A}}', vars, 'x')).toMatchObject({
      value: '1/9/e//$A/1/1',
      problems: [],
    });
    expect(interpolate('${A:+set}${B:+set}', vars, 'x').value).toBe('set');
    expect(interpolate('${B:?needs B}', vars, 'x').problems).toEqual(['x: ${B} is required (needs B) and is not set in .env.example']);
    expect(interpolate('echo $((1 + 1))', vars, 'x').problems[0]).toMatch(/lone "\$"/);
    expect(interpolate('${A', vars, 'x').problems[0]).toMatch(/unterminated/);
  });

  it('accept pinned images only', () => {
    expect(imagePinProblem('postgres:16.13')).toBeUndefined();
    expect(imagePinProblem('registry.example.com:5000/team/app:1.2.3')).toBeUndefined();
    expect(imagePinProblem(`app@sha256:${'a'.repeat(64)}`)).toBeUndefined();
    expect(imagePinProblem('registry.example.com:5000/team/app')).toMatch(/no tag/);
    expect(imagePinProblem('postgres')).toMatch(/no tag/);
    expect(imagePinProblem('postgres:latest')).toMatch(/latest/);
  });
});
