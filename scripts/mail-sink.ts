/**
 * onex 开发邮件收件箱 / the development mail sink: an SMTP server on loopback (the maintained
 * `smtp-server` library) that accepts any sender and recipient without TLS or credentials,
 * stores every message on disk (deduplicated by Message-ID, see mailsink/store.ts) and
 * serves it over HTTP (mailsink/http.ts). For the dev stack and the tests only: it is not
 * a mail server, and nothing it receives goes anywhere.
 *
 *   npm run mailsink                                 serve (env ONEX_SMTP_PORT=2525, ONEX_MAILSINK_HTTP_PORT=8025,
 *                                                    ONEX_DATA_DIR=./data → <dir>/mail, ONEX_MAILSINK_HOST=127.0.0.1)
 *   tsx scripts/mail-sink.ts list [--json] [--to addr] [--url http://127.0.0.1:8025]
 *   tsx scripts/mail-sink.ts show <id> [--json] [--url …]
 *
 * In code: `const sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir })`, then
 * `sink.smtpUrl`, `sink.httpUrl`, `await sink.list()`, `await sink.close()`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { SMTPServer } from 'smtp-server';
import { z } from 'zod';
import { isMainModule } from '../client/main-module';
import { listMessages, showMessage } from '../client/mail-sink-reader';
import { createHttpHandler } from './mailsink/http';
import { MailStore, type MessageFilter, type StoredMessage, type StoredMessageSummary } from './mailsink/store';

export type { MessageFilter, StoredMessage, StoredMessageSummary } from './mailsink/store';

export interface MailSinkOptions {
  /** SMTP port; 0 picks a free one (see `smtpUrl`). */
  smtpPort: number;
  /** HTTP port; 0 picks a free one (see `httpUrl`). */
  httpPort: number;
  /** Folder for the messages (created if missing; read back on start). */
  dir: string;
  /** Interface to bind; loopback by default. Anything else exposes an open relay-less inbox. */
  host?: string;
  /** Where problems are reported; console.warn by default. */
  warn?: (message: string) => void;
}

export interface MailSink {
  smtpUrl: string;
  httpUrl: string;
  dir: string;
  /** Newest first. */
  list(filter?: MessageFilter): Promise<StoredMessageSummary[]>;
  get(id: string): Promise<StoredMessage | undefined>;
  /** Deletes every stored message; returns how many there were. */
  clear(): Promise<number>;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

interface Listener {
  listen(port: number, host: string, cb: () => void): unknown;
  once(event: 'error', cb: (err: Error) => void): unknown;
  off(event: 'error', cb: (err: Error) => void): unknown;
}

/** Resolves once the server listens, rejects on its first error (e.g. EADDRINUSE). */
function listen(server: Listener, port: number, host: string): Promise<void> {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ok();
    });
  });
}

export async function startMailSink(opts: MailSinkOptions): Promise<MailSink> {
  const host = opts.host ?? '127.0.0.1';
  const warn = opts.warn ?? ((m: string) => console.warn(m));
  const dir = resolve(opts.dir);
  const store = await MailStore.open(dir, warn);

  const smtp = new SMTPServer({
    name: 'onex-mailsink',
    banner: 'onex development mail sink',
    authOptional: true,
    // Accept any credentials a client insists on sending (there is no TLS to protect them).
    allowInsecureAuth: true,
    onAuth: (auth, _session, cb) => cb(null, { user: auth.username ?? 'anonymous' }),
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    closeTimeout: 2_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(null); // rejectOversized answers 552
        const envelope = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
        };
        store.deliver(Buffer.concat(chunks), envelope).then(
          (r) => callback(null, `stored as ${r.summary.id}${r.duplicate ? ` (delivery ${r.summary.deliveries})` : ''}`),
          (err: unknown) => {
            warn(`[mailsink] storing a message failed: ${(err as Error).message}`);
            // 451: a temporary failure, so the client keeps the message and retries.
            callback(Object.assign(new Error('local error storing the message'), { responseCode: 451 }));
          },
        );
      });
    },
  });
  await listen(smtp, opts.smtpPort, host);
  smtp.on('error', (err: Error) => warn(`[mailsink] SMTP: ${err.message}`));

  const http = createServer(createHttpHandler(store));
  const closeSmtp = (): Promise<void> => new Promise((ok) => smtp.close(() => ok()));
  try {
    await listen(http, opts.httpPort, host);
  } catch (err) {
    await closeSmtp();
    throw err;
  }

  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const httpPort = (http.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    smtpUrl: `smtp://${hostForUrl(host)}:${smtpPort}`,
    httpUrl: `http://${hostForUrl(host)}:${httpPort}`,
    dir,
    list: async (filter) => store.list(filter),
    get: (id) => store.get(id),
    clear: () => store.clear(),
    close() {
      closing ??= (async () => {
        const httpClosed = new Promise<void>((ok) => http.close(() => ok()));
        http.closeAllConnections();
        await Promise.all([closeSmtp(), httpClosed]);
        await store.idle();
      })();
      return closing;
    },
  };
}

