/**
 * onex's Temporal server settings, from their one source deploy/temporal/temporal.json:
 * `npm run stack:cluster` and the cluster tests run the server with them
 * (scripts/temporal-cluster.ts), and scripts/check-compose.ts fails when docker-compose.yml
 * says otherwise (test/unit/compose.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from './binaries';

export const temporalSettingsSchema = z
  .object({
    $comment: z.string().optional(),
    serverVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
    goToolchain: z.string().regex(/^go\d+\.\d+(\.\d+)?$/),
    persistence: z
      .object({
        plugin: z.literal('postgres12'),
        database: z.string().min(1),
        visibilityPlugin: z.literal('postgres12'),
        visibilityDatabase: z.string().min(1),
        schemaDir: z.string().min(1),
        numHistoryShards: z.number().int().min(1),
      })
      .strict(),
    dynamicConfigFile: z.string().min(1),
    namespaceRetention: z.string().regex(/^\d+[dh]$/),
  })
  .strict();
export type TemporalSettings = z.infer<typeof temporalSettingsSchema>;

export const temporalSettingsPath = join(projectRoot, 'deploy', 'temporal', 'temporal.json');

export function loadTemporalSettings(path = temporalSettingsPath): TemporalSettings {
  return temporalSettingsSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
