/**
 * Configuration check for docker-compose.yml that needs no Docker engine and no compose client:
 *
 *  1. YAML parses (merge keys and anchors as Compose reads them);
 *  2. `${VAR}` interpolation as Compose does it, with the values of .env.example: every
 *     variable must have a default or a line in .env.example, and a lone `$` (shell syntax that
 *     should have been written `$$`) is an error, as it is for Compose;
 *  3. the interpolated file validates against the Compose Specification JSON schema
 *     (scripts/compose-spec.json, the schema Docker Compose itself validates with);
 *  4. what the schema cannot see: every `depends_on` names a service, a `service_healthy`
 *     dependency has a healthcheck, named volumes and configs are declared, every image tag is
 *     pinned (no `latest`, no missing tag), published ports bind to loopback by default,
 *     .env.example sets no variable the file never reads, and the search attributes that
 *     workflows/search-attributes.ts defines are all registered at start-up;
 *  5. the Temporal settings match their one source, deploy/temporal/temporal.json and
 *     deploy/temporal/dynamicconfig.yaml, which `npm run stack:cluster` runs with (server and
 *     admin-tools release, plugin, databases, schema folder, shards, retention, dynamic config).
 *
 * scripts/check-compose.sh runs this after `docker compose config` when a compose client is
 * installed; test/unit/compose.test.ts runs it in the test suite.
 *
 * The schema is vendored unchanged from the Go module github.com/compose-spec/compose-go/v2
 * v2.16.1 (schema/compose-spec.json, the version Docker Compose v5.6.0 embeds), Apache-2.0,
 * Copyright 2020 The Compose Specification Authors; licence in scripts/compose-spec.LICENSE.
 *
 *   npx tsx scripts/check-compose.ts [docker-compose.yml]   (exit 1 and one line per problem)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import { parseDocument } from 'yaml';
import { searchAttributeFlags } from '../workflows/search-attributes';
import { projectRoot } from './binaries';
import { loadTemporalSettings, type TemporalSettings } from './temporal-settings';

const here = path.dirname(fileURLToPath(import.meta.url));
export const composeSchemaPath = path.join(here, 'compose-spec.json');

export interface CheckComposeOptions {
  /** The Temporal settings the file must match; default: deploy/temporal/temporal.json. */
  settings?: TemporalSettings;
  /** The .env.example to interpolate with; default: `.env.example` beside the compose file. */
  envExamplePath?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Parses a dotenv file as Compose reads one: KEY=VALUE lines, `#` comments, optional quotes. */
export function parseDotenv(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.lastIndexOf(quote) > 0) {
      value = value.slice(1, value.lastIndexOf(quote));
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    vars.set(m[1]!, value);
  }
  return vars;
}

/** Up to 30 characters either side of position `at`, for error messages. */
function excerpt(text: string, at: number): string {
  const start = Math.max(0, at - 30);
  const end = Math.min(text.length, at + 30);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

interface Interpolation {
  value: string;
  used: Set<string>;
  problems: string[];
}

/**
 * Compose's interpolation: `$$` → `$`; `${VAR}`, `$VAR`; `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, with nested substitutions in the
 * default. Values come from `vars` only (never from the caller's environment), so the result is
 * the same on every machine.
 */
export function interpolate(input: string, vars: Map<string, string>, where: string): Interpolation {
  const used = new Set<string>();
  const problems: string[] = [];
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c !== '$') {
      out += c;
      i += 1;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      let depth = 1;
      let j = i + 2;
      while (j < input.length && depth > 0) {
        if (input[j] === '$' && input[j + 1] === '$') j += 2;
        else {
          if (input[j] === '{') depth += 1;
          else if (input[j] === '}') depth -= 1;
          j += 1;
        }
      }
      if (depth !== 0) {
        problems.push(`${where}: unterminated "\${" in ${JSON.stringify(excerpt(input, i))}`);
        out += input.slice(i);
        break;
      }
      const body = input.slice(i + 2, j - 1);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
      if (!m) {
        problems.push(`${where}: invalid substitution "\${${body}}" (write "$$" for a literal "$")`);
        i = j;
        continue;
      }
      const [, name, op, rest = ''] = m as unknown as [string, string, string | undefined, string | undefined];
      used.add(name);
      const set = vars.has(name);
      const nonEmpty = set && vars.get(name) !== '';
      const sub = (text: string): string => {
        const inner = interpolate(text, vars, where);
        inner.used.forEach((u) => used.add(u));
        problems.push(...inner.problems);
        return inner.value;
      };
      if (op === undefined) {
        if (!set) problems.push(`${where}: \${${name}} has no default and is not set in .env.example`);
        out += vars.get(name) ?? '';
      } else if (op === ':-' || op === '-') {
        out += (op === ':-' ? nonEmpty : set) ? vars.get(name)! : sub(rest);
      } else if (op === ':?' || op === '?') {
        if (!(op === ':?' ? nonEmpty : set))
          problems.push(`${where}: \${${name}} is required (${rest || 'no message'}) and is not set in .env.example`);
        out += vars.get(name) ?? '';
      } else {
        out += (op === ':+' ? nonEmpty : set) ? sub(rest) : '';
      }
      i = j;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(i + 1))?.[0];
    if (name) {
      used.add(name);
      if (!vars.has(name)) problems.push(`${where}: $${name} has no default and is not set in .env.example`);
      out += vars.get(name) ?? '';
      i += 1 + name.length;
      continue;
    }
    problems.push(`${where}: lone "$" in ${JSON.stringify(excerpt(input, i))}: write "$$" for a literal "$" (Compose specification)`);
    out += '$';
    i += 1;
  }
  return { value: out, used, problems };
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Cast = 'int' | 'float' | 'bool';

