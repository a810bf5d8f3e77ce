/**
 * The province's review and the public notice (Art. 9(3)–(4)): Academic Affairs records the
 * province's result per submitted application, then the public notice (公示) in working days
 * with its end date, and objections during it. When the notice ends, each approved
 * application becomes a pilot (a child with ParentClosePolicy.ABANDON: pilots run for years
 * after the round closes).
 */
import { ParentClosePolicy, setHandler, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { shanghaiDate, toDayNumber } from '../../domain/calendar';
import { inputError } from '../../domain/errors';
import { pilotRecordSchema } from '../../domain/pilot';
import { ART9_3, ART9_4, pilotRecordFor, publicNoticeFor, roundRules } from '../../domain/round';
import { recordObjectionInputSchema, recordProvincialResultInputSchema, recordPublicNoticeInputSchema } from '../../domain/round-inputs';
import { breach } from '../../domain/rules';
import { safeParseBilingual } from '../../domain/validation';
import { recordObjection, recordProvincialResult, recordPublicNotice } from '../messages';
import { pilotWorkflow } from '../pilot';
import { pilotStartOptions } from '../pilot-start';
import { refuse } from '../refusal';
import { nowIso } from '../round-support';
import type { RoundContext } from './context';
import { SUBMITTED } from './overview';

/** The province's results, the public notice and objections (recordProvincialResult, recordPublicNotice, recordObjection). */
export function registerProvincialReview(ctx: RoundContext): void {
  const {
    s,
    workflowId,
    mailer,
    calendar,
    noticeDays,
    roundSummary,
    setStage,
    setStatus,
    tell,
    summaryOf,
    resultRecipients,
    resultOf,
    submittedIds,
    approvedIds,
    actorOf,
    requireAcademicAffairs,
    requireStage,
    knownApplication,
  } = ctx;

  const resultSchema = recordProvincialResultInputSchema;
  setHandler(
    recordProvincialResult,
    async (raw) => {
      const input = resultSchema.parse(raw);
      const now = nowIso();
      const previous = resultOf(input.applicationId);
      const record = {
        applicationId: input.applicationId,
        outcome: input.outcome,
        ...(input.reason ? { reason: input.reason } : {}),
        by: raw.actor,
        at: now,
        revision: (previous?.revision ?? 0) + 1,
      };
      s.results = [...s.results.filter((r) => r.applicationId !== input.applicationId), record];
      setStatus(input.applicationId, input.outcome === 'approved' ? 'provinciallyApproved' : 'provinciallyRejected');
      s.timeline.push({
        at: now,
        event: 'provincialResult',
        actor: raw.actor,
        applicationId: input.applicationId,
        text: input.outcome === 'approved' ? 'approved' : `rejected: ${input.reason}`,
      });
      await tell(input.applicationId, {
        kind: 'provincialResult',
        at: now,
        by: raw.actor,
        outcome: input.outcome,
        ...(input.reason ? { reason: input.reason } : {}),
      });
      if (input.outcome === 'rejected') {
        mailer.post({
          kind: 'provincialResult',
          workflowId,
          eventKey: `result:${input.applicationId}:${record.revision}`,
          occurredAt: now,
          to: resultRecipients(input.applicationId),
          article: ART9_3,
          round: roundSummary,
          application: summaryOf(input.applicationId),
          outcome: 'rejected',
          reason: input.reason!,
        });
      } else if (s.publicNotice) {
        // Approved after the notice was recorded (a corrected result): it takes part in the notice.
        await tell(input.applicationId, { kind: 'publicNotice', at: now, notice: s.publicNotice });
      }
      ctx.version++;
      return record;
    },
    {
      validator: (raw) => {
        const actor = actorOf(raw);
        const parsed = safeParseBilingual(resultSchema, raw);
        if (!parsed.ok) refuse(parsed.errors);
        const rule = roundRules.provincialResult;
        requireAcademicAffairs(actor, rule, { zh: '录入省教育厅评审结果', en: "record the province's result" });
        requireStage(['provincialReview', 'publicNotice'], rule, { zh: '录入评审结果', en: 'record a result' });
        const p = knownApplication(parsed.value.applicationId);
        if (!SUBMITTED.includes(p.status)) {
          refuse([
            breach(rule, 'applicationId', {
              zh: `申报 ${p.applicationId} 未报送省教育厅，不能录入评审结果`,
              en: `application ${p.applicationId} was not submitted to the province`,
            }),
          ]);
        }
        if (parsed.value.outcome === 'rejected' && !parsed.value.reason) {
          refuse([breach(rule, 'reason', { zh: '不予批准须注明理由', en: 'a rejection needs the reason' })]);
        }
      },
    },
  );

  const noticeSchema = recordPublicNoticeInputSchema;
  setHandler(
    recordPublicNotice,
    async (raw) => {
      const { startDate } = noticeSchema.parse(raw);
      const now = nowIso();
      const notice = publicNoticeFor(startDate, noticeDays, calendar);
      s.publicNotice = { ...notice, recordedBy: raw.actor, recordedAt: now };
      ctx.noticeRevision++;
      s.timeline.push({
        at: now,
        event: 'publicNotice',
        actor: raw.actor,
        text: `${notice.start} – ${notice.end} (${notice.workingDays})`,
      });
      if (s.stage !== 'publicNotice') setStage('publicNotice');
      for (const id of approvedIds()) {
        await tell(id, { kind: 'publicNotice', at: now, notice });
        mailer.post({
          kind: 'publicNoticeStarted',
          workflowId,
          eventKey: `notice:${ctx.noticeRevision}:${id}`,
          occurredAt: now,
          to: resultRecipients(id),
          article: ART9_3,
          round: roundSummary,
          application: summaryOf(id),
          start: notice.start,
          end: notice.end,
          workingDays: notice.workingDays,
        });
      }
      ctx.version++;
      return notice;
    },
    {
      validator: (raw) => {
        const actor = actorOf(raw);
        const parsed = safeParseBilingual(noticeSchema, raw);
        if (!parsed.ok) refuse(parsed.errors);
        const rule = roundRules.provincialResult;
        requireAcademicAffairs(actor, rule, { zh: '录入公示期', en: 'record the public notice' });
        requireStage(['provincialReview', 'publicNotice'], rule, { zh: '录入公示期', en: 'record the public notice' });
        if (s.publicNotice && Date.now() >= Date.parse(s.publicNotice.endsAt)) {
          refuse([breach(rule, 'startDate', { zh: '公示期已结束，不能更改', en: 'the public notice has ended and cannot change' })]);
        }
        const missing = submittedIds().filter((id) => !resultOf(id));
        if (missing.length > 0) {
          refuse([
            breach(rule, 'startDate', {
              zh: `请先录入全部评审结果；尚缺：${missing.join('、')}`,
              en: `record every result first; missing: ${missing.join(', ')}`,
            }),
          ]);
        }
        if (approvedIds().length === 0) {
          refuse([
            breach(rule, 'startDate', {
              zh: '没有获批的申报，无需公示',
              en: 'no application was approved; there is nothing to put on notice',
            }),
          ]);
        }
        const start = parsed.value.startDate;
        const from = s.confirmation.submittedOn ?? shanghaiDate(Date.now());
        if (start < from) {
          refuse([
            breach(rule, 'startDate', {
              zh: `公示开始日期 ${start} 不能早于报送日期 ${from}`,
              en: `the notice cannot start (${start}) before the submission (${from})`,
            }),
          ]);
        }
        if (toDayNumber(start) > toDayNumber(shanghaiDate(Date.now())) + 90) {
          refuse([
            inputError(
              'startDate',
              `公示开始日期 ${start} 距今超过 90 天`,
              `the notice start ${start} is more than 90 days ahead`,
              'input.farFuture',
            ),
          ]);
        }
      },
    },
  );

  const objectionSchema = recordObjectionInputSchema;
  setHandler(
    recordObjection,
    async (raw) => {
      const input = objectionSchema.parse(raw);
      const objection = { applicationId: input.applicationId, content: input.content, by: raw.actor, at: nowIso() };
      s.objections.push(objection);
      s.timeline.push({
        at: objection.at,
        event: 'objection',
        actor: raw.actor,
        applicationId: input.applicationId,
        text: input.content.slice(0, 200),
      });
      await tell(input.applicationId, { kind: 'objection', at: objection.at, by: raw.actor, content: input.content });
      return objection;
    },
    {
      validator: (raw) => {
        const actor = actorOf(raw);
        const parsed = safeParseBilingual(objectionSchema, raw);
        if (!parsed.ok) refuse(parsed.errors);
        const rule = roundRules.provincialResult;
        requireAcademicAffairs(actor, rule, { zh: '录入公示异议', en: 'record an objection' });
        requireStage(['publicNotice'], rule, { zh: '录入异议', en: 'record an objection' });
        const p = knownApplication(parsed.value.applicationId);
        if (resultOf(p.applicationId)?.outcome !== 'approved') {
          refuse([
            breach(rule, 'applicationId', {
              zh: `申报 ${p.applicationId} 不在公示名单中`,
              en: `application ${p.applicationId} is not under public notice`,
            }),
          ]);
        }
      },
    },
  );
}

/** Art. 9(4): each approved application becomes a pilot, with what the province approved. */
export async function startPilots(ctx: RoundContext): Promise<void> {
  const { s, round, workflowId, mailer, roundSummary, approvedData, approvedIds, setStatus, tell, summaryOf, resultRecipients } = ctx;
  const startDate = shanghaiDate(Date.now());
  for (const id of approvedIds()) {
    const application = approvedData.get(id);
    if (!application) continue;
    const pilot = pilotRecordSchema.parse(pilotRecordFor(application, round, startDate));
    const options = pilotStartOptions(pilot);
    const at = nowIso();
    try {
      await startChild(pilotWorkflow, { ...options, parentClosePolicy: ParentClosePolicy.ABANDON });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      s.pilots.push({
        applicationId: id,
        pilotId: pilot.id,
        workflowId: options.workflowId,
        startedAt: at,
        error: `pilot ${pilot.id} already exists`,
      });
      s.timeline.push({ at, event: 'pilotStartFailed', applicationId: id, text: `pilot ${pilot.id} already exists` });
      continue;
    }
    s.pilots.push({ applicationId: id, pilotId: pilot.id, workflowId: options.workflowId, startedAt: at });
    setStatus(id, 'pilotStarted');
    s.timeline.push({ at, event: 'pilotStarted', applicationId: id, text: pilot.id });
    await tell(id, { kind: 'pilotStarted', at, pilotId: pilot.id, workflowId: options.workflowId });
    mailer.post({
      kind: 'provincialResult',
      workflowId,
      eventKey: `result:${id}:pilot`,
      occurredAt: at,
      to: resultRecipients(id),
      article: ART9_4,
      round: roundSummary,
      application: summaryOf(id),
      outcome: 'approved',
      pilotId: pilot.id,
    });
  }
}
