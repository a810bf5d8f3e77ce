/**
 * A real Temporal server (not the dev server) on a private PostgreSQL, as a province deploys
 * it: the pieces of `npm run stack:cluster` and of the cluster test layer (test/cluster).
 *
 *  - settings: deploy/temporal/temporal.json, the one source docker-compose.yml is checked
 *    against (server version, persistence and visibility plugins and databases, shards,
 *    dynamic config file, namespace retention);
 *  - PostgreSQL: Debian's binaries, a private cluster (initdb) in a folder of our own on
 *    127.0.0.1:<port>, run as the `postgres` user when we are root; the `temporal` role owns
 *    both databases (so the visibility schema may create its trusted extension btree_gin);
 *  - schemas: temporal-sql-tool's setup-schema -v 0.0 + update-schema (idempotent);
 *  - the server: .tools/temporal-server/bin/server (built by scripts/cluster-setup.sh) with a
 *    generated config file (every port on 127.0.0.1, SQL visibility) and the shared dynamic
 *    config; ready when the frontend's gRPC health check answers SERVING;
 *  - the namespace and onex's search attributes (workflows/search-attributes.ts), registered
 *    through the operator API, each waited for (both races are real: a new namespace and a
 *    new attribute take a moment to reach the frontend's caches).
 */
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { allSearchAttributes } from '../workflows/search-attributes';
import { loadTemporalSettings, type TemporalSettings } from './temporal-settings';
import { projectRoot } from './binaries';
import { stopProcess, waitFor } from './temporal-dev-server';

const run = promisify(execFile);

export { loadTemporalSettings, temporalSettingsPath, type TemporalSettings } from './temporal-settings';

export const serverBinDir = join(projectRoot, '.tools', 'temporal-server', 'bin');
const HOST = '127.0.0.1';
const DB_USER = 'temporal';
const DB_PASSWORD = 'temporal';

// ---------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------

export interface PostgresOptions {
  /** Folder of the private cluster: data/ inside it, the socket and postgres.log beside. */
  dir: string;
  port: number;
}

function pgBinDir(): string {
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors[0]) throw new Error('PostgreSQL not installed: run `bash scripts/cluster-setup.sh` (apt-get install postgresql)');
  return join(base, majors[0], 'bin');
}

