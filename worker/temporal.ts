/**
 * The Temporal connection, from the SDK's environment configuration (@temporalio/envconfig):
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE,
 * TEMPORAL_CONFIG_FILE. The same build runs against the local dev server (defaults:
 * localhost:7233, namespace "default"), a self-hosted cluster or Temporal Cloud.
 * Shared by the worker, the admin API and the scripts.
 */
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { z } from 'zod';

export const DEFAULT_TASK_QUEUE = 'onex';

export interface TemporalSettings {
  address: string;
  namespace: string;
  connectionOptions: ReturnType<typeof loadClientConnectConfig>['connectionOptions'];
  taskQueue: string;
}

export function loadTemporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const { connectionOptions, namespace } = loadClientConnectConfig({
    // An empty TEMPORAL_API_KEY or TEMPORAL_TLS_* would count as set (and switch TLS on): drop empties.
    overrideEnvVars: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')),
  });
  const address = connectionOptions.address ?? 'localhost:7233';
  const taskQueue = z
    .string()
    .min(1)
    .default(DEFAULT_TASK_QUEUE)
    .parse(env.ONEX_TASK_QUEUE || undefined);
  return { address, namespace: namespace ?? 'default', connectionOptions: { ...connectionOptions, address }, taskQueue };
}

/** Protobuf IndexedValueType numbers for each SDK search-attribute type. */
const indexedValueType: Record<string, number> = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 };

/**
 * Registers onex's search attributes in a namespace (the dev server gets them as
 * start-up flags; an existing cluster or the time-skipping test server through this).
 * Idempotent: attributes that already exist are left alone.
 */
export async function registerSearchAttributes(
  operatorService: { addSearchAttributes(req: { namespace: string; searchAttributes: Record<string, number> }): Promise<unknown> },
  namespace: string,
): Promise<void> {
  const { allSearchAttributes } = await import('../workflows/search-attributes');
  for (const key of allSearchAttributes) {
    try {
      await operatorService.addSearchAttributes({ namespace, searchAttributes: { [key.name]: indexedValueType[key.type]! } });
    } catch (err) {
      if (!/already exists/i.test(String((err as Error).message))) throw err;
    }
  }
}
