/**
 * Who may see and act on what, enforced in the API (not only in the page):
 *
 * - college staff, college leaders and pilot leads see and act only on their own
 *   college's processes: a list gets an OnexCollege clause, a per-process route checks the
 *   process's OnexCollege search attribute, a body naming another college is refused;
 * - Academic Affairs, school leaders and admins read everything (what they may *do* is the
 *   workflows' rules, Art. 4 ff.).
 *
 * A route that declares no scope (client/actions.ts) is refused to college-scoped users (deny
 * by default).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import { pilotWorkflowId } from '../../domain/pilot';
import { applicationWorkflowId } from '../../domain/round';
import { OnexCollege } from '../../workflows/search-attributes';
import { MAX_BULK_PILOTS, type ScopeName } from '../actions';
import { isCollegeScoped, type User } from './users';
import { withWorkflowDeadline } from '../workflow-deadline';

export interface ScopeContext {
  client: Client;
  /** The college of a process by its workflow id (undefined when there is none). */
  collegeOf(workflowId: string): Promise<string | undefined>;
}

/** null: allowed; a string: why not (for the log and the message). */
export type ScopeRule = (
  req: FastifyRequest,
  user: User & { college: string },
  ctx: ScopeContext,
) => Promise<string | null> | string | null;

/**
 * The rule of each scope an action declares (client/actions.ts `scope`). Rounds (Art. 8, 9,
 * 12) are school-wide: a college sees them and acts on its own applications; what only
 * Academic Affairs may do (opening a round, waivers, the list, results, the notice,
 * objections, pass records) the workflows and the services refuse with the article.
 */
export const scopeRules: Record<Exclude<ScopeName, 'self'>, ScopeRule> = {
  open: () => null,
  deny: (req) => `route ${req.method} ${req.routeOptions.url ?? req.url} is not open to college-scoped roles`,
  pilot: pilotRule,
  application: applicationRule,
  college: (req, user) => {
    const college = (req.params as { collegeId?: string }).collegeId;
    return college === undefined || college === user.college ? null : `college ${college} is not the user's college`;
  },
  pilotList: ownCollegeFilter('college'),
  applicationList: ownCollegeFilter('college'),
  passRecordList: ownCollegeFilter('collegeId'),
  newPilot: (req, user) => {
    const college = (req.body as { pilot?: { college?: { id?: unknown } } } | undefined)?.pilot?.college?.id;
    return college === undefined || college === user.college ? null : `pilot of college ${String(college)}`;
  },
  newApplication: (req, user) => {
    const college = (req.body as { application?: { college?: { id?: unknown } } } | undefined)?.application?.college?.id;
    return college === undefined || college === user.college ? null : `application of college ${String(college)}`;
  },
  bulkPilots: async (req, user, ctx) => {
    const ids = (req.body as { pilotIds?: unknown } | undefined)?.pilotIds;
    // Not a list, or longer than the route accepts: the route's schema refuses it (400) before
    // anything is looked up, so a long list cannot make the API do thousands of look-ups.
    if (!Array.isArray(ids) || ids.length > MAX_BULK_PILOTS) return null;
    const distinct = [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
    for (let i = 0; i < distinct.length; i += 20) {
      const batch = distinct.slice(i, i + 20);
      const colleges = await Promise.all(batch.map((id) => ctx.collegeOf(pilotWorkflowId(id))));
      const other = colleges.findIndex((c) => c !== undefined && c !== user.college);
      if (other >= 0) return `pilot ${batch[other]} belongs to college ${colleges[other]}`;
    }
    return null;
  },
};

/** The application's own college, from its process. */
async function applicationRule(req: FastifyRequest, user: User & { college: string }, ctx: ScopeContext): Promise<string | null> {
  const { roundId, applicationId } = req.params as { roundId?: string; applicationId?: string };
  if (!roundId || !applicationId) return null;
  const college = await ctx.collegeOf(applicationWorkflowId(roundId, applicationId));
  // No such application: the route answers 404 itself.
  return college === undefined || college === user.college ? null : `application ${applicationId} belongs to college ${college}`;
}

/** A list filtered to the user's college: the query parameter `key` is set to it (another college is refused). */
function ownCollegeFilter(key: string): ScopeRule {
  return (req, user) => {
    const q = req.query as Record<string, unknown>;
    if (q[key] !== undefined && q[key] !== user.college) return `college ${String(q[key])} is not the user's college`;
    q[key] = user.college;
    return null;
  };
}

async function pilotRule(req: FastifyRequest, user: User & { college: string }, ctx: ScopeContext): Promise<string | null> {
  const id = (req.params as { id?: string }).id;
  if (!id) return null;
  const college = await ctx.collegeOf(pilotWorkflowId(id));
  // No such pilot: the route answers 404 itself.
  return college === undefined || college === user.college ? null : `pilot ${id} belongs to college ${college}`;
}

export { MAX_BULK_PILOTS };

/** Routes outside the action table that scope their own answers by the user (sessions, links). */
export const selfScopedRoutes = new Set<string>();

export function scopeContext(client: Client): ScopeContext {
  return {
    client,
    async collegeOf(workflowId) {
      try {
        // Bounded like every Temporal call of the API: an unreachable server is a 503, not a hang.
        const d = await withWorkflowDeadline(client, () => client.workflow.getHandle(workflowId).describe());
        return d.typedSearchAttributes.get(OnexCollege);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
  };
}

/** Checks one request against the rules; null when allowed. */
export async function checkScope(req: FastifyRequest, user: User, ctx: ScopeContext): Promise<string | null> {
  if (!isCollegeScoped(user) || !user.college) return null;
  const route = req.routeOptions.url ?? req.url;
  const scope = req.routeOptions.config?.scope;
  if (scope === 'self' || (scope === undefined && selfScopedRoutes.has(route))) return null;
  // Deny by default: a route that declares no scope is not open to college-scoped roles.
  const rule = scope === undefined ? scopeRules.deny : scopeRules[scope];
  return rule(req, user as User & { college: string }, ctx);
}