/**
 * Where Compose casts an interpolated string to a number or boolean (compose-go v2.16.1,
 * loader/interpolate.go); `*` matches any key or list index. A value that does not cast is an
 * error for Compose, so it is one here too.
 */
const CASTS: Array<[string[], Cast]> = (() => {
  const out: Array<[string[], Cast]> = [];
  const add = (prefixes: string[][], cast: Cast, ...parts: string[]): void => {
    for (const prefix of prefixes) out.push([[...prefix, ...parts], cast]);
  };
  for (const top of ['networks', 'volumes', 'secrets', 'configs']) add([[top, '*']], 'bool', 'external');
  for (const key of ['internal', 'attachable', 'enable_ipv4', 'enable_ipv6']) add([['networks', '*']], 'bool', key);
  const container = [
    ['services', '*'],
    ['jobs', '*'],
    ['services', '*', 'pre_start', '*'],
  ];
  const workload = [
    ['services', '*'],
    ['jobs', '*'],
  ];
  const service = [['services', '*']];
  for (const key of [
    'cpu_count',
    'cpu_period',
    'cpu_quota',
    'cpu_rt_period',
    'cpu_rt_runtime',
    'cpu_shares',
    'oom_score_adj',
    'pids_limit',
  ])
    add(container, 'int', key);
  add(container, 'float', 'cpu_percent');
  add(container, 'float', 'cpus');
  for (const key of ['init', 'oom_kill_disable', 'privileged', 'read_only']) add(container, 'bool', key);
  add(container, 'int', 'ulimits', '*');
  add(container, 'int', 'ulimits', '*', 'hard');
  add(container, 'int', 'ulimits', '*', 'soft');
  add(container, 'bool', 'volumes', '*', 'read_only');
  add(container, 'bool', 'volumes', '*', 'volume', 'nocopy');
  add(workload, 'bool', 'depends_on', '*', 'required');
  add(workload, 'bool', 'depends_on', '*', 'restart');
  add(workload, 'int', 'healthcheck', 'retries');
  add(workload, 'bool', 'healthcheck', 'disable');
  add(workload, 'int', 'ports', '*', 'target');
  add(workload, 'bool', 'stdin_open');
  add(workload, 'bool', 'tty');
  add(service, 'int', 'deploy', 'replicas');
  add(service, 'int', 'deploy', 'update_config', 'parallelism');
  add(service, 'float', 'deploy', 'update_config', 'max_failure_ratio');
  add(service, 'int', 'deploy', 'rollback_config', 'parallelism');
  add(service, 'float', 'deploy', 'rollback_config', 'max_failure_ratio');
  add(service, 'int', 'deploy', 'restart_policy', 'max_attempts');
  add(service, 'int', 'deploy', 'placement', 'max_replicas_per_node');
  add(service, 'int', 'scale');
  return out;
})();

function castFor(segments: string[]): Cast | undefined {
  return CASTS.find(([pattern]) => pattern.length === segments.length && pattern.every((p, k) => p === '*' || p === segments[k]))?.[1];
}

function cast(value: string, kind: Cast): Json | undefined {
  if (kind === 'bool') {
    const v = value.toLowerCase();
    if (['true', 'y', 'yes', 'on'].includes(v)) return true;
    if (['false', 'n', 'no', 'off'].includes(v)) return false;
    return undefined;
  }
  if (kind === 'int') return /^[-+]?\d+$/.test(value) ? Number(value) : undefined;
  return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined;
}

