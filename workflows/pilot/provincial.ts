/**
 * Provincial material requests — Art. 19(1) (第十九条第一项): Academic Affairs records each
 * request of the provincial education department with its due date; the lead is reminded,
 * submissions are recorded, and each due instant counts, in due order: an on-time submission
 * resets the count of consecutive misses, a miss adds to it; three in a row cancel the pilot.
 */
import { setHandler } from '@temporalio/workflow';
import { formatShanghai } from '../../domain/calendar';
import { inputError, type Bilingual } from '../../domain/errors';
import { provincialRequestInputSchema, provincialSubmissionInputSchema } from '../../domain/pilot-actions';
import * as notices from '../../domain/pilot-notices';
import { cancellationGrounds, provincialMaterialDeadline } from '../../domain/violation';
import { recordProvincialRequest, submitProvincialMaterial } from '../messages';
import type { ActionResult } from '../pilot-state';
import { refuse } from '../refusal';
import { cancel } from './closure';
import { nowIso, type Obligation, type PilotContext } from './context';
import { parseInput, requireAcademicAffairs, requireInPilot, requireOwnPilot, requirePilotSide, requireRunning } from './guards';

function register(ctx: PilotContext): void {
  const s = ctx.s;
  setHandler(
    recordProvincialRequest,
    (raw): ActionResult => {
      const r = provincialRequestInputSchema.parse(raw);
      const d = provincialMaterialDeadline(r, ctx.rules, ctx.calendar);
      s.provincial.push({
        id: r.id,
        title: r.title,
        requestedOn: r.requestedOn,
        dueDate: d.dueDate,
        dueAt: d.dueAt,
        remindAt: d.remindAt,
        reminded: false,
        outcome: 'pending',
        recordedBy: r.recordedBy,
      });
      ctx.notice(
        `provincial:${r.id}:requested`,
        ctx.recipients('pilotLead', 'collegeLeader'),
        notices.provincialRequestedNotice({ id: r.id, title: r.title, dueAt: d.dueAt }),
      );
      return {
        audit: ctx.audit(
          'provincial.request',
          r.recordedBy,
          {
            zh: `登记省厅材料报送要求“${r.title}”，截止 ${formatShanghai(Date.parse(d.dueAt))}`,
            en: `provincial request “${r.title}” recorded, due ${formatShanghai(Date.parse(d.dueAt))}`,
          },
          { after: { id: r.id, dueAt: d.dueAt }, ruleIds: ['art19.provincialMisses'] },
        ),
      };
    },
    {
      validator: (raw) => {
        const r = parseInput(provincialRequestInputSchema, raw);
        requireRunning(ctx);
        requireOwnPilot(ctx, r.pilotId);
        requireAcademicAffairs(r.recordedBy, { zh: '登记省厅材料报送要求', en: 'record a provincial material request' }, 4);
        requireInPilot(ctx, 'requestedOn', r.requestedOn, 19, { zh: '省厅材料报送要求', en: 'the provincial request' });
        requireInPilot(ctx, 'dueDate', r.dueDate, 19, { zh: '省厅材料报送截止', en: "the provincial request's due date" });
        if (s.provincial.some((x) => x.id === r.id))
          refuse([inputError('id', `报送要求 ${r.id} 已登记`, `request ${r.id} is already recorded`, 'provincial.duplicate')]);
        const d = provincialMaterialDeadline(r, ctx.rules, ctx.calendar);
        if (d.dueAt <= nowIso())
          refuse([
            inputError(
              'dueDate',
              '截止时间已过，不能登记为新的报送要求',
              'the due time has passed; it cannot be recorded as a new request',
              'provincial.pastDue',
            ),
          ]);
      },
    },
  );

  setHandler(
    submitProvincialMaterial,
    (raw): ActionResult => {
      const r = provincialSubmissionInputSchema.parse(raw);
      const req = s.provincial.find((x) => x.id === r.requestId)!;
      const before = req.outcome;
      const now = nowIso();
      const onTime = now <= req.dueAt && req.outcome === 'pending';
      req.outcome = onTime ? 'submitted' : 'late';
      req.submittedAt = now;
      req.submittedBy = r.actor;
      if (r.note) req.note = r.note;
      if (r.documents?.length) req.documents = r.documents;
      // The count moves in due order, at each due instant (processDue): an on-time submission
      // resets it there, a late one still counts as the miss it was (Art. 19(1)).
      ctx.syncOverdue();
      ctx.dirty = true;
      return {
        audit: ctx.audit(
          'provincial.submit',
          r.actor,
          {
            zh: `报送省厅材料“${req.title}”（${onTime ? '按时' : '逾期'}）`,
            en: `provincial material “${req.title}” submitted (${onTime ? 'on time' : 'late'})`,
          },
          { before: { outcome: before }, after: { outcome: req.outcome }, ...(r.documents?.length ? { documents: r.documents } : {}) },
        ),
      };
    },
    {
      validator: (raw) => {
        const r = parseInput(provincialSubmissionInputSchema, raw);
        requireRunning(ctx);
        requirePilotSide(ctx, r.actor, 19);
        const req = s.provincial.find((x) => x.id === r.requestId);
        if (!req) refuse([inputError('requestId', `没有报送要求 ${r.requestId}`, `no request ${r.requestId}`, 'provincial.unknown')]);
        if (req.outcome === 'submitted' || req.outcome === 'late')
          refuse([
            inputError(
              'requestId',
              `报送要求 ${r.requestId} 已登记报送`,
              `request ${r.requestId} is already submitted`,
              'provincial.duplicate',
            ),
          ]);
      },
    },
  );
}

