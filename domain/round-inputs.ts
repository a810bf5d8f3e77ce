/**
 * The shapes of the application rounds' human actions (Art. 8, 9, 12): one schema per
 * Update, used by the round and application workflows (their handlers and validators), by
 * the API at the edge (with the actor checked as an actor, so a bad body is a 400 before it
 * reaches a workflow) and by the OpenAPI description. The actor is `unknown` here because
 * each workflow parses it on its own (naming the field `actor`); the edge uses
 * {@link atEdge}, which types it.
 */
import { z } from 'zod';
import { actorSchema } from './actor';
import { isoDateSchema } from './pilot';

const note = z.string().trim().max(2000).optional();

/** Art. 9(2): a college drafts an application in the round (its fields are checked by the round against the application schema). */
export const createApplicationInputSchema = z.object({ application: z.record(z.string(), z.unknown()), actor: z.unknown() });
/** Art. 8(2): a round-level waiver, before the application exists. */
export const grantRoundWaiverInputSchema = z.object({
  ruleId: z.string().max(100),
  subjectId: z.string().max(64),
  reason: z.string().max(2000),
  actor: z.unknown(),
});
/** Art. 9(2): the consolidated list for the province. */
export const confirmSubmissionInputSchema = z.object({
  applicationIds: z.array(z.string()).max(500),
  submittedOn: isoDateSchema.optional(),
  note,
  actor: z.unknown(),
});
/** Art. 9(3): the province's result for one application. */
export const recordProvincialResultInputSchema = z.object({
  applicationId: z.string(),
  outcome: z.enum(['approved', 'rejected']),
  reason: z.string().trim().max(2000).optional(),
  actor: z.unknown(),
});
/** Art. 9(3): the province's public notice. */
export const recordPublicNoticeInputSchema = z.object({ startDate: isoDateSchema, actor: z.unknown() });
/** Art. 9(3): an objection during the notice. */
export const recordObjectionInputSchema = z.object({
  applicationId: z.string(),
  content: z.string().trim().min(1).max(2000),
  actor: z.unknown(),
});

export const editApplicationInputSchema = z.object({ changes: z.record(z.string(), z.unknown()), actor: z.unknown() });
export const submitApplicationInputSchema = z.object({ actor: z.unknown(), note });
export const withdrawApplicationInputSchema = z.object({ actor: z.unknown(), reason: note });
/** Art. 5(2): the college leader signs off (declaring the materials authentic) or returns it. */
export const signOffInputSchema = z.object({
  outcome: z.enum(['approve', 'return']),
  declareAuthentic: z.boolean().optional(),
  comment: z.string().trim().max(2000).optional(),
  actor: z.unknown(),
});
/** Academic Affairs reviews: approve, return to a chosen step, or reject. */
export const reviewInputSchema = z.object({
  outcome: z.enum(['approve', 'return', 'reject']),
  comment: z.string().trim().max(2000).optional(),
  returnTo: z.enum(['draft', 'college']).optional(),
  actor: z.unknown(),
});
export const waiveRuleInputSchema = z.object({ ruleId: z.string(), field: z.string().optional(), reason: z.string(), actor: z.unknown() });

/** Round actions by the name of their route. */
export const roundActionInputSchemas = {
  applications: createApplicationInputSchema,
  waivers: grantRoundWaiverInputSchema,
  submission: confirmSubmissionInputSchema,
  results: recordProvincialResultInputSchema,
  'public-notice': recordPublicNoticeInputSchema,
  objections: recordObjectionInputSchema,
} as const;

/** Application actions by the name of their route. */
export const applicationActionInputSchemas = {
  edit: editApplicationInputSchema,
  submit: submitApplicationInputSchema,
  withdraw: withdrawApplicationInputSchema,
  abandon: withdrawApplicationInputSchema,
  'sign-off': signOffInputSchema,
  review: reviewInputSchema,
  waivers: waiveRuleInputSchema,
} as const;

/** The schema as the API checks it: the same fields, the actor typed as an actor. */
export function atEdge<S extends z.ZodObject>(schema: S) {
  return schema.extend({ actor: actorSchema });
}