const isRoot = () => process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user. */
function pgCommand(tool: string, args: string[]): [string, string[]] {
  const path = tool === 'psql' ? 'psql' : join(pgBinDir(), tool);
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

async function pg(tool: string, args: string[]): Promise<string> {
  const [cmd, argv] = pgCommand(tool, args);
  try {
    return (await run(cmd, argv, { cwd: '/tmp', timeout: 120_000 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`, { cause: err });
  }
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error("no postgres user (is Debian's postgresql installed?)");
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

const dataDir = (o: PostgresOptions) => join(o.dir, 'data');

/** initdb once (listen on 127.0.0.1:<port> only; max_connections 200, see docs/deploy.md). */
export async function initPostgres(o: PostgresOptions): Promise<void> {
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  if (isRoot()) {
    const { uid, gid } = postgresIds();
    chownSync(o.dir, uid, gid);
  }
  if (existsSync(join(dataDir(o), 'PG_VERSION'))) return;
  await pg('initdb', [
    '-D',
    dataDir(o),
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--auth-local=peer',
    '--auth-host=scram-sha-256',
  ]);
  const conf = join(dataDir(o), 'postgresql.conf');
  // Each of the server's four services keeps its own connection pools (~40 in use idle).
  appendFileSync(
    conf,
    `\n# --- onex cluster stack ---\nlisten_addresses = '${HOST}'\nport = ${o.port}\nunix_socket_directories = '${o.dir}'\nmax_connections = 200\n`,
  );
}

export async function postgresRunning(o: PostgresOptions): Promise<boolean> {
  return pg('pg_ctl', ['-D', dataDir(o), 'status']).then(
    () => true,
    () => false,
  );
}

export async function startPostgres(o: PostgresOptions): Promise<void> {
  if (await postgresRunning(o)) return;
  // -o: the port of these options wins over the one initdb wrote (a test may pick another).
  await pg('pg_ctl', ['-D', dataDir(o), '-l', join(o.dir, 'postgres.log'), '-o', `-p ${o.port}`, '-w', '-t', '60', 'start']);
}

/** Fast shutdown (open sessions are rolled back and disconnected), waiting for the exit. */
export async function stopPostgres(o: PostgresOptions): Promise<void> {
  if (!(await postgresRunning(o))) return;
  await pg('pg_ctl', ['-D', dataDir(o), '-m', 'fast', '-w', '-t', '60', 'stop']);
}

export async function psql(o: PostgresOptions, sql: string, db = 'postgres'): Promise<string> {
  return (await pg('psql', ['-h', o.dir, '-p', String(o.port), '-d', db, '-v', 'ON_ERROR_STOP=1', '-Atq', '-c', sql])).trim();
}

/** The `temporal` role and both databases, owned by it (idempotent). */
export async function ensureDatabases(o: PostgresOptions, s: TemporalSettings): Promise<void> {
  if (!(await psql(o, `select 1 from pg_roles where rolname = '${DB_USER}'`)))
    await psql(o, `CREATE ROLE ${DB_USER} LOGIN PASSWORD '${DB_PASSWORD}'`);
  for (const db of [s.persistence.database, s.persistence.visibilityDatabase]) {
    if (!(await psql(o, `select 1 from pg_database where datname = '${db}'`))) await psql(o, `CREATE DATABASE ${db} OWNER ${DB_USER}`);
  }
}

/** Brings both schemas to the version this server release ships (no-op when they are). */
export async function setupSchemas(o: PostgresOptions, s: TemporalSettings): Promise<{ temporal: string; visibility: string }> {
  const sql = join(serverBinDir, 'sql');
  const base = ['--plugin', s.persistence.plugin, '--ep', HOST, '-p', String(o.port), '-u', DB_USER, '--pw', DB_PASSWORD];
  for (const [db, kind] of [
    [s.persistence.database, 'temporal'],
    [s.persistence.visibilityDatabase, 'visibility'],
  ] as const) {
    for (const step of [
      ['setup-schema', '-v', '0.0'],
      ['update-schema', '--schema-name', `${s.persistence.schemaDir}/${kind}`],
    ]) {
      await run(sql, [...base, '--db', db, ...step], { timeout: 120_000 }).catch((err: { stderr?: string; message: string }) => {
        throw new Error(`temporal-sql-tool ${step[0]} on ${db} failed: ${err.stderr?.trim() || err.message}`, { cause: err });
      });
    }
  }
  const version = (db: string) => psql(o, 'select curr_version from schema_version', db);
  return { temporal: await version(s.persistence.database), visibility: await version(s.persistence.visibilityDatabase) };
}

// ---------------------------------------------------------------------------------------
// The Temporal server
// ---------------------------------------------------------------------------------------

/** Nine consecutive ports from `base`: frontend gRPC, frontend HTTP, history, matching, worker, then their four membership ports. */
export interface ServerPorts {
  frontend: number;
  http: number;
  history: number;
  matching: number;
  worker: number;
  membership: { frontend: number; history: number; matching: number; worker: number };
}

export function serverPorts(base: number): ServerPorts {
  return {
    frontend: base,
    http: base + 1,
    history: base + 2,
    matching: base + 3,
    worker: base + 4,
    membership: { frontend: base + 5, history: base + 6, matching: base + 7, worker: base + 8 },
  };
}
export const SERVER_PORT_COUNT = 9;

/** The server's static config (JSON, which is YAML): persistence and SQL visibility from the settings. */
export function serverConfig(s: TemporalSettings, pgPort: number, ports: ServerPorts): object {
  const store = (databaseName: string, pluginName: string, maxConns: number) => ({
    sql: {
      pluginName,
      databaseName,
      connectAddr: `${HOST}:${pgPort}`,
      connectProtocol: 'tcp',
      user: DB_USER,
      password: DB_PASSWORD,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (grpcPort: number, membershipPort: number, httpPort?: number) => ({
    rpc: { grpcPort, membershipPort, bindOnIP: HOST, ...(httpPort ? { httpPort } : {}) },
  });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: s.persistence.numHistoryShards,
      datastores: {
        default: store(s.persistence.database, s.persistence.plugin, 20),
        visibility: store(s.persistence.visibilityDatabase, s.persistence.visibilityPlugin, 10),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: HOST } },
    services: {
      frontend: service(ports.frontend, ports.membership.frontend, ports.http),
      history: service(ports.history, ports.membership.history),
      matching: service(ports.matching, ports.membership.matching),
      worker: service(ports.worker, ports.membership.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `${HOST}:${ports.frontend}`,
          httpAddress: `${HOST}:${ports.http}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: resolve(projectRoot, s.dynamicConfigFile), pollInterval: '10s' },
  };
}

export interface ClusterServer {
  address: string;
  process: ChildProcess;
  stop(graceMs?: number): Promise<void>;
}

export async function startTemporalServer(
  configFile: string,
  address: string,
  log: NodeJS.WritableStream,
  startTimeoutMs = 90_000,
): Promise<ClusterServer> {
  // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and the
  // server must outlive the workers and the API, which the stack stops first (stop() below).
  const child = spawn(join(serverBinDir, 'server'), ['--config-file', configFile, '--allow-no-auth', 'start'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let connection: Connection | undefined;
  try {
    await waitFor(
      'Temporal server',
      async () => {
        connection ??= await Connection.connect({ address, connectTimeout: 1_000 });
        const r = await connection.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' });
        return r.status === 1; // SERVING
      },
      startTimeoutMs,
      () => child.exitCode === null && child.signalCode === null,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    await connection?.close();
  }
  return { address, process: child, stop: (graceMs = 20_000) => stopProcess(child, graceMs) };
}

/** INDEXED_VALUE_TYPE_* of temporal.api.enums.v1.IndexedValueType, by the SDK's SearchAttributeType. */
const indexedValueType: Record<string, number> = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 };

function retentionSeconds(retention: string): number {
  const n = Number(retention.slice(0, -1));
  return retention.endsWith('d') ? n * 86_400 : n * 3_600;
}

/** Creates the namespace if missing and registers every missing onex search attribute; waits until both are visible. */
export async function registerNamespace(address: string, namespace: string, s: TemporalSettings, timeoutMs = 60_000): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace });
    const exists = () =>
      client.workflowService.describeNamespace({ namespace }).then(
        () => true,
        () => false,
      );
    if (!(await exists())) {
      await client.workflowService
        .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(retentionSeconds(s.namespaceRetention) * 1000) })
        .catch((err: { code?: number }) => {
          if (err.code !== 6) throw err;
        }); // 6 ALREADY_EXISTS: another start won the race
    }
    await waitFor(`namespace ${namespace}`, exists, timeoutMs);
    // The operator API may not know a namespace the frontend just described: retry until
    // every attribute is listed (adding only the missing ones, so reruns add nothing).
    await waitFor(
      'onex search attributes',
      async () => {
        const names = Object.keys((await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {});
        const toAdd = allSearchAttributes.filter((k) => !names.includes(k.name));
        if (toAdd.length === 0) return true;
        await connection.operatorService.addSearchAttributes({
          namespace,
          searchAttributes: Object.fromEntries(
            toAdd.map((k) => [k.name, indexedValueType[k.type] as temporal.api.enums.v1.IndexedValueType]),
          ),
        });
        return false;
      },
      timeoutMs,
    );
  } finally {
    await connection.close();
  }
}

// ---------------------------------------------------------------------------------------
// All of it: PostgreSQL, schemas, server, namespace
// ---------------------------------------------------------------------------------------

export interface ClusterOptions {
  /** Folder for PostgreSQL (pg/), the server config and log. */
  dir: string;
  pgPort: number;
  /** First of the server's nine consecutive ports (serverPorts). */
  basePort: number;
  namespace?: string;
  /** Where the server's output goes (default: <dir>/temporal-server.log). */
  log?: NodeJS.WritableStream;
  onStep?: (message: string) => void;
}

export interface Cluster {
  address: string;
  namespace: string;
  ports: ServerPorts;
  postgres: PostgresOptions;
  settings: TemporalSettings;
  server: ClusterServer;
  schema: { temporal: string; visibility: string };
  /** Starts the server again after stopServer (same config, same databases). */
  startServer(): Promise<ClusterServer>;
  stopServer(): Promise<void>;
  startPostgres(): Promise<void>;
  stopPostgres(): Promise<void>;
  /** The server first, then PostgreSQL. */
  stop(): Promise<void>;
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const settings = loadTemporalSettings();
  const namespace = o.namespace ?? 'default';
  const step = o.onStep ?? (() => undefined);
  const postgres: PostgresOptions = { dir: join(o.dir, 'pg'), port: o.pgPort };
  mkdirSync(o.dir, { recursive: true });
  const log = o.log ?? createWriteStream(join(o.dir, 'temporal-server.log'), { flags: 'a' });

  let t = Date.now();
  await initPostgres(postgres);
  await startPostgres(postgres);
  await ensureDatabases(postgres, settings);
  step(`PostgreSQL ${await psql(postgres, 'show server_version')} on ${HOST}:${o.pgPort} (${Date.now() - t} ms)`);
  t = Date.now();
  const schema = await setupSchemas(postgres, settings);
  step(
    `schemas: ${settings.persistence.database} ${schema.temporal}, ${settings.persistence.visibilityDatabase} ${schema.visibility} (${Date.now() - t} ms)`,
  );

  const ports = serverPorts(o.basePort);
  const configFile = join(o.dir, 'temporal-server.yaml');
  writeFileSync(
    configFile,
    `# generated by scripts/temporal-cluster.ts from deploy/temporal/temporal.json\n${JSON.stringify(serverConfig(settings, o.pgPort, ports), null, 2)}\n`,
  );
  const address = `${HOST}:${ports.frontend}`;
  t = Date.now();
  const startServer = async () => (cluster.server = await startTemporalServer(configFile, address, log));
  const cluster: Cluster = {
    address,
    namespace,
    ports,
    postgres,
    settings,
    server: undefined as unknown as ClusterServer,
    schema,
    startServer,
    stopServer: () => cluster.server.stop(),
    startPostgres: () => startPostgres(postgres),
    stopPostgres: () => stopPostgres(postgres),
    async stop() {
      await cluster.server?.stop().catch(() => undefined);
      await stopPostgres(postgres);
    },
  };
  try {
    await startServer();
    step(`Temporal server ${settings.serverVersion} serving on ${address} (${Date.now() - t} ms)`);
    t = Date.now();
    await registerNamespace(address, namespace, settings);
    step(`namespace ${namespace} and ${allSearchAttributes.length} search attributes registered (${Date.now() - t} ms)`);
  } catch (err) {
    await cluster.stop().catch(() => undefined);
    throw err;
  }
  return cluster;
}