/** Reminds before each request's due instant and counts it at the instant, in due order (Art. 19(1)). */
function due(ctx: PilotContext, now: string): void {
  const s = ctx.s;
  for (const r of [...s.provincial].sort((a, b) => a.dueAt.localeCompare(b.dueAt))) {
    if (r.counted) continue;
    if (r.outcome === 'pending' && now >= r.remindAt && !r.reminded && now < r.dueAt) {
      r.reminded = true;
      ctx.notice(
        `provincial:${r.id}:reminder${r.extended ? `:${r.dueAt}` : ''}`,
        ctx.recipients('pilotLead'),
        notices.provincialReminderNotice(r),
      );
    }
    if (now < r.dueAt) continue;
    r.counted = true;
    if (r.outcome === 'submitted') {
      s.consecutiveProvincialMisses = 0;
      continue;
    }
    if (r.outcome === 'pending') r.outcome = 'missed';
    s.consecutiveProvincialMisses += 1;
    ctx.audit(
      'provincial.missed',
      undefined,
      {
        zh: `省厅材料“${r.title}”未按时报送（连续第 ${s.consecutiveProvincialMisses} 次）`,
        en: `provincial material “${r.title}” missed (${s.consecutiveProvincialMisses} in a row)`,
      },
      { ruleIds: ['art19.provincialMisses'] },
    );
    ctx.notice(
      `provincial:${r.id}:missed`,
      ctx.recipients('pilotLead', 'collegeLeader', 'academicAffairs'),
      notices.provincialMissedNotice(r, s.consecutiveProvincialMisses, ctx.rules.provincialMissesToCancel),
    );
    ctx.syncOverdue();
    const grounds = cancellationGrounds({ consecutiveProvincialMisses: s.consecutiveProvincialMisses, violations: [] }, ctx.rules);
    if (grounds.length > 0) {
      ctx.audit(
        'pilot.cancel',
        undefined,
        { zh: '连续三次未报送省厅材料，自动取消试点', en: 'three consecutive provincial misses: the pilot is cancelled' },
        { ruleIds: grounds.map((g) => g.ruleId) },
      );
      cancel(ctx, grounds);
      return;
    }
  }
}

function nextWake(ctx: PilotContext): string[] {
  const times: string[] = [];
  for (const r of ctx.s.provincial) {
    if (r.counted) continue;
    if (!r.reminded && r.outcome === 'pending') times.push(r.remindAt);
    times.push(r.dueAt);
  }
  return times;
}

function waitingOn(ctx: PilotContext): Bilingual[] {
  return ctx.s.provincial
    .filter((x) => x.outcome === 'pending')
    .map((r) => {
      const due = formatShanghai(Date.parse(r.dueAt));
      return { zh: `等待报送省厅材料“${r.title}”（截止 ${due}）`, en: `waiting for provincial material “${r.title}” (due ${due})` };
    });
}

export const provincial: Obligation = { register, due, nextWake, waitingOn };
