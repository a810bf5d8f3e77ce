/**
 * Inspections — Art. 18 (第十八条): periodic inspections (定期检查) on the pilot's configured
 * month-days, each announced at 09:00 on its working day, and ad-hoc ones; Academic Affairs
 * records each inspection's outcome (progress, use of funds, problems). A failed inspection
 * opens a rectification (rectifications.ts); a second failure puts the pilot at risk.
 */
import { setHandler } from '@temporalio/workflow';
import { shanghaiInstant, type WorkingCalendar } from '../../domain/calendar';
import { inputError, type Bilingual } from '../../domain/errors';
import { checkInspection, contentNames, inspectionOutcome } from '../../domain/inspection';
import type { PilotRecord } from '../../domain/pilot';
import { inspectionInputSchema } from '../../domain/pilot-actions';
import * as notices from '../../domain/pilot-notices';
import { recordInspection } from '../messages';
import type { ActionResult, PilotCarriedState } from '../pilot-state';
import { refuse } from '../refusal';
import type { Obligation, PilotContext } from './context';
import { parseInput, requireInPilot, requireOwnPilot, requireRunning } from './guards';
import { openRectification } from './rectifications';

/** Periodic inspections (Art. 18) are announced at 09:00 on their (working) day. */
const INSPECTION_NOTICE_TIME = '09:00';

/** Art. 18 "定期检查": each configured month-day within the pilot, on or after its start. */
export function inspectionSchedule(pilot: PilotRecord, startedAt: string, calendar: WorkingCalendar): PilotCarriedState['schedule'] {
  const out: PilotCarriedState['schedule'] = [];
  const first = Number(pilot.startDate.slice(0, 4));
  const last = Number(pilot.endDate.slice(0, 4));
  for (let y = first; y <= last; y++) {
    for (const md of pilot.inspectionSchedule) {
      const nominal = `${y}-${md}`;
      if (nominal < pilot.startDate || nominal > pilot.endDate) continue;
      const date = calendar.onOrNextWorkingDay(nominal);
      const at = shanghaiInstant(date, INSPECTION_NOTICE_TIME).toISOString();
      // Two month-days moved onto the same working day are one inspection.
      if (at > startedAt && !out.some((x) => x.date === date)) out.push({ date, at, noticeSent: false });
    }
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

function register(ctx: PilotContext): void {
  const s = ctx.s;
  setHandler(
    recordInspection,
    (raw): ActionResult => {
      const i = inspectionInputSchema.parse(raw);
      const outcome = inspectionOutcome(i);
      const failed = (['progress', 'funds', 'problems'] as const).filter((k) => i[k]?.result !== 'satisfactory');
      const scheduled = s.schedule.find((x) => !x.inspectionId && x.date <= i.inspectedOn);
      const kind = i.reinspectionOf ? 'reinspection' : scheduled ? 'scheduled' : 'adHoc';
      if (kind === 'scheduled' && scheduled) scheduled.inspectionId = i.id;
      s.inspections.push({
        id: i.id,
        inspectedOn: i.inspectedOn,
        kind,
        outcome,
        failed,
        ...(i.reinspectionOf ? { reinspectionOf: i.reinspectionOf } : {}),
        recordedBy: i.inspector,
        ...(i.documents?.length ? { documents: i.documents } : {}),
      });
      const entry = ctx.audit(
        'inspection.record',
        i.inspector,
        {
          zh: `登记${kind === 'reinspection' ? '复查' : '检查'} ${i.id}：${outcome === 'pass' ? '合格' : `不合格（${failed.map((f) => contentNames[f].zh).join('、')}）`}`,
          en: `${kind === 'reinspection' ? 're-inspection' : 'inspection'} ${i.id}: ${outcome === 'pass' ? 'passed' : `failed (${failed.map((f) => contentNames[f].en).join(', ')})`}`,
        },
        { after: { outcome, failed }, ruleIds: ['art18.contents'], ...(i.documents?.length ? { documents: i.documents } : {}) },
      );
      const failures = s.inspections.filter((x) => x.outcome === 'fail').length;
      if (outcome === 'fail' && failures >= 2) {
        ctx.flagRisk({ zh: `检查第 ${failures} 次不合格（${i.id}）`, en: `inspection failed for the ${failures}th time (${i.id})` });
      }
      if (outcome === 'fail') openRectification(ctx, i);
      ctx.dirty = true;
      return { audit: entry };
    },
    {
      validator: (raw) => {
        const i = parseInput(inspectionInputSchema, raw);
        requireRunning(ctx);
        requireOwnPilot(ctx, i.pilotId);
        const who = checkInspection(i);
        if (who.length) refuse(who);
        requireInPilot(ctx, 'inspectedOn', i.inspectedOn, 18, { zh: `检查 ${i.id}`, en: `inspection ${i.id}` });
        if (s.inspections.some((x) => x.id === i.id))
          refuse([inputError('id', `检查 ${i.id} 已登记`, `inspection ${i.id} is already recorded`, 'inspection.duplicate')]);
        if (i.reinspectionOf) {
          const rect = s.rectifications.find((r) => r.id === i.reinspectionOf);
          refuse([
            inputError(
              'reinspectionOf',
              rect
                ? `检查 ${i.reinspectionOf} 的复查请在其整改流程中登记（${rect.workflowId}）`
                : `没有不合格的检查 ${i.reinspectionOf} 可复查`,
              rect
                ? `record the re-inspection of ${i.reinspectionOf} in its rectification (${rect.workflowId})`
                : `no failed inspection ${i.reinspectionOf} to re-inspect`,
              'art18.rectificationClosure',
            ),
          ]);
        }
      },
    },
  );
}

/** Announces each periodic inspection on its day. */
function due(ctx: PilotContext, now: string): void {
  const s = ctx.s;
  for (const x of s.schedule) {
    if (!x.noticeSent && now >= x.at) {
      x.noticeSent = true;
      ctx.notice(`inspection:${x.date}:due`, ctx.recipients('academicAffairs', 'pilotLead'), notices.inspectionDueNotice(x.date));
    }
  }
}

function nextWake(ctx: PilotContext): string[] {
  return ctx.s.schedule.filter((x) => !x.noticeSent).map((x) => x.at);
}

function waitingOn(ctx: PilotContext): Bilingual[] {
  return ctx.s.schedule
    .filter((y) => y.noticeSent && !y.inspectionId)
    .map((x) => ({ zh: `等待教务部登记 ${x.date} 定期检查结果`, en: `waiting for Academic Affairs to record the ${x.date} inspection` }));
}

export const inspections: Obligation = { register, due, nextWake, waitingOn };
