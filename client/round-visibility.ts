/**
 * List queries for rounds and applications, built only from validated filters whose values
 * are quoted by `quote` (client/visibility.ts): a filter cannot change a query's structure.
 */
import { z } from 'zod';
import { idSchema } from '../domain/pilot';
import { applicationStatuses, roundStages } from '../domain/round';
import { OnexCollege, OnexKind, OnexRound, OnexStage } from '../workflows/search-attributes';
import { quote } from './visibility';

const limit = z.coerce.number().int().min(1).max(1000).default(100);

export const roundListFilterSchema = z.object({ stage: z.enum(roundStages).optional(), limit });
export const applicationListFilterSchema = z.object({ college: idSchema.optional(), stage: z.enum(applicationStatuses).optional(), limit });

export function roundListQuery(filter: { stage?: string | undefined }): string {
  const clauses = [`${OnexKind.name} = ${quote('round')}`];
  if (filter.stage !== undefined) clauses.push(`${OnexStage.name} = ${quote(filter.stage)}`);
  return clauses.join(' AND ');
}

export function applicationListQuery(roundId: string, filter: { college?: string | undefined; stage?: string | undefined }): string {
  const clauses = [`${OnexKind.name} = ${quote('application')}`, `${OnexRound.name} = ${quote(roundId)}`];
  if (filter.college !== undefined) clauses.push(`${OnexCollege.name} = ${quote(filter.college)}`);
  if (filter.stage !== undefined) clauses.push(`${OnexStage.name} = ${quote(filter.stage)}`);
  return clauses.join(' AND ');
}
