/**
 * The worker's logs: Temporal's Runtime logger writing one JSON object per line (the
 * default, for log collectors) or the SDK's plain text. Core (Rust) logs are forwarded to
 * the same logger, so every line of the process has one format.
 *
 * A JSON line: `{"time":"2026-11-28T09:00:00.000Z","level":"INFO","msg":"…", ...meta}`;
 * meta carries the SDK's context (sdkComponent, taskQueue, workflowId, activityType,
 * attempt, …) and onex's own fields (eventKey, messageId, …).
 */
import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogEntry, type Logger } from '@temporalio/worker';

export const logFormats = ['json', 'text'] as const;
export type LogFormat = (typeof logFormats)[number];
export const logLevels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevelName = (typeof logLevels)[number];

/** JSON.stringify that survives what log metadata holds: errors, bigints, cycles. */
export function jsonLine(entry: LogEntry): string {
  const seen = new WeakSet<object>();
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  return JSON.stringify({ time, level: entry.level, msg: entry.message, ...entry.meta }, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[circular]';
      seen.add(value);
    }
    return value;
  });
}

/** A Runtime logger in the given format; `write` receives whole lines (stdout by default). */
export function createLogger(
  format: LogFormat,
  level: LogLevelName,
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  if (format === 'text') return new DefaultLogger(level);
  return new DefaultLogger(level, (entry) => write(`${jsonLine(entry)}\n`));
}

/** Installs the process-wide Temporal Runtime with this logger; call before any connection. */
export function installRuntimeLogger(format: LogFormat, level: LogLevelName): Logger {
  const logger = createLogger(format, level);
  Runtime.install({
    logger,
    telemetryOptions: {
      logging: {
        forward: {},
        filter: makeTelemetryFilterString({ core: level === 'TRACE' || level === 'DEBUG' ? level : 'WARN', other: 'ERROR' }),
      },
    },
  });
  return logger;
}
