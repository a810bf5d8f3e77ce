/**
 * Closure — Art. 19, 20 (第十九条、第二十条): Academic Affairs records violations (Art. 19(2)–(4))
 * and cancels a pilot on a recorded ground; three consecutive provincial misses cancel it at
 * once (provincial.ts). After its end date, once the last week has closed, the pilot completes
 * (Art. 20), with accountability when the approved assessment task was not met. Either way every
 * approval and rectification still open is cancelled and everyone is told.
 */
import { setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Actor } from '../../domain/actor';
import { shanghaiInstant } from '../../domain/calendar';
import { inputError, type Bilingual, type RuleResult } from '../../domain/errors';
import { cancelPilotInputSchema, violationInputSchema } from '../../domain/pilot-actions';
import * as notices from '../../domain/pilot-notices';
import { assessmentTaskResult, cancellationGrounds, checkViolationRecord, violationGroundNames } from '../../domain/violation';
import { cancelPilot, recordViolation } from '../messages';
import type { ActionResult } from '../pilot-state';
import { refuse } from '../refusal';
import { OnexStage } from '../search-attributes';
import { nowIso, type Obligation, type PilotContext } from './context';
import { parseInput, requireAcademicAffairs, requireInPilot, requireOwnPilot, requireRunning } from './guards';

function register(ctx: PilotContext): void {
  const s = ctx.s;
  setHandler(
    recordViolation,
    (raw): ActionResult => {
      const v = violationInputSchema.parse(raw);
      const violation = { ...v, recordedAt: nowIso() };
      s.violations.push(violation);
      const entry = ctx.audit(
        'violation.record',
        v.recordedBy,
        {
          zh: `登记违规情形（${violationGroundNames[v.ground].zh}）：${v.description}`,
          en: `violation recorded (${violationGroundNames[v.ground].en}): ${v.description}`,
        },
        {
          after: { id: v.id, ground: v.ground, evidence: v.evidence },
          ruleIds: [`art19.${v.ground}`],
          ...(v.documents?.length ? { documents: v.documents } : {}),
        },
      );
      ctx.flagRisk({
        zh: `教务部登记了第十九条规定的情形：${v.description}`,
        en: `Academic Affairs recorded an Art. 19 ground: ${v.description}`,
      });
      return { audit: entry };
    },
    {
      validator: (raw) => {
        const v = parseInput(violationInputSchema, raw);
        requireRunning(ctx);
        requireOwnPilot(ctx, v.pilotId);
        const who = checkViolationRecord(v);
        if (who.length) refuse(who);
        requireInPilot(ctx, 'occurredOn', v.occurredOn, 19, { zh: `违规情形 ${v.id}`, en: `violation ${v.id}` });
        if (s.violations.some((x) => x.id === v.id))
          refuse([inputError('id', `违规记录 ${v.id} 已登记`, `violation ${v.id} is already recorded`, 'violation.duplicate')]);
      },
    },
  );
  setHandler(
    cancelPilot,
    (raw): ActionResult => {
      const c = cancelPilotInputSchema.parse(raw);
      const grounds = cancellationGrounds(
        { consecutiveProvincialMisses: s.consecutiveProvincialMisses, violations: s.violations },
        ctx.rules,
      );
      const entry = ctx.audit(
        'pilot.cancel',
        c.actor,
        { zh: `取消试点：${c.reason}`, en: `pilot cancelled: ${c.reason}` },
        { ruleIds: grounds.map((g) => g.ruleId) },
      );
      cancel(ctx, grounds, c.actor);
      return { audit: entry };
    },
    {
      validator: (raw) => {
        const c = parseInput(cancelPilotInputSchema, raw);
        requireRunning(ctx);
        requireAcademicAffairs(c.actor, { zh: '取消试点', en: 'cancel a pilot' }, 19);
        const grounds = cancellationGrounds(
          { consecutiveProvincialMisses: s.consecutiveProvincialMisses, violations: s.violations },
          ctx.rules,
        );
        if (grounds.length === 0) {
          refuse([
            {
              ruleId: 'art19.grounds',
              article: { article: 19 },
              severity: 'hard',
              field: 'reason',
              message: {
                zh: '尚未登记第十九条规定的取消情形（连续三次未报送省厅材料，或第（二）至（四）项违规），不能取消试点',
                en: 'no Art. 19 ground is recorded (three consecutive provincial misses, or a violation under items (2)–(4)); the pilot cannot be cancelled',
              },
            },
          ]);
        }
      },
    },
  );
}

