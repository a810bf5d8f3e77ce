/**
 * The bulk actions of Academic Affairs (Art. 4, 19(1)), each with a dry run: one provincial
 * request for many pilots, reminders of everyone overdue, one deadline extended for many
 * pilots, and the current working-day schedule handed to every running pilot. Their routes
 * and schemas are in client/actions.ts.
 */
import { calendarSnapshot } from '../../domain/calendar';
import type { RuleResult } from '../../domain/errors';
import {
  extendDeadlineInputSchema,
  provincialRequestInputSchema,
  refreshCalendarInputSchema,
  remindNowInputSchema,
} from '../../domain/pilot-actions';
import { parseOrRefuse } from '../../domain/validation';
import { extendDeadline, recordProvincialRequest, refreshCalendar, remindNow } from '../../workflows/messages';
import { bulkCalendarSchema, bulkExtendSchema, bulkProvincialRequestSchema, bulkRemindSchema } from '../actions';
import type { ApiDeps } from '../api-deps';
import { PilotService, ServiceError } from '../service';
import type { ActionHandlers } from './action-types';

export function bulkHandlers(deps: ApiDeps): ActionHandlers {
  const pilots = new PilotService(deps.client, deps.taskQueue);
  return {
    // Bulk actions (Academic Affairs) with a dry run: remind every running pilot with something
    // overdue (OnexOverdue), or extend one deadline of many pilots (e.g. after a holiday change).
    bulkRemindOverdue: async ({ input }) => {
      const b = parseOrRefuse(bulkRemindSchema, input);
      const overdue = await pilots.listPilots({
        overdue: 'true',
        stage: 'implementation',
        limit: '1000',
        ...(b.college ? { college: b.college } : {}),
      });
      const results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] = [];
      for (const p of overdue) {
        if (b.dryRun) {
          results.push({ pilotId: p.pilotId, ok: true });
          continue;
        }
        try {
          await pilots.update(p.pilotId, remindNow, remindNowInputSchema, { actor: b.actor, ...(b.note ? { note: b.note } : {}) });
          results.push({ pilotId: p.pilotId, ok: true });
        } catch (err) {
          if (err instanceof ServiceError) results.push({ pilotId: p.pilotId, ok: false, errors: err.results });
          else throw err;
        }
      }
      return { dryRun: b.dryRun, results };
    },
    bulkExtendDeadline: async ({ input }) => {
      const b = parseOrRefuse(bulkExtendSchema, input);
      const results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] = [];
      for (const pilotId of b.pilotIds) {
        const input = { target: b.target, newDueDate: b.newDueDate, reason: b.reason, actor: b.actor };
        try {
          if (b.dryRun) {
            parseOrRefuse(extendDeadlineInputSchema, input);
            const state = await pilots.pilotState(pilotId);
            const pending =
              b.target.kind === 'provincialRequest'
                ? state.provincial.some((r) => r.id === b.target.id && r.outcome === 'pending')
                : state.nextDue?.periodId === b.target.id;
            if (!pending)
              throw new ServiceError(422, [
                {
                  ruleId: 'deadline.unknown',
                  article: null,
                  severity: 'hard',
                  field: 'target.id',
                  message: { zh: `试点 ${pilotId} 没有待办事项 ${b.target.id}`, en: `pilot ${pilotId} has no pending item ${b.target.id}` },
                },
              ]);
          } else {
            await pilots.update(
              pilotId,
              extendDeadline,
              extendDeadlineInputSchema,
              input,
              `extend:${b.target.kind}:${b.target.id}:${b.newDueDate}:${pilotId}`,
            );
          }
          results.push({ pilotId, ok: true });
        } catch (err) {
          if (err instanceof ServiceError) results.push({ pilotId, ok: false, errors: err.results });
          else throw err;
        }
      }
      return { dryRun: b.dryRun, results };
    },

    // Hand every running pilot the current working-day schedule (e.g. after the State Council
    // publishes next year's holidays): each pilot keeps the schedule pinned at its start until
    // then, so a change of the bundled data never alters a running pilot behind its back.
    refreshCalendars: async ({ input }) => {
      const b = parseOrRefuse(bulkCalendarSchema, input);
      const running = await pilots.listPilots({ stage: 'implementation', limit: '1000', ...(b.college ? { college: b.college } : {}) });
      const results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] = [];
      for (const p of running) {
        try {
          const state = await pilots.pilotState(p.pilotId);
          const calendar = calendarSnapshot(Number(state.current.startDate.slice(0, 4)), Number(state.current.endDate.slice(0, 4)) + 1);
          if (!b.dryRun) await pilots.update(p.pilotId, refreshCalendar, refreshCalendarInputSchema, { calendar, actor: b.actor });
          results.push({ pilotId: p.pilotId, ok: true });
        } catch (err) {
          if (err instanceof ServiceError) results.push({ pilotId: p.pilotId, ok: false, errors: err.results });
          else throw err;
        }
      }
      return { dryRun: b.dryRun, results };
    },

    bulkProvincialRequest: async ({ input }) => {
      const bulk = parseOrRefuse(bulkProvincialRequestSchema, input);
      const results: { pilotId: string; ok: boolean; errors?: RuleResult[] }[] = [];
      for (const pilotId of bulk.pilotIds) {
        const input = { ...bulk.request, pilotId, recordedBy: bulk.actor };
        try {
          if (bulk.dryRun) {
            // Dry run: the same schema and the pilot's current state, nothing sent.
            parseOrRefuse(provincialRequestInputSchema, input);
            const state = await pilots.pilotState(pilotId);
            if (state.status !== 'running')
              throw new ServiceError(422, [
                {
                  ruleId: 'pilot.closed',
                  article: null,
                  severity: 'hard',
                  field: 'pilotIds',
                  message: {
                    zh: `试点 ${pilotId} 已${state.status === 'cancelled' ? '取消' : '结项'}`,
                    en: `pilot ${pilotId} is ${state.status}`,
                  },
                },
              ]);
            if (state.provincial.some((r) => r.id === bulk.request.id))
              throw new ServiceError(422, [
                {
                  ruleId: 'provincial.duplicate',
                  article: null,
                  severity: 'hard',
                  field: 'request.id',
                  message: {
                    zh: `试点 ${pilotId} 已登记报送要求 ${bulk.request.id}`,
                    en: `pilot ${pilotId} already has request ${bulk.request.id}`,
                  },
                },
              ]);
          } else {
            await pilots.update(pilotId, recordProvincialRequest, provincialRequestInputSchema, input, `${bulk.request.id}:${pilotId}`);
          }
          results.push({ pilotId, ok: true });
        } catch (err) {
          if (err instanceof ServiceError) results.push({ pilotId, ok: false, errors: err.results });
          else throw err;
        }
      }
      return { dryRun: bulk.dryRun, results };
    },
  };
}