/** Interpolates every string value (not keys) of the tree and casts it as Compose does. */
function interpolateTree(node: Json, vars: Map<string, string>, segments: string[], used: Set<string>, problems: string[]): Json {
  const where = segments.join('.');
  if (typeof node === 'string') {
    const r = interpolate(node, vars, where);
    r.used.forEach((u) => used.add(u));
    problems.push(...r.problems);
    const kind = castFor(segments);
    if (kind === undefined) return r.value;
    const value = cast(r.value, kind);
    if (value === undefined) {
      problems.push(
        `${where}: ${JSON.stringify(r.value)} is not ${kind === 'int' ? 'an integer' : kind === 'float' ? 'a number' : 'a boolean'}`,
      );
      return r.value;
    }
    return value;
  }
  if (Array.isArray(node)) return node.map((v, k) => interpolateTree(v, vars, [...segments, String(k)], used, problems));
  if (isObject(node)) {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateTree(v, vars, [...segments, k], used, problems)]));
  }
  return node;
}

/** `repo[:tag][@digest]` → the problem with its pinning, if any. */
export function imagePinProblem(image: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon <= lastSlash) return `image "${image}" has no tag (Compose would pull "latest"): pin a version`;
  const tag = image.slice(colon + 1);
  if (tag === '' || tag === 'latest') return `image "${image}" uses the "latest" tag: pin a version`;
  return undefined;
}

function dependsOnEntries(dependsOn: Json | undefined): Array<{ service: string; condition: string }> {
  if (Array.isArray(dependsOn))
    return dependsOn.filter((d): d is string => typeof d === 'string').map((service) => ({ service, condition: 'service_started' }));
  if (isObject(dependsOn)) {
    return Object.entries(dependsOn).map(([service, spec]) => ({
      service,
      condition: isObject(spec) && typeof spec.condition === 'string' ? spec.condition : 'service_started',
    }));
  }
  return [];
}

function hasHealthcheck(service: JsonObject): boolean {
  const hc = service.healthcheck;
  if (!isObject(hc) || hc.disable === true) return false;
  const test = hc.test;
  return !(Array.isArray(test) && test[0] === 'NONE');
}

/** The host IP of a published port, or undefined when it publishes on every interface. */
function publishedHostIp(port: Json): { published: boolean; hostIp: string | undefined } {
  if (typeof port === 'number') return { published: false, hostIp: undefined };
  if (typeof port === 'string') {
    const spec = port.replace(/\/(tcp|udp|sctp)$/, '');
    // [host_ip:][published:]target ; an IPv6 host ip is written in brackets.
    const v6 = /^\[([^\]]+)\]:(.+)$/.exec(spec);
    if (v6) return { published: true, hostIp: v6[1] };
    const parts = spec.split(':');
    if (parts.length === 1) return { published: false, hostIp: undefined };
    if (parts.length === 2) return { published: true, hostIp: undefined };
    return { published: true, hostIp: parts.slice(0, parts.length - 2).join(':') };
  }
  if (isObject(port)) {
    return { published: port.published !== undefined, hostIp: typeof port.host_ip === 'string' ? port.host_ip : undefined };
  }
  return { published: false, hostIp: undefined };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

