/**
 * The admin operations over Temporal, independent of HTTP: start a pilot, submit a weekly
 * report, read a pilot's state, list pilots. The HTTP API calls these; every input is
 * parsed with the same domain schemas the CLI and the workflows use.
 */
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { hasRole, type Actor } from '../domain/actor';
import { inputError, type RuleResult } from '../domain/errors';
import { ServiceError } from './service-error';
import { withWorkflowDeadline } from './workflow-deadline';
import { pilotWorkflowId, type PilotRecord } from '../domain/pilot';
import { parseOrRefuse } from '../domain/validation';
import { weeklyReportSchema, type WeeklyReportInput } from '../domain/weekly';
import { bookedEntry, bookingOf, fundRules, sameBooking, type LedgerBooking } from '../domain/funds';
import { expenseInputSchema, incomeInputSchema } from '../domain/pilot-actions';
import {
  REFUSAL_FAILURE_TYPE,
  approvalStateQuery,
  pilotAuditQuery,
  pilotStateQuery,
  recordExpense,
  recordIncome,
  submitWeeklyReport,
} from '../workflows/messages';
import type { ApprovalState } from '../workflows/approval-types';
import { pilotWorkflow } from '../workflows/pilot';
import { pilotStartOptions } from '../workflows/pilot-start';
import type { ActionResult, AuditEntry, PilotState, SubmitWeeklyReportResult } from '../workflows/pilot-state';
import { OnexCancellationRisk, OnexCollege, OnexEscalated, OnexNextDue, OnexOverdue, OnexStage } from '../workflows/search-attributes';
import { startPilotSchema } from './actions';
import { dashboardFilterSchema, pilotListFilterSchema, pilotListQuery, type DashboardFilter, type PilotListFilter } from './visibility';

export { ServiceError } from './service-error';

/** A ledger entry booked now (with its audit entry), or an earlier booking of the same entry. */
export type LedgerAnswer = (ActionResult & { replayed: false; entry: LedgerBooking }) | { replayed: true; entry: LedgerBooking };

/** 409: the id is booked with other content; names the id and each field that differs. */
function conflictingEntry(prior: LedgerBooking, given: LedgerBooking): ServiceError {
  const keys = [...new Set([...Object.keys(prior), ...Object.keys(given)])].filter(
    (k) => (prior as Record<string, unknown>)[k] !== (given as Record<string, unknown>)[k],
  );
  const diff = keys
    .map(
      (k) =>
        `${k}: ${JSON.stringify((prior as Record<string, unknown>)[k] ?? null)} ≠ ${JSON.stringify((given as Record<string, unknown>)[k] ?? null)}`,
    )
    .join('; ');
  return new ServiceError(409, [
    {
      ruleId: fundRules.uniqueEntry.id,
      article: fundRules.uniqueEntry.article,
      severity: 'hard',
      field: 'id',
      message: {
        zh: `编号 ${prior.id} 已用于另一笔内容不同的${prior.kind === 'income' ? '收入' : '支出'}（第五条（三）专账核算，每笔收支只记一次），未记账；不同之处：${diff}`,
        en: `entry id ${prior.id} is already booked as ${prior.kind === 'income' ? 'income' : 'an expense'} with different content (Art. 5(3): each entry is booked once); nothing booked. Differences: ${diff}`,
      },
    },
  ]);
}

export { startPilotSchema };
export type StartPilotRequest = z.input<typeof startPilotSchema>;

/** One pilot of a list (the API's list, the dashboard, the bulk actions), from its search attributes. */
export interface PilotListItem {
  pilotId: string;
  workflowId: string;
  status: string;
  college?: string;
  stage?: string;
  escalated?: boolean;
  overdue?: boolean;
  cancellationRisk?: boolean;
  nextDue?: string;
  startTime: string;
}

/** Art. 4: Academic Affairs (教务部) owns the programme and starts pilots. */
function mayStartPilot(actor: Actor): RuleResult | null {
  if (hasRole(actor, 'academicAffairs', 'admin')) return null;
  return {
    ruleId: 'art4.pilot.start',
    article: { article: 4 },
    severity: 'hard',
    field: 'actor.role',
    message: { zh: '只有教务部可以启动试点实施流程', en: 'only Academic Affairs may start a pilot' },
  };
}

function notFound(pilotId: string): ServiceError {
  return new ServiceError(404, [inputError('pilotId', `试点 ${pilotId} 不存在`, `pilot ${pilotId} does not exist`, 'pilot.notFound')]);
}

