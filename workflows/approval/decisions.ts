/**
 * The approvers' decisions on an approval: at the open step its approver (or a delegate on
 * their behalf) approves — the next step opens, or the item concludes —, returns it for
 * revision to the submitter or to an earlier step, or rejects it where the chain allows
 * (Art. 13 budget, Art. 7 change, Art. 6(4) examiner plan). A change request, once approved,
 * waits for Academic Affairs to record the provincial filing (备案, Art. 7).
 */
import { setHandler } from '@temporalio/workflow';
import type { Actor } from '../../domain/actor';
import { checkApprover, checkSeparationOfDuties, type ApprovalStep } from '../../domain/approval';
import { decideApprovalInputSchema, provincialFilingStep, recordApprovalFilingInputSchema } from '../../domain/approval-kinds';
import { formatShanghai, shanghaiDate } from '../../domain/calendar';
import { changeRules, recordFiling as buildFiling } from '../../domain/change';
import { breach } from '../../domain/rules';
import { safeParseBilingual } from '../../domain/validation';
import type { ApprovalDecisionRecord, ApprovalDelegation, ApprovalUpdateResult } from '../approval-types';
import { decideApproval, recordApprovalFiling } from '../messages';
import { refuse, refuseIfAny } from '../refusal';
import { nowIso } from '../round-support';
import { SUBMITTER, statusNames, type ApprovalContext } from './context';
import { requireDelegationIfOnBehalf } from './delegation';
import { conclude, openStep } from './steps';

/** decideApproval: approve, return for revision or reject at the open step. */
export function registerDecisions(ctx: ApprovalContext): void {
  const {
    spec,
    chain,
    rule,
    pilot,
    steps,
    s,
    note,
    post,
    stepRef,
    submitter,
    approverOf,
    activeDelegates,
    ccRecipients,
    searchAttributes,
    result,
    requireStatus,
    requireCurrentStep,
  } = ctx;

  /**
   * Who decides: the approver themselves, or a delegate of the current step whose delegation
   * is still valid (then the decision is recorded on behalf of the approver).
   */
  const approverFor = (actor: Actor, step: ApprovalStep): { onBehalfOf?: ApprovalDelegation } => {
    const mine = s.delegations.filter(
      (d) => d.stepId === step.id && d.delegate.userId === actor.id && (!actor.onBehalfOf || actor.onBehalfOf === d.delegator.id),
    );
    const delegated = actor.onBehalfOf !== undefined || (mine.length > 0 && actor.role !== step.role);
    if (!delegated) {
      refuseIfAny(checkApprover(chain, { status: 'pending', step, stepIndex: ctx.stepIndex }, actor, pilot.collegeId));
      return {};
    }
    const valid = mine.filter((d) => Date.parse(d.validUntil) >= Date.now());
    if (valid.length > 0) return { onBehalfOf: valid[valid.length - 1]! };
    const expired = mine[mine.length - 1];
    refuse([
      breach(
        rule,
        'actor.onBehalfOf',
        expired
          ? {
              zh: `${expired.delegator.id} 对 ${actor.id} 的委托已于 ${formatShanghai(Date.parse(expired.validUntil))} 到期，不能再代为审批`,
              en: `the delegation from ${expired.delegator.id} to ${actor.id} expired at ${formatShanghai(Date.parse(expired.validUntil))} Beijing time; it no longer allows deciding`,
            }
          : {
              zh: `${actor.id} 没有获得${actor.onBehalfOf ? ` ${actor.onBehalfOf} ` : ''}对“${step.title.zh}”环节的委托`,
              en: `${actor.id} holds no delegation${actor.onBehalfOf ? ` from ${actor.onBehalfOf}` : ''} for the step “${step.title.en}”`,
            },
      ),
    ]);
  };

  const validateDecision = (raw: unknown) => {
    const p = safeParseBilingual(decideApprovalInputSchema, raw);
    if (!p.ok) refuse(p.errors);
    const d = p.value;
    if (s.status === 'awaitingFiling') {
      refuse([
        breach(changeRules.filing, 'stepId', {
          zh: '变更申请已审核通过，等待教务部登记省教育厅备案（recordApprovalFiling），不再需要审批决定',
          en: 'the change request is approved and awaits the provincial filing record (recordApprovalFiling), not a decision',
        }),
      ]);
    }
    requireStatus(['pending'], 'status');
    const step = requireCurrentStep(d.stepId);
    const { onBehalfOf } = approverFor(d.actor, step);
    refuseIfAny(checkSeparationOfDuties(d.actor, s.submittedBy, ctx.rules, d.overrideReason));
    let returnTo: number | 'submitter' | undefined;
    if (d.outcome === 'return') {
      const target = d.returnTo ?? 'submitter';
      const index = steps.findIndex((x) => x.id === target);
      if (target !== 'submitter' && (index < 0 || index >= ctx.stepIndex)) {
        const earlier = steps.slice(0, ctx.stepIndex).map((x) => x.id);
        refuse([
          breach(rule, 'returnTo', {
            zh: `只能退回提交人（submitter）或之前的审批环节（${earlier.join('、') || '无'}），不能退回 ${target}`,
            en: `an item can be returned to the submitter or an earlier step (${earlier.join(', ') || 'none'}), not to ${target}`,
          }),
        ]);
      }
      returnTo = target === 'submitter' ? 'submitter' : index;
    } else if (d.returnTo !== undefined) {
      refuse([breach(rule, 'returnTo', { zh: '只有退回修改时才能指定退回对象', en: 'returnTo applies only to a return' })]);
    }
    if (d.outcome === 'reject' && !spec.rejectableSteps.includes(step.id)) {
      refuse([
        breach(rule, 'outcome', {
          zh: `“${step.title.zh}”环节不能直接不予通过，只能通过或退回修改`,
          en: `the step “${step.title.en}” cannot reject; it may approve or return for revision`,
        }),
      ]);
    }
    return { d, step, onBehalfOf, returnTo };
  };

  setHandler(
    decideApproval,
    (raw): ApprovalUpdateResult => {
      const { d, step, onBehalfOf, returnTo } = validateDecision(raw);
      const by = onBehalfOf ? { ...d.actor, onBehalfOf: onBehalfOf.delegator.id } : d.actor;
      const record: ApprovalDecisionRecord = {
        round: s.round,
        stepId: step.id,
        stepTitle: step.title,
        outcome: d.outcome,
        ...(d.outcome === 'return' ? { returnTo: returnTo === 'submitter' ? 'submitter' : steps[returnTo!]!.id } : {}),
        ...(d.comment ? { comment: d.comment } : {}),
        ...(d.overrideReason ? { overrideReason: d.overrideReason } : {}),
        actor: by,
        ...(onBehalfOf ? { onBehalfOf: onBehalfOf.delegator.id } : {}),
        at: nowIso(),
      };
      s.decisions.push(record);
      ctx.decidedThisRound = true;
      const byRef = { id: by.id, ...(by.onBehalfOf ? { onBehalfOf: by.onBehalfOf } : {}) };
      note({
        event: d.outcome === 'approve' ? 'approved' : d.outcome === 'return' ? 'returned' : 'rejected',
        stepId: step.id,
        actor: by.id,
        ...(by.onBehalfOf ? { onBehalfOf: by.onBehalfOf } : {}),
        ...(d.comment || d.overrideReason
          ? {
              note: [d.comment, d.overrideReason ? `本人审批理由 / own-item reason: ${d.overrideReason}` : undefined]
                .filter(Boolean)
                .join(' — '),
            }
          : {}),
      });
      const n = s.decisions.length;
      const copyCc = () => {
        if (s.cc.length > 0)
          post({
            kind: 'approvalDecided',
            eventKey: `decision:${n}:cc`,
            to: ccRecipients(),
            step: stepRef(step),
            outcome: d.outcome,
            ...(d.comment ? { comment: d.comment } : {}),
            by: byRef,
          });
      };
      if (d.outcome === 'reject') {
        conclude(ctx, 'rejected', by, d.comment);
      } else if (d.outcome === 'approve') {
        const next = ctx.resumeStack.pop() ?? ctx.stepIndex + 1;
        if (next < steps.length) {
          copyCc();
          openStep(ctx, next);
        } else {
          conclude(ctx, 'approved', by, d.comment);
        }
      } else {
        copyCc();
        ctx.resumeStack.push(ctx.stepIndex);
        if (returnTo === 'submitter') {
          s.status = 'returned';
          s.currentStep = undefined;
          s.returnedBy = { stepId: step.id, comment: d.comment ?? '' };
          searchAttributes('returned', undefined, false);
          post({
            kind: 'approvalReturned',
            eventKey: `decision:${n}:returned`,
            // Only the submitter can revise and resubmit (issue 12): the mail goes to them.
            to: submitter(),
            step: stepRef(step),
            returnTo: SUBMITTER,
            comment: d.comment ?? '',
            by: byRef,
          });
        } else {
          const target = steps[returnTo!]!;
          openStep(ctx, returnTo!, 'none');
          post({
            kind: 'approvalReturned',
            eventKey: `decision:${n}:returned`,
            to: [...approverOf(target.role), ...activeDelegates(target.id), ...submitter()],
            step: stepRef(step),
            returnTo: stepRef(target),
            comment: d.comment ?? '',
            by: byRef,
            dueAt: s.currentStep!.dueAt,
          });
        }
      }
      return result();
    },
    { validator: (raw) => void validateDecision(raw) },
  );
}

