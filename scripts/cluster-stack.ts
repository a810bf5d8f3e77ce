/**
 * The production topology on one machine, without Docker (`npm run stack:cluster`): a private
 * PostgreSQL (Debian's) with Temporal's two databases and schemas, the real Temporal server
 * (built by scripts/cluster-setup.sh at the version of deploy/temporal/temporal.json) with
 * SQL visibility, onex's namespace and search attributes, TWO worker processes sharing the
 * task queue, the admin API and the SMTP sink. Prints every URL; Ctrl-C (SIGINT) or SIGTERM
 * stops the API, the workers, the sink, the Temporal server and PostgreSQL, in that order.
 * Re-running it reuses the databases (every set-up step is idempotent).
 *
 * Its ports differ from `npm start`'s, so both stacks can run at once.
 * Configuration (environment, all optional):
 *   ONEX_DATA_DIR (./data/cluster)  ONEX_CLUSTER_PG_PORT (5433)
 *   ONEX_CLUSTER_TEMPORAL_PORT (7633: frontend gRPC; the server uses it and the next 8 ports)
 *   ONEX_SMTP_PORT (2625)  ONEX_MAILSINK_HTTP_PORT (8125)  ONEX_API_PORT (8180)
 *   ONEX_WORKERS (2)  TEMPORAL_NAMESPACE (default)
 *   ONEX_USERS_FILE, ONEX_SESSION_SECRET, ONEX_LINK_SECRET as for `npm start`
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { projectRoot } from './binaries';
import { startCluster } from './temporal-cluster';
import { HOST, portVar as port, runStack } from './stack-runner';

export const clusterStackEnvSchema = z.object({
  ONEX_DATA_DIR: z.string().min(1).default('data/cluster'),
  ONEX_CLUSTER_PG_PORT: port(5433),
  ONEX_CLUSTER_TEMPORAL_PORT: port(7633),
  ONEX_SMTP_PORT: port(2625),
  ONEX_MAILSINK_HTTP_PORT: port(8125),
  ONEX_API_PORT: port(8180),
  ONEX_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
});

const env = clusterStackEnvSchema.parse(process.env);
const dataDir = resolve(projectRoot, env.ONEX_DATA_DIR);
const say = (msg: string) => console.log(`[cluster] ${msg}`);

await runStack({
  dataDir,
  smtpPort: env.ONEX_SMTP_PORT,
  mailHttpPort: env.ONEX_MAILSINK_HTTP_PORT,
  apiPort: env.ONEX_API_PORT,
  workers: env.ONEX_WORKERS,
  title: 'onex 集群环境已启动 / the onex cluster stack is up (Temporal on PostgreSQL)',
  async startTemporal() {
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    const cluster = await startCluster({
      dir: join(dataDir, 'temporal'),
      pgPort: env.ONEX_CLUSTER_PG_PORT,
      basePort: env.ONEX_CLUSTER_TEMPORAL_PORT,
      namespace: env.TEMPORAL_NAMESPACE,
      log: createWriteStream(join(dataDir, 'logs', 'temporal-server.log'), { flags: 'a' }),
      onStep: say,
    });
    const { persistence: db } = cluster.settings;
    const p = `${db.database} ${cluster.schema.temporal} + ${db.visibilityDatabase} ${cluster.schema.visibility}, SQL visibility`;
    return {
      address: cluster.address,
      namespace: cluster.namespace,
      processes: [{ name: 'temporal-server', child: cluster.server.process, grace: 20_000 }],
      afterStop: async () => {
        await cluster.stopPostgres();
        say('PostgreSQL stopped / 已停止');
      },
      lines: [
        `  Temporal 服务 / server (gRPC):     ${cluster.address}   namespace ${cluster.namespace}   (server ${cluster.settings.serverVersion})`,
        `  Temporal HTTP API:                 http://${HOST}:${cluster.ports.http}`,
        `  PostgreSQL:                        postgresql://temporal@${HOST}:${env.ONEX_CLUSTER_PG_PORT}/  (${p})`,
        `  服务端日志 / server log:           ${join(dataDir, 'logs', 'temporal-server.log')}`,
      ],
    };
  },
});