/** The RuleResults of an update a workflow validator refused, if that is what `err` is. */
export function refusalFrom(err: unknown): RuleResult[] | undefined {
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  if (cause instanceof ApplicationFailure && cause.type === REFUSAL_FAILURE_TYPE) {
    const details = cause.details?.[0];
    if (Array.isArray(details)) return details as RuleResult[];
  }
  return undefined;
}

export class PilotService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async startPilot(input: unknown): Promise<{ workflowId: string; runId: string; pilot: PilotRecord }> {
    const { pilot, actor } = parseOrRefuse(startPilotSchema, input);
    const denied = mayStartPilot(actor);
    if (denied) throw new ServiceError(403, [denied]);
    try {
      const handle = await withWorkflowDeadline(
        this.client,
        () =>
          this.client.workflow.start(pilotWorkflow, {
            taskQueue: this.taskQueue,
            ...pilotStartOptions(pilot),
            memo: { startedBy: actor },
          }),
        { action: true },
      );
      return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, pilot };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new ServiceError(409, [
          inputError('pilot.id', `试点 ${pilot.id} 已存在`, `pilot ${pilot.id} already exists`, 'pilot.exists'),
        ]);
      }
      throw err;
    }
  }

  async pilotState(pilotId: string): Promise<PilotState> {
    try {
      return await withWorkflowDeadline(this.client, () => this.client.workflow.getHandle(pilotWorkflowId(pilotId)).query(pilotStateQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(pilotId);
      throw err;
    }
  }

  /**
   * Sends one of the pilot's Updates after parsing its input with the same schema the
   * workflow's validator uses. `idempotencyKey` becomes the Update id, so a retried request
   * (e.g. after an API restart) is applied once.
   */
  async update<Ret, Arg>(
    pilotId: string,
    def: UpdateDefinition<Ret, [Arg]>,
    schema: z.ZodType,
    input: unknown,
    idempotencyKey?: string,
  ): Promise<Ret> {
    const parsed = parseOrRefuse(schema, input) as Arg;
    try {
      return await withWorkflowDeadline(
        this.client,
        () =>
          this.client.workflow
            .getHandle(pilotWorkflowId(pilotId))
            .executeUpdate(def, { args: [parsed], ...(idempotencyKey ? { updateId: idempotencyKey } : {}) }),
        { action: true },
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(pilotId);
      const results = refusalFrom(err);
      if (results) throw new ServiceError(422, results);
      throw err;
    }
  }

  /**
   * An Update of one of the pilot's child workflows (an approval or a rectification), with
   * the same parsing and refusal mapping as the pilot's own Updates.
   */
  async childUpdate<Ret, Arg>(
    pilotId: string,
    workflowId: string,
    def: UpdateDefinition<Ret, [Arg]>,
    schema: z.ZodType,
    input: unknown,
    idempotencyKey?: string,
  ): Promise<Ret> {
    const parsed = parseOrRefuse(schema, input) as Arg;
    try {
      return await withWorkflowDeadline(
        this.client,
        () =>
          this.client.workflow
            .getHandle(workflowId)
            .executeUpdate(def, { args: [parsed], ...(idempotencyKey ? { updateId: idempotencyKey } : {}) }),
        { action: true },
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw new ServiceError(404, [
          inputError(
            '(path)',
            `试点 ${pilotId} 没有此流程：${workflowId}`,
            `pilot ${pilotId} has no such process: ${workflowId}`,
            'child.notFound',
          ),
        ]);
      const results = refusalFrom(err);
      if (results) throw new ServiceError(422, results);
      throw err;
    }
  }

  /** The states of a pilot's approvals (one still starting has none yet and is left out). */
  async approvalStates(state: Pick<PilotState, 'pilot' | 'approvals'>): Promise<ApprovalState[]> {
    const all = await Promise.all(state.approvals.map((a) => this.approvalState(state.pilot.id, a.workflowId)));
    return all.filter((a): a is ApprovalState => a !== undefined);
  }

  /** One approval's state; undefined while it is still starting (no workflow yet). */
  async approvalState(pilotId: string, workflowId: string): Promise<ApprovalState | undefined> {
    return this.childQuery(pilotId, workflowId, approvalStateQuery).catch((err: unknown) => {
      if (err instanceof ServiceError && err.status === 404) return undefined;
      throw err;
    });
  }

  async childQuery<Ret>(pilotId: string, workflowId: string, def: QueryDefinition<Ret>): Promise<Ret> {
    try {
      return await withWorkflowDeadline(this.client, () => this.client.workflow.getHandle(workflowId).query(def));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        throw new ServiceError(404, [
          inputError(
            '(path)',
            `试点 ${pilotId} 没有此流程：${workflowId}`,
            `pilot ${pilotId} has no such process: ${workflowId}`,
            'child.notFound',
          ),
        ]);
      throw err;
    }
  }

  /**
   * Art. 5(3) 专账核算: books an income or an expense under its id, once. The pilot's state
   * is read first: an id already booked with the same content is answered as a replay of that
   * booking (nothing is sent again); with different content it is refused (409), naming the
   * id and what differs. Two requests racing past the read meet the workflow's validator,
   * which refuses the second; that refusal is answered the same way.
   */
  async bookLedgerEntry(pilotId: string, kind: 'income' | 'expense', input: unknown, idempotencyKey?: string): Promise<LedgerAnswer> {
    const booking =
      kind === 'income'
        ? bookingOf({ kind, entry: parseOrRefuse(incomeInputSchema, input) })
        : bookingOf({ kind, entry: parseOrRefuse(expenseInputSchema, input) });
    const prior = async () => bookedEntry((await this.pilotState(pilotId)).ledger, booking.id);
    const answer = (p: LedgerBooking): LedgerAnswer => {
      if (sameBooking(p, booking)) return { replayed: true, entry: p };
      throw conflictingEntry(p, booking);
    };
    const existing = await prior();
    if (existing) return answer(existing);
    try {
      const result =
        kind === 'income'
          ? await this.update(pilotId, recordIncome, incomeInputSchema, input, idempotencyKey)
          : await this.update(pilotId, recordExpense, expenseInputSchema, input, idempotencyKey);
      return { ...result, replayed: false, entry: booking };
    } catch (err) {
      if (err instanceof ServiceError && err.status === 422 && err.results.some((r) => r.ruleId === fundRules.uniqueEntry.id)) {
        const now = await prior();
        if (now) return answer(now);
      }
      throw err;
    }
  }

  /** Art. 5: submit a weekly report. */
  async submitWeeklyReport(pilotId: string, input: WeeklyReportInput, idempotencyKey?: string): Promise<SubmitWeeklyReportResult> {
    return this.update(pilotId, submitWeeklyReport, weeklyReportSchema, input, idempotencyKey);
  }

  async audit(pilotId: string): Promise<AuditEntry[]> {
    try {
      return await withWorkflowDeadline(this.client, () => this.client.workflow.getHandle(pilotWorkflowId(pilotId)).query(pilotAuditQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(pilotId);
      throw err;
    }
  }

  /** The one pilot list: `/api/pilots`, the dashboard (its own filter schema), the inbox and the bulk actions. */
  async listPilots(
    query: unknown,
    schema: typeof pilotListFilterSchema | typeof dashboardFilterSchema = pilotListFilterSchema,
  ): Promise<PilotListItem[]> {
    const { limit, ...filter } = parseOrRefuse(schema, query);
    return this.listPilotRows(filter, limit);
  }

  /**
   * The pilots a parsed filter selects, through search attributes (never raw input in the
   * query); `ownTaskQueue`: only those this API's task queue runs (the exports query each).
   */
  async listPilotRows(
    filter: Omit<PilotListFilter | DashboardFilter, 'limit'>,
    limit: number,
    opts: { ownTaskQueue?: boolean } = {},
  ): Promise<PilotListItem[]> {
    const query = pilotListQuery(filter, opts.ownTaskQueue ? { taskQueue: this.taskQueue } : {});
    return withWorkflowDeadline(this.client, async () => {
      const items: PilotListItem[] = [];
      for await (const wf of this.client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
        const sa = wf.typedSearchAttributes;
        items.push({
          pilotId: wf.workflowId.replace(/^pilot:/, ''),
          workflowId: wf.workflowId,
          status: wf.status.name,
          college: sa.get(OnexCollege),
          stage: sa.get(OnexStage),
          escalated: sa.get(OnexEscalated),
          overdue: sa.get(OnexOverdue),
          cancellationRisk: sa.get(OnexCancellationRisk),
          nextDue: sa.get(OnexNextDue)?.toISOString(),
          startTime: wf.startTime.toISOString(),
        });
        if (items.length >= limit) break;
      }
      return items;
    });
  }
}
