/**
 * The search attributes supervisors' lists run on. Registered on the dev server by
 * scripts/dev-stack.ts (and by the test setup) from this one list.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const OnexKind = defineSearchAttributeKey('OnexKind', SearchAttributeType.KEYWORD);
export const OnexCollege = defineSearchAttributeKey('OnexCollege', SearchAttributeType.KEYWORD);
export const OnexStage = defineSearchAttributeKey('OnexStage', SearchAttributeType.KEYWORD);
export const OnexEscalated = defineSearchAttributeKey('OnexEscalated', SearchAttributeType.BOOL);
export const OnexNextDue = defineSearchAttributeKey('OnexNextDue', SearchAttributeType.DATETIME);
/** The application round a round, application or pilot belongs to. */
export const OnexRound = defineSearchAttributeKey('OnexRound', SearchAttributeType.KEYWORD);
/** Something is past its due date: a missed weekly report or provincial submission, an overdue rectification or approval step. */
export const OnexOverdue = defineSearchAttributeKey('OnexOverdue', SearchAttributeType.BOOL);
/** Art. 18–19: a second failed inspection, an overdue rectification, a recorded violation or provincial misses. */
export const OnexCancellationRisk = defineSearchAttributeKey('OnexCancellationRisk', SearchAttributeType.BOOL);

export const allSearchAttributes = [
  OnexKind,
  OnexCollege,
  OnexStage,
  OnexEscalated,
  OnexNextDue,
  OnexOverdue,
  OnexCancellationRisk,
  OnexRound,
] as const;

/** `Name=Type` pairs for `temporal server start-dev --search-attribute`. */
export function searchAttributeFlags(): string[] {
  const cli: Record<string, string> = {
    KEYWORD: 'Keyword',
    BOOL: 'Bool',
    DATETIME: 'Datetime',
    INT: 'Int',
    TEXT: 'Text',
    DOUBLE: 'Double',
    KEYWORD_LIST: 'KeywordList',
  };
  return allSearchAttributes.map((k) => `${k.name}=${cli[k.type] ?? k.type}`);
}
