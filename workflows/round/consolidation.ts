/**
 * The consolidated submission (Art. 9(2)): after the internal deadline Academic Affairs
 * confirms the list of applications the school submits to the province, before the
 * provincial deadline — a reminder before it, an escalation to the school leader after.
 * Applications on the list are submitted; the others are told they were not.
 */
import { setHandler } from '@temporalio/workflow';
import { shanghaiDate, toDayNumber } from '../../domain/calendar';
import { inputError, type RuleResult } from '../../domain/errors';
import { ART9_2, finalStatuses, inProgressStatuses, roundRules } from '../../domain/round';
import { confirmSubmissionInputSchema } from '../../domain/round-inputs';
import { breach } from '../../domain/rules';
import { safeParseBilingual } from '../../domain/validation';
import { confirmSubmission } from '../messages';
import { refuse } from '../refusal';
import { nowIso, recipient, uniqueRecipients } from '../round-support';
import type { RoundContext } from './context';

/** Academic Affairs confirms the consolidated list (confirmSubmission). */
export function registerConsolidation(ctx: RoundContext): void {
  const { s, progressById, conf, setStatus, tell, setStage, actorOf, requireAcademicAffairs, requireStage } = ctx;
  const confirmSchema = confirmSubmissionInputSchema;
  setHandler(
    confirmSubmission,
    async (raw) => {
      const input = confirmSchema.parse(raw);
      const now = nowIso();
      const listed = new Set(input.applicationIds);
      const late = now > conf.dueAt;
      s.confirmation = {
        ...s.confirmation,
        confirmedAt: now,
        by: raw.actor,
        late,
        submittedOn: input.submittedOn ?? shanghaiDate(Date.now()),
        applicationIds: [...listed],
        ...(input.note ? { note: input.note } : {}),
      };
      const notSubmitted: string[] = [];
      for (const p of [...progressById.values()]) {
        if (listed.has(p.applicationId)) {
          setStatus(p.applicationId, 'submitted');
          await tell(p.applicationId, { kind: 'submittedToProvince', at: now, by: raw.actor });
        } else if (!finalStatuses.includes(p.status)) {
          notSubmitted.push(p.applicationId);
          setStatus(p.applicationId, 'notSubmitted');
          await tell(p.applicationId, {
            kind: 'notSubmitted',
            at: now,
            reason: { zh: '未列入教务部确认的报送名单', en: 'not in the list Academic Affairs confirmed' },
          });
        }
      }
      s.timeline.push({ at: now, event: 'submissionConfirmed', actor: raw.actor, text: [...listed].join(', ') });
      setStage(listed.size > 0 ? 'provincialReview' : 'closed');
      return { submitted: [...listed], notSubmitted, late, confirmedAt: now };
    },
    {
      validator: (raw) => {
        const actor = actorOf(raw);
        const parsed = safeParseBilingual(confirmSchema, raw);
        if (!parsed.ok) refuse(parsed.errors);
        const rule = roundRules.consolidatedSubmission;
        requireAcademicAffairs(actor, rule, { zh: '确认报送名单', en: 'confirm the consolidated list' });
        requireStage(['open', 'consolidation'], rule, { zh: '确认报送名单', en: 'confirm the list' });
        const ids = parsed.value.applicationIds;
        if (new Set(ids).size !== ids.length)
          refuse([inputError('applicationIds', '名单中有重复的申报', 'the list names an application twice', 'input.duplicate')]);
        const errors: RuleResult[] = [];
        ids.forEach((id, i) => {
          const p = progressById.get(id);
          if (!p)
            errors.push(
              inputError(`applicationIds.${i}`, `本轮没有申报 ${id}`, `the round has no application ${id}`, 'application.notFound'),
            );
          else if (p.status !== 'approved') {
            errors.push(
              breach(rule, `applicationIds.${i}`, {
                zh: `申报 ${id} 尚未经教务部审核通过（当前：${p.status}），不能列入报送名单`,
                en: `application ${id} has not been approved by Academic Affairs (now: ${p.status}); it cannot be submitted`,
              }),
            );
          }
        });
        if (errors.length > 0) refuse(errors);
        if (s.stage === 'open') {
          const busy = [...progressById.values()].filter((p) => inProgressStatuses.includes(p.status)).map((p) => p.applicationId);
          if (busy.length > 0) {
            refuse([
              breach(rule, 'applicationIds', {
                zh: `校内截止前确认名单，须所有申报都已办结；仍在办理中：${busy.join('、')}`,
                en: `before the internal deadline the list can be confirmed only when no application is still in progress; in progress: ${busy.join(', ')}`,
              }),
            ]);
          }
        }
        const on = parsed.value.submittedOn;
        if (on && toDayNumber(on) > toDayNumber(shanghaiDate(Date.now()))) {
          refuse([
            inputError(
              'submittedOn',
              `报送日期 ${on} 不能晚于今天`,
              `the submission date ${on} cannot be in the future`,
              'input.futureDate',
            ),
          ]);
        }
      },
    },
  );
}

/** Before the confirmation is due: a reminder to Academic Affairs. */
export function remindConsolidation(ctx: RoundContext): void {
  const { s, mailer, workflowId, aa, roundSummary, conf } = ctx;
  s.confirmation.reminded = true;
  mailer.post({
    kind: 'stepReminder',
    workflowId,
    eventKey: 'consolidation:reminder',
    occurredAt: nowIso(),
    to: [aa],
    article: ART9_2,
    round: roundSummary,
    step: 'consolidation',
    dueAt: conf.dueAt,
  });
  s.timeline.push({ at: nowIso(), event: 'confirmationReminder' });
}

/** The confirmation is overdue: Academic Affairs and the school leader are told. */
export function escalateConsolidation(ctx: RoundContext): void {
  const { s, mailer, workflowId, aa, round, roundSummary, conf } = ctx;
  s.confirmation.overdue = true;
  mailer.post({
    kind: 'stepOverdue',
    workflowId,
    eventKey: 'consolidation:overdue',
    occurredAt: nowIso(),
    to: uniqueRecipients([aa, recipient('schoolLeader', round.schoolLeader)]),
    article: ART9_2,
    round: roundSummary,
    step: 'consolidation',
    dueAt: conf.dueAt,
    escalatedTo: { zh: '主管校领导', en: 'the school leader' },
  });
  s.timeline.push({ at: nowIso(), event: 'confirmationOverdue' });
}
