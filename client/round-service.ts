/**
 * The admin operations on application rounds over Temporal, independent of HTTP: open a
 * round, act on it and its applications (each action an Update whose workflow validator is
 * the one judge of the rules), read the overview and each application's timeline, list
 * rounds and applications, and keep the Art. 12 pass records in the programme registry.
 *
 * Refusals: 400 malformed input, 403 a role that may not act, 404 unknown round or
 * application, 409 a round that exists, 422 refused by a rule (the validator's RuleResults).
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import { isAcademicAffairs, type Actor } from '../domain/actor';
import { openRoundSchema } from './actions';
import { createChinaCalendar, formatShanghai } from '../domain/calendar';
import { inputError, type RuleResult } from '../domain/errors';
import { idSchema } from '../domain/pilot';
import {
  applicationWorkflowId,
  internalDeadline,
  passRecordFilterSchema,
  programmeRegistryWorkflowId,
  recordPassRecordSchema,
  roundRules,
  roundWorkflowId,
  type RoundRecord,
  type StoredPassRecord,
} from '../domain/round';
import { breach } from '../domain/rules';
import { ruleTable } from '../domain/tables';
import { parseOrRefuse } from '../domain/validation';
import { applicationStateQuery, passRecordsQuery, recordPassRecord, roundStateQuery } from '../workflows/messages';
import { programmeRegistryWorkflow, registryStartOptions } from '../workflows/registry';
import { roundStartOptions, roundWorkflow } from '../workflows/round';
import type { ApplicationState, RoundState } from '../workflows/round-types';
import { OnexCollege, OnexRound, OnexStage } from '../workflows/search-attributes';
import { applicationListFilterSchema, applicationListQuery, roundListFilterSchema, roundListQuery } from './round-visibility';
import { ServiceError, refusalFrom } from './service';
import { withWorkflowDeadline } from './workflow-deadline';

export { openRoundSchema };
export type OpenRoundRequest = z.input<typeof openRoundSchema>;

export interface RoundListItem {
  roundId: string;
  workflowId: string;
  status: string;
  stage?: string;
  startTime: string;
}

export interface ApplicationListItem {
  applicationId: string;
  roundId: string;
  workflowId: string;
  status: string;
  college?: string;
  stage?: string;
  startTime: string;
}

function academicAffairsOnly(actor: Actor, zh: string, en: string): void {
  if (isAcademicAffairs(actor)) return;
  throw new ServiceError(403, [breach(roundRules.openedByAcademicAffairs, 'actor.role', { zh, en })]);
}

export class RoundService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** Art. 4, 9(2): Academic Affairs records the provincial call and opens the internal round. */
  async openRound(input: unknown): Promise<{ workflowId: string; runId: string; round: RoundRecord }> {
    const { round, actor } = parseOrRefuse(openRoundSchema, input);
    academicAffairsOnly(actor, '只有教务部可以开启申报轮次', 'only Academic Affairs may open an application round');
    const deadline = internalDeadline(round, ruleTable(round.rulesVersion));
    const problems: RuleResult[] = [];
    if (!createChinaCalendar().isWorkingDay(round.internalDeadline)) {
      problems.push(
        breach(roundRules.internalRoundOpen, 'round.internalDeadline', {
          zh: `校内截止日期 ${round.internalDeadline} 不是工作日，请选择工作日`,
          en: `the internal deadline ${round.internalDeadline} is not a working day; choose a working day`,
        }),
      );
    }
    if (Date.parse(deadline.dueAt) <= Date.now()) {
      problems.push(
        breach(roundRules.internalRoundOpen, 'round.internalDeadline', {
          zh: `校内截止时间 ${formatShanghai(Date.parse(deadline.dueAt))} 已过`,
          en: `the internal deadline ${formatShanghai(Date.parse(deadline.dueAt))} has passed`,
        }),
      );
    }
    if (problems.length > 0) throw new ServiceError(422, problems);
    try {
      const handle = await withWorkflowDeadline(
        this.client,
        () =>
          this.client.workflow.start(roundWorkflow, {
            ...roundStartOptions(round, actor),
            taskQueue: this.taskQueue,
            memo: { openedBy: actor },
          }),
        { action: true },
      );
      return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, round };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new ServiceError(409, [
          inputError('round.id', `申报轮次 ${round.id} 已存在`, `round ${round.id} already exists`, 'round.exists'),
        ]);
      }
      throw err;
    }
  }

  async roundState(roundId: string): Promise<RoundState> {
    const h = this.round(roundId);
    return this.guard(() => h.query(roundStateQuery), roundId);
  }

  /** One of the round's Updates, its input already parsed at the edge by the action's schema (client/actions.ts). */
  async roundAction(roundId: string, def: UpdateDefinition<unknown, [never]>, body: unknown, idempotencyKey?: string): Promise<unknown> {
    const h = this.round(roundId);
    return this.guard(
      () =>
        h.executeUpdate(def as UpdateDefinition<unknown, [unknown]>, {
          args: [body],
          ...(idempotencyKey ? { updateId: idempotencyKey } : {}),
        }),
      roundId,
      undefined,
      true,
    );
  }

  async applicationState(roundId: string, applicationId: string): Promise<ApplicationState> {
    const h = this.application(roundId, applicationId);
    return this.guard(() => h.query(applicationStateQuery), roundId, applicationId);
  }

  async applicationAction(
    roundId: string,
    applicationId: string,
    def: UpdateDefinition<unknown, [never]>,
    body: unknown,
    idempotencyKey?: string,
  ): Promise<unknown> {
    const handle = this.application(roundId, applicationId);
    return this.guard(
      () =>
        handle.executeUpdate(def as UpdateDefinition<unknown, [unknown]>, {
          args: [body],
          ...(idempotencyKey ? { updateId: idempotencyKey } : {}),
        }),
      roundId,
      applicationId,
      true,
    );
  }

  async listRounds(query: unknown): Promise<RoundListItem[]> {
    const { limit, ...filter } = parseOrRefuse(roundListFilterSchema, query);
    return withWorkflowDeadline(this.client, async () => {
      const items: RoundListItem[] = [];
      for await (const wf of this.client.workflow.list({ query: roundListQuery(filter), pageSize: Math.min(limit, 1000) })) {
        items.push({
          roundId: wf.typedSearchAttributes.get(OnexRound) ?? wf.workflowId.replace(/^round:/, ''),
          workflowId: wf.workflowId,
          status: wf.status.name,
          stage: wf.typedSearchAttributes.get(OnexStage),
          startTime: wf.startTime.toISOString(),
        });
        if (items.length >= limit) break;
      }
      return items;
    });
  }

  async listApplications(roundId: string, query: unknown): Promise<ApplicationListItem[]> {
    const id = parseOrRefuse(idSchema, roundId, 'roundId');
    const { limit, ...filter } = parseOrRefuse(applicationListFilterSchema, query);
    return withWorkflowDeadline(this.client, async () => {
      const items: ApplicationListItem[] = [];
      for await (const wf of this.client.workflow.list({ query: applicationListQuery(id, filter), pageSize: Math.min(limit, 1000) })) {
        const sa = wf.typedSearchAttributes;
        items.push({
          applicationId: wf.workflowId.slice(`application:${id}:`.length),
          roundId: id,
          workflowId: wf.workflowId,
          status: wf.status.name,
          college: sa.get(OnexCollege),
          stage: sa.get(OnexStage),
          startTime: wf.startTime.toISOString(),
        });
        if (items.length >= limit) break;
      }
      return items;
    });
  }

  /**
   * Art. 12: Academic Affairs records a pilot-year's pass record by hand (history before
   * onex, or a correction). Starts the registry the first time.
   */
  async recordPassRecord(input: unknown): Promise<StoredPassRecord> {
    const request = parseOrRefuse(recordPassRecordSchema, input);
    academicAffairsOnly(
      request.actor,
      '只有教务部可以录入试点通过率记录（第十二条）',
      'only Academic Affairs may record a pass record (Art. 12)',
    );
    const handle = this.client.workflow.getHandle(programmeRegistryWorkflowId());
    try {
      return await this.guard(() => handle.executeUpdate(recordPassRecord, { args: [request] }), 'registry', undefined, true);
    } catch (err) {
      if (!(err instanceof ServiceError && err.status === 404)) throw err;
    }
    await withWorkflowDeadline(
      this.client,
      () => this.client.workflow.start(programmeRegistryWorkflow, { ...registryStartOptions(), taskQueue: this.taskQueue }),
      { action: true },
    ).catch((err: unknown) => {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    });
    return this.guard(() => handle.executeUpdate(recordPassRecord, { args: [request] }), 'registry', undefined, true);
  }

  async passRecords(query: unknown): Promise<StoredPassRecord[]> {
    const filter = parseOrRefuse(passRecordFilterSchema, query);
    try {
      return await withWorkflowDeadline(this.client, () =>
        this.client.workflow.getHandle(programmeRegistryWorkflowId()).query(passRecordsQuery, filter),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return [];
      throw err;
    }
  }

  private round(roundId: string): WorkflowHandle<typeof roundWorkflow> {
    return this.client.workflow.getHandle(roundWorkflowId(parseOrRefuse(idSchema, roundId, 'roundId')));
  }

  private application(roundId: string, applicationId: string): WorkflowHandle {
    return this.client.workflow.getHandle(
      applicationWorkflowId(parseOrRefuse(idSchema, roundId, 'roundId'), parseOrRefuse(idSchema, applicationId, 'applicationId')),
    );
  }

  /** Runs the call under the deadline (503 when unanswered); maps "no such workflow" to 404 and a validator's refusal to 422. */
  private async guard<T>(call: () => Promise<T>, roundId: string, applicationId?: string, action = false): Promise<T> {
    try {
      return await withWorkflowDeadline(this.client, call, { action });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw new ServiceError(404, [
          applicationId === undefined
            ? inputError('roundId', `申报轮次 ${roundId} 不存在`, `round ${roundId} does not exist`, 'round.notFound')
            : inputError(
                'applicationId',
                `申报轮次 ${roundId} 中没有申报 ${applicationId}`,
                `round ${roundId} has no application ${applicationId}`,
                'application.notFound',
              ),
        ]);
      }
      const results = refusalFrom(err);
      if (results) throw new ServiceError(422, results);
      throw err;
    }
  }
}