/** recordApprovalFiling: Academic Affairs records the provincial filing of an approved change request (Art. 7). */
export function registerFiling(ctx: ApprovalContext): void {
  const { spec, s, note, result } = ctx;

  const validateFiling = (raw: unknown) => {
    const p = safeParseBilingual(recordApprovalFilingInputSchema, raw);
    if (!p.ok) refuse(p.errors);
    if (s.status !== 'awaitingFiling') {
      refuse([
        breach(
          changeRules.filing,
          'status',
          spec.requiresFiling
            ? {
                zh: `变更申请尚未经二级学院和教务部审核通过（当前：${statusNames[s.status]}），不能登记备案`,
                en: `the change request is not approved by the college and Academic Affairs yet (now: ${s.status}); no filing can be recorded`,
              }
            : { zh: '此类审批事项不需要省教育厅备案', en: 'this kind of approval needs no provincial filing' },
        ),
      ]);
    }
    const { actor, ...filing } = p.value;
    requireDelegationIfOnBehalf(ctx, actor);
    const built = buildFiling(filing, actor, new Date(Date.now()));
    if (!built.ok) refuse(built.errors);
    if (filing.filedOn > shanghaiDate(Date.now())) {
      refuse([
        breach(changeRules.filing, 'filedOn', {
          zh: `备案日期 ${filing.filedOn} 不能晚于今天`,
          en: `the filing date ${filing.filedOn} cannot be in the future`,
        }),
      ]);
    }
    return built.value;
  };
  setHandler(
    recordApprovalFiling,
    (raw): ApprovalUpdateResult => {
      const filing = validateFiling(raw);
      s.filing = filing;
      note({ event: 'filingRecorded', stepId: provincialFilingStep.id, actor: filing.recordedBy.id, note: filing.reference });
      conclude(ctx, 'approved', filing.recordedBy);
      return result();
    },
    { validator: (raw) => void validateFiling(raw) },
  );
}
