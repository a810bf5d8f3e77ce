/**
 * The checks every obligation's Update validators share: input parsed by its domain schema,
 * the pilot still running, the record for this pilot, the actor allowed (Art. 4, and the
 * article of the action), and a date inside the pilot's period. Each refuses bilingually;
 * a refused action leaves no trace in history.
 */
import type { z } from 'zod';
import type { Actor } from '../../domain/actor';
import { pilotDateResult } from '../../domain/date-window';
import { inputError, type Bilingual } from '../../domain/errors';
import { safeParseBilingual } from '../../domain/validation';
import { refuse } from '../refusal';
import type { PilotContext } from './context';

/** Parses an update's input with its domain schema inside a validator, refusing bilingually. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = safeParseBilingual(schema, raw);
  if (!r.ok) refuse(r.errors);
  return r.value;
}

export function requireRunning(ctx: PilotContext, field = '(pilot)'): void {
  if (ctx.s.status !== 'running') {
    refuse([
      inputError(
        field,
        `该试点已${ctx.s.status === 'cancelled' ? '取消' : '结项'}，不再受理此操作`,
        `this pilot is ${ctx.s.status}; the action is no longer accepted`,
        'pilot.closed',
      ),
    ]);
  }
}

export function requireOwnPilot(ctx: PilotContext, pilotId: string): void {
  if (pilotId !== ctx.pilot.id) {
    refuse([
      inputError(
        'pilotId',
        `该记录属于试点 ${pilotId}，不属于本试点 ${ctx.pilot.id}`,
        `this record is for pilot ${pilotId}, not ${ctx.pilot.id}`,
        'pilot.mismatch',
      ),
    ]);
  }
}

export function requireAcademicAffairs(actor: Actor, what: Bilingual, article: number): void {
  if (actor.role !== 'academicAffairs') {
    refuse([
      {
        ruleId: `art${article}.actor`,
        article: { article },
        severity: 'hard',
        field: 'actor.role',
        message: { zh: `只有教务部可以${what.zh}`, en: `only Academic Affairs may ${what.en}` },
      },
    ]);
  }
}

/** The lead, the college's own staff/leader, or Academic Affairs (on someone's behalf unless it acts in its own right). */
export function requirePilotSide(ctx: PilotContext, actor: Actor, article: number, academicAffairsInOwnRight = false): void {
  const p = ctx.s.current;
  const ok =
    (academicAffairsInOwnRight && actor.role === 'academicAffairs') ||
    (actor.role === 'pilotLead' && (actor.id === p.lead.userId || actor.id.toLowerCase() === p.lead.email.toLowerCase())) ||
    ((actor.role === 'collegeStaff' || actor.role === 'collegeLeader') && actor.college === p.college.id) ||
    (actor.role === 'academicAffairs' && actor.onBehalfOf !== undefined);
  if (!ok) {
    refuse([
      {
        ruleId: `art${article}.actor`,
        article: { article },
        severity: 'hard',
        field: 'actor',
        message: {
          zh: '只有本试点负责人、本学院人员，或代为录入的教务部人员（须注明代谁）可以办理',
          en: "only this pilot's lead, its college's staff, or Academic Affairs acting on someone's behalf (onBehalfOf) may do this",
        },
      },
    ]);
  }
}

/** A record's date inside the pilot's period, with the margin of domain/date-window.ts. */
export function requireInPilot(ctx: PilotContext, field: string, date: string, article: number, what: Bilingual): void {
  const r = pilotDateResult(field, date, ctx.s.current, article, what);
  if (r) refuse([r]);
}

/**
 * `onBehalfOf` names someone else in the audit trail. Only Academic Affairs records for
 * someone (Art. 4: it manages the programme); anyone else would be naming a person who
 * never delegated to them (a delegation exists only for an approval step, in the approval).
 */
export function requireOwnName(actor: Actor): void {
  if (actor.onBehalfOf === undefined || actor.role === 'academicAffairs') return;
  refuse([
    {
      ruleId: 'approval.onBehalfOf',
      article: { article: 4 },
      severity: 'hard',
      field: 'actor.onBehalfOf',
      message: {
        zh: `只有教务部可以代他人办理（第四条）；${actor.id} 没有 ${actor.onBehalfOf} 的委托，不能以其名义提交（委托只适用于审批环节）`,
        en: `only Academic Affairs may act on someone's behalf (Art. 4); ${actor.id} holds no delegation from ${actor.onBehalfOf} and cannot submit in their name (delegations apply to approval steps only)`,
      },
    },
  ]);
}
