/**
 * Visibility (list) queries, built from validated filters — never by pasting raw input
 * into a query string. Values pass a strict schema first and are then quoted with every
 * quote and backslash escaped, so a filter cannot change the query's structure.
 */
import { z } from 'zod';
import { idSchema } from '../domain/pilot';
import { patternString } from '../domain/validation';
import {
  OnexCancellationRisk,
  OnexCollege,
  OnexEscalated,
  OnexKind,
  OnexOverdue,
  OnexRound,
  OnexStage,
} from '../workflows/search-attributes';

export const stages = ['implementation', 'completed', 'cancelled'] as const;

export const pilotListFilterSchema = z.object({
  college: idSchema.optional(),
  round: idSchema.optional(),
  escalated: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  cancellationRisk: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  stage: z.enum(stages).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type PilotListFilter = z.output<typeof pilotListFilterSchema>;

/** The supervisors' dashboard lists the same pilots: any plain stage name, up to 500 by default. */
export const dashboardFilterSchema = pilotListFilterSchema.extend({
  stage: patternString(/^[A-Za-z]{1,32}$/, '阶段无效', 'unknown stage').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export type DashboardFilter = z.output<typeof dashboardFilterSchema>;

/** A visibility string literal: double-quoted, with `\` and `"` escaped. */
export function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * `taskQueue`: only the pilots run on this task queue (the exports, which query every pilot
 * listed: a pilot of another deployment sharing the namespace has no worker here to answer).
 */
export function pilotListQuery(filter: Omit<PilotListFilter | DashboardFilter, 'limit'>, opts: { taskQueue?: string } = {}): string {
  // A pilot that continued-as-new leaves closed runs behind; list each pilot once.
  const clauses = [`${OnexKind.name} = ${quote('pilot')}`, `ExecutionStatus != ${quote('ContinuedAsNew')}`];
  if (opts.taskQueue !== undefined) clauses.push(`TaskQueue = ${quote(opts.taskQueue)}`);
  if (filter.college !== undefined) clauses.push(`${OnexCollege.name} = ${quote(filter.college)}`);
  if (filter.round !== undefined) clauses.push(`${OnexRound.name} = ${quote(filter.round)}`);
  if (filter.escalated !== undefined) clauses.push(`${OnexEscalated.name} = ${filter.escalated ? 'true' : 'false'}`);
  if (filter.overdue !== undefined) clauses.push(`${OnexOverdue.name} = ${filter.overdue ? 'true' : 'false'}`);
  if (filter.cancellationRisk !== undefined) clauses.push(`${OnexCancellationRisk.name} = ${filter.cancellationRisk ? 'true' : 'false'}`);
  if (filter.stage !== undefined) clauses.push(`${OnexStage.name} = ${quote(filter.stage)}`);
  return clauses.join(' AND ');
}