/** Cancels every approval and rectification still open (the pilot ends: Art. 19, 20). */
function closeChildren(ctx: PilotContext): void {
  for (const a of ctx.s.approvals.filter((x) => x.status === 'pending' || x.status === 'starting')) {
    a.status = 'cancelled';
    ctx.outbox.post({ kind: 'cancelChild', workflowId: a.workflowId });
  }
  for (const r of ctx.s.rectifications.filter((x) => x.status === 'open' || x.status === 'overdue')) {
    r.status = 'cancelled';
    ctx.outbox.post({ kind: 'cancelChild', workflowId: r.workflowId });
  }
}

/** Art. 19: the pilot is cancelled, by Academic Affairs (`by`) or by three provincial misses. */
export function cancel(ctx: PilotContext, grounds: RuleResult[], by?: Actor): void {
  const s = ctx.s;
  s.status = 'cancelled';
  s.cancellation = { at: nowIso(), ...(by ? { by } : {}), grounds };
  upsertSearchAttributes([{ key: OnexStage, value: 'cancelled' }]);
  closeChildren(ctx);
  ctx.notice(
    'pilot:cancelled',
    ctx.recipients('pilotLead', 'collegeLeader', 'academicAffairs', 'schoolLeader'),
    notices.cancelledNotice(grounds),
  );
  ctx.dirty = true;
}

/** Art. 20: the pilot is completed. */
function complete(ctx: PilotContext): void {
  const s = ctx.s;
  const assessed = s.assessments.reduce((n, a) => n + a.candidates, 0);
  const accountability = assessmentTaskResult(s.current.approvedTask, assessed);
  s.status = 'completed';
  s.completion = {
    at: nowIso(),
    assessed,
    ...(s.current.approvedTask !== undefined ? { approvedTask: s.current.approvedTask } : {}),
    accountability,
  };
  upsertSearchAttributes([{ key: OnexStage, value: 'completed' }]);
  closeChildren(ctx);
  ctx.audit(
    'pilot.complete',
    undefined,
    accountability
      ? {
          zh: `试点结项，考核任务未完成（${assessed}/${s.current.approvedTask}），追究责任`,
          en: `pilot completed; assessment task not met (${assessed}/${s.current.approvedTask}); accountability flagged`,
        }
      : { zh: `试点结项，考核 ${assessed} 人次`, en: `pilot completed, ${assessed} assessed` },
    { after: s.completion, ruleIds: ['art20.assessmentTask'] },
  );
  ctx.notice(
    'pilot:completed',
    ctx.recipients('pilotLead', 'collegeLeader', 'academicAffairs'),
    notices.completedNotice(assessed, s.current.approvedTask, accountability, s.ledger.balanceFen),
  );
}

function endInstant(ctx: PilotContext): string {
  return shanghaiInstant(ctx.s.current.endDate, '23:59').toISOString();
}

/** Completion (Art. 20): after the end date, once the last weekly period has closed. */
function due(ctx: PilotContext, now: string): void {
  if (now >= endInstant(ctx) && !ctx.openPeriod()) complete(ctx);
}

function nextWake(ctx: PilotContext): string[] {
  return [endInstant(ctx)];
}

/** Once the pilot is closed, that is all it waits on. */
export function closedText(ctx: PilotContext): Bilingual[] {
  if (ctx.s.status === 'completed') return [{ zh: '试点已结项', en: 'the pilot is completed' }];
  if (ctx.s.status === 'cancelled') return [{ zh: '试点已取消', en: 'the pilot is cancelled' }];
  return [];
}

export const closure: Obligation = { register, due, nextWake };