// ── command line ─────────────────────────────────────────────────────────────

const port = (fallback: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(65_535).default(fallback));

/** The sink's environment (one zod schema per process). */
export const mailSinkEnvSchema = z.object({
  ONEX_SMTP_PORT: port(2525),
  ONEX_MAILSINK_HTTP_PORT: port(8025),
  ONEX_MAILSINK_HOST: z.string().trim().min(1).default('127.0.0.1'),
  ONEX_DATA_DIR: z.string().trim().min(1).default('./data'),
});

function envOrExit(): z.output<typeof mailSinkEnvSchema> {
  const parsed = mailSinkEnvSchema.safeParse(process.env);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues)
    console.error(`环境变量无效 / invalid environment variable ${issue.path.join('.')}: ${issue.message}`);
  process.exit(2);
}

async function serve(): Promise<void> {
  const env = envOrExit();
  const sink = await startMailSink({
    smtpPort: env.ONEX_SMTP_PORT,
    httpPort: env.ONEX_MAILSINK_HTTP_PORT,
    host: env.ONEX_MAILSINK_HOST,
    dir: resolve(env.ONEX_DATA_DIR, 'mail'),
  });
  const count = (await sink.list()).length;
  console.log(`[mailsink] SMTP                   ${sink.smtpUrl}`);
  console.log(`[mailsink] 网页 / Web             ${sink.httpUrl}`);
  console.log(`[mailsink] 接口 / API             ${sink.httpUrl}/api/messages`);
  console.log(`[mailsink] 存储 / Folder          ${sink.dir} (${count} 封 / messages)`);
  const stop = (signal: string): void => {
    console.log(`[mailsink] ${signal}: 正在关闭 / shutting down`);
    // A client stuck mid-transfer must not keep the process alive for ever.
    setTimeout(() => process.exit(1), 5_000).unref();
    sink.close().then(
      () => console.log('[mailsink] 已关闭 / stopped'),
      (err: unknown) => {
        console.error(`[mailsink] ${(err as Error).message}`);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

function defaultHttpUrl(): string {
  const env = envOrExit();
  return `http://${hostForUrl(env.ONEX_MAILSINK_HOST)}:${env.ONEX_MAILSINK_HTTP_PORT}`;
}

export function listCommand(opts: { json?: boolean; url?: string; to?: string }): Promise<void> {
  return listMessages({ ...opts, url: opts.url ?? defaultHttpUrl() });
}

export function showCommand(id: string, opts: { json?: boolean; url?: string }): Promise<void> {
  return showMessage(id, { ...opts, url: opts.url ?? defaultHttpUrl() });
}

export function mailSinkProgram(): Command {
  const program = new Command().name('mail-sink').description('onex 开发邮件收件箱 / the onex development SMTP sink').showHelpAfterError();
  program
    .command('serve', { isDefault: true })
    .description('启动 SMTP 与 HTTP 服务 / run the SMTP and HTTP servers (env ONEX_SMTP_PORT, ONEX_MAILSINK_HTTP_PORT, ONEX_DATA_DIR)')
    .action(serve);
  program
    .command('list')
    .description('列出收到的邮件，最新的在前 / list caught messages, newest first')
    .option('--json', 'JSON 输出 / JSON output')
    .option('--to <address>', '只看发给该地址的邮件 / only messages to this address')
    .option('--url <url>', '收件箱网址，默认按环境变量 / the sink HTTP URL (default from the environment)')
    .action(listCommand);
  program
    .command('show <id>')
    .description('显示一封邮件 / show one message')
    .option('--json', 'JSON 输出 / JSON output')
    .option('--url <url>', '收件箱网址，默认按环境变量 / the sink HTTP URL (default from the environment)')
    .action(showCommand);
  return program;
}

if (isMainModule(import.meta.url)) {
  mailSinkProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      console.error((err as Error).message);
      process.exitCode = 1;
    });
}