let validator: ReturnType<Ajv2020['compile']> | undefined;
async function schemaValidator(): Promise<ReturnType<Ajv2020['compile']>> {
  if (!validator) {
    const schema = JSON.parse(await readFile(composeSchemaPath, 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    // compose-go registers this format too (a Go duration: 1h30m, 10s, 500ms).
    ajv.addFormat('duration', /^[-+]?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    validator = ajv.compile(schema);
  }
  return validator;
}

/** Every problem found in the compose file, as one line each; an empty list means it passed. */
export async function checkCompose(composePath: string, options: CheckComposeOptions = {}): Promise<string[]> {
  const problems: string[] = [];
  const file = path.basename(composePath);

  let text: string;
  try {
    text = await readFile(composePath, 'utf8');
  } catch (err) {
    return [`${composePath}: cannot read (${(err as Error).message})`];
  }
  const envPath = options.envExamplePath ?? path.join(path.dirname(composePath), '.env.example');
  let envVars = new Map<string, string>();
  try {
    envVars = parseDotenv(await readFile(envPath, 'utf8'));
  } catch {
    problems.push(`${path.basename(envPath)}: missing beside ${file} (overridable values and their defaults belong there)`);
  }

  const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) return [...problems, ...doc.errors.map((e) => `${file}: YAML: ${e.message}`)];
  const raw: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (!isObject(raw)) return [...problems, `${file}: the top level must be a mapping`];

  const used = new Set<string>();
  const interpolationProblems: string[] = [];
  const interpolated = interpolateTree(raw, envVars, [], used, interpolationProblems) as JsonObject;
  problems.push(...interpolationProblems.map((p) => `${file}: ${p}`));

  const validate = await schemaValidator();
  if (!validate(interpolated)) {
    for (const e of validate.errors ?? []) {
      const at = e.instancePath === '' ? '(top level)' : e.instancePath.slice(1).replaceAll('/', '.');
      const params = e.params as { additionalProperty?: unknown; unevaluatedProperty?: unknown };
      const extra = params.additionalProperty ?? params.unevaluatedProperty;
      const named = extra === undefined ? '' : `: "${String(extra)}"`;
      problems.push(`${file}: schema: ${at} ${e.message ?? 'is invalid'}${named}`);
    }
  }

  const services = isObject(interpolated.services) ? interpolated.services : {};
  if (Object.keys(services).length === 0) problems.push(`${file}: defines no services`);
  const volumes = isObject(interpolated.volumes) ? interpolated.volumes : {};
  const configs = isObject(interpolated.configs) ? interpolated.configs : {};
  const secrets = isObject(interpolated.secrets) ? interpolated.secrets : {};

  for (const [name, svc] of Object.entries(services)) {
    if (!isObject(svc)) continue;
    const at = `${file}: services.${name}`;

    for (const dep of dependsOnEntries(svc.depends_on)) {
      const target = services[dep.service];
      if (!isObject(target)) {
        problems.push(`${at}.depends_on: "${dep.service}" is not a service in this file`);
      } else if (dep.condition === 'service_healthy' && !hasHealthcheck(target)) {
        problems.push(`${at}.depends_on: waits for "${dep.service}" to be healthy, but "${dep.service}" has no healthcheck`);
      }
    }

    if (typeof svc.image === 'string') {
      const pin = imagePinProblem(svc.image);
      if (pin) problems.push(`${at}.image: ${pin}`);
    } else if (svc.build === undefined) {
      problems.push(`${at}: has neither image nor build`);
    }

    if (Array.isArray(svc.volumes)) {
      for (const v of svc.volumes) {
        const source = typeof v === 'string' ? v.split(':')[0] : isObject(v) && v.type === 'volume' ? v.source : undefined;
        if (typeof source === 'string' && source !== '' && !/^[./~]/.test(source) && !path.isAbsolute(source) && !(source in volumes)) {
          problems.push(`${at}.volumes: named volume "${source}" is not declared under the top-level volumes`);
        }
      }
    }
    for (const [kind, declared] of [
      ['configs', configs],
      ['secrets', secrets],
    ] as const) {
      const refs = svc[kind];
      if (!Array.isArray(refs)) continue;
      for (const ref of refs) {
        const source = typeof ref === 'string' ? ref : isObject(ref) ? ref.source : undefined;
        if (typeof source === 'string' && !(source in declared))
          problems.push(`${at}.${kind}: "${source}" is not declared under the top-level ${kind}`);
      }
    }

    if (Array.isArray(svc.ports)) {
      for (const port of svc.ports) {
        const { published, hostIp } = publishedHostIp(port);
        if (published && (hostIp === undefined || !LOOPBACK.test(hostIp))) {
          problems.push(
            `${at}.ports: ${JSON.stringify(port)} publishes on ${hostIp ?? 'every interface'} by default; bind it to 127.0.0.1`,
          );
        }
      }
    }

    // Variables listed without a value are passed through from the shell or .env.
    if (isObject(svc.environment)) {
      for (const [k, v] of Object.entries(svc.environment)) if (v === null) used.add(k);
    }
  }

  for (const name of envVars.keys()) {
    if (!used.has(name)) problems.push(`${path.basename(envPath)}: sets ${name}, which ${file} never reads`);
  }

  // The search attributes onex's visibility queries need, registered by a one-shot service.
  const startup = Object.values(services)
    .filter(isObject)
    .map((s) => JSON.stringify([s.command ?? null, s.entrypoint ?? null, s.environment ?? null]))
    .join('\n');
  for (const flag of searchAttributeFlags()) {
    if (!new RegExp(`(^|[^A-Za-z0-9_])${flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9_]|$)`).test(startup)) {
      problems.push(`${file}: search attribute ${flag} (workflows/search-attributes.ts) is not registered by any service`);
    }
  }

  problems.push(...temporalSettingsProblems(file, services, configs, options.settings ?? loadTemporalSettings()));

  return problems;
}

/**
 * The Temporal settings in the compose file against their one source (deploy/temporal/): the
 * server and admin-tools release, the persistence and visibility plugin and databases, the
 * schema folder, the history shards, the dynamic config file and the namespace retention —
 * the values `npm run stack:cluster` runs with. One line per difference.
 */
export function temporalSettingsProblems(file: string, services: JsonObject, configs: JsonObject, s: TemporalSettings): string[] {
  const problems: string[] = [];
  const service = (name: string): JsonObject => (isObject(services[name]) ? services[name] : {});
  const envOf = (name: string): JsonObject => (isObject(service(name).environment) ? (service(name).environment as JsonObject) : {});
  const expect = (where: string, actual: Json | undefined, wanted: string) => {
    if (String(actual ?? '(missing)') !== wanted)
      problems.push(
        `${file}: ${where} is ${JSON.stringify(actual ?? null)}, but deploy/temporal/temporal.json says ${JSON.stringify(wanted)}`,
      );
  };
  const p = s.persistence;
  expect('services.temporal.image', service('temporal').image, `temporalio/server:${s.serverVersion}`);
  for (const name of ['temporal-schema', 'temporal-setup'])
    expect(`services.${name}.image`, service(name).image, `temporalio/admin-tools:${s.serverVersion}`);
  const server = envOf('temporal');
  expect('services.temporal.environment.DB', server.DB, p.plugin);
  expect('services.temporal.environment.DBNAME', server.DBNAME, p.database);
  expect('services.temporal.environment.VISIBILITY_DBNAME', server.VISIBILITY_DBNAME, p.visibilityDatabase);
  expect('services.temporal.environment.NUM_HISTORY_SHARDS', server.NUM_HISTORY_SHARDS, String(p.numHistoryShards));
  if (p.visibilityPlugin !== p.plugin)
    problems.push(`${file}: the server image uses one SQL plugin for both stores, but deploy/temporal/temporal.json names two`);
  const schema = envOf('temporal-schema');
  expect('services.temporal-schema.environment.SQL_PLUGIN', schema.SQL_PLUGIN, p.plugin);
  expect('services.temporal-schema.environment.TEMPORAL_DB', schema.TEMPORAL_DB, p.database);
  expect('services.temporal-schema.environment.VISIBILITY_DB', schema.VISIBILITY_DB, p.visibilityDatabase);
  expect('services.temporal-schema.environment.SCHEMA_DIR', schema.SCHEMA_DIR, `/etc/temporal/schema/${p.schemaDir}`);
  expect('services.temporal-setup.environment.NAMESPACE_RETENTION', envOf('temporal-setup').NAMESPACE_RETENTION, s.namespaceRetention);

  // The dynamic config: the file the settings name, mounted where the server reads it.
  const target = server.DYNAMIC_CONFIG_FILE_PATH;
  const mounts = Array.isArray(service('temporal').configs) ? (service('temporal').configs as Json[]) : [];
  const mounted = mounts.filter(isObject).find((m) => m.target === target);
  const source =
    mounted && typeof mounted.source === 'string' && isObject(configs[mounted.source])
      ? (configs[mounted.source] as JsonObject)
      : undefined;
  const wanted = path.resolve(projectRoot, s.dynamicConfigFile);
  if (!source || typeof source.file !== 'string') {
    problems.push(
      `${file}: services.temporal does not mount a config file at DYNAMIC_CONFIG_FILE_PATH (${JSON.stringify(target ?? null)}); mount ${s.dynamicConfigFile}`,
    );
  } else if (path.resolve(projectRoot, source.file) !== wanted) {
    problems.push(
      `${file}: the dynamic config mounted into services.temporal is ${source.file}, but deploy/temporal/temporal.json names ${s.dynamicConfigFile}`,
    );
  }
  return problems;
}

async function main(): Promise<void> {
  const target = path.resolve(process.argv[2] ?? 'docker-compose.yml');
  const problems = await checkCompose(target);
  if (problems.length > 0) {
    for (const p of problems) console.error(`check-compose: ${p}`);
    console.error(`check-compose: ${problems.length} problem(s) in ${path.relative(process.cwd(), target) || target}`);
    process.exit(1);
  }
  console.log(`check-compose: ${path.relative(process.cwd(), target) || target} passes the schema and semantic checks`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error('check-compose: failed:', err);
    process.exit(2);
  });
}
