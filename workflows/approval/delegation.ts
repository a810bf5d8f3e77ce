/**
 * Delegation and copies of an approval: an approver may delegate the current step to
 * someone for an absence (at most 90 days); `onBehalfOf` is accepted only from Academic
 * Affairs (Art. 4: it manages the programme and records for others) or from a delegate
 * holding a valid delegation; people may be copied on the decisions. (The measures have no
 * article on delegation; a refusal cites the approval's own article.)
 */
import { setHandler } from '@temporalio/workflow';
import { roleNames, type Actor } from '../../domain/actor';
import { checkApprover } from '../../domain/approval';
import { ccApprovalInputSchema, delegateApprovalInputSchema } from '../../domain/approval-kinds';
import { formatShanghai } from '../../domain/calendar';
import { breach } from '../../domain/rules';
import { safeParseBilingual } from '../../domain/validation';
import type { ApprovalDelegation, ApprovalUpdateResult } from '../approval-types';
import { ccApproval, delegateApproval } from '../messages';
import { refuse, refuseIfAny } from '../refusal';
import { nowIso } from '../round-support';
import type { ApprovalContext } from './context';

/** The longest a delegation may run (validator only; it covers an absence). */
const MAX_DELEGATION_DAYS = 90;

/**
 * `onBehalfOf` puts someone else's name in the timeline and the parent's audit trail. It is
 * accepted from Academic Affairs (Art. 4: it manages the programme and records for others)
 * and from a delegate holding a delegation from that person for the current step, valid
 * now; from anyone else it is refused. (The measures have no article on delegation; the
 * refusal cites the approval's own article.)
 */
export function requireDelegationIfOnBehalf(ctx: ApprovalContext, actor: Actor): void {
  const { s, rule } = ctx;
  if (actor.onBehalfOf === undefined || actor.role === 'academicAffairs') return;
  const step = s.currentStep;
  const now = Date.now();
  const held =
    step !== undefined &&
    s.delegations.some(
      (d) =>
        d.stepId === step.id &&
        d.delegate.userId === actor.id &&
        d.delegator.id === actor.onBehalfOf &&
        Date.parse(d.validFrom) <= now &&
        Date.parse(d.validUntil) >= now,
    );
  if (held) return;
  refuse([
    breach(rule, 'actor.onBehalfOf', {
      zh: `${actor.id} 没有 ${actor.onBehalfOf} 对当前审批环节的有效委托，不能以其名义办理；委托须由当前环节审批人办理，只有教务部可代他人录入（第四条）`,
      en: `${actor.id} holds no valid delegation from ${actor.onBehalfOf} for the current step and cannot act in their name; a delegation is given by the step's approver, and only Academic Affairs records for others (Art. 4)`,
    }),
  ]);
}

/** delegateApproval (the current step's approver names a delegate) and ccApproval (people copied on decisions). */
export function registerDelegation(ctx: ApprovalContext): void {
  const { rule, chain, pilot, s, note, post, stepRef, result, requireStatus, requireCurrentStep } = ctx;

  const validateDelegation = (raw: unknown) => {
    const p = safeParseBilingual(delegateApprovalInputSchema, raw);
    if (!p.ok) refuse(p.errors);
    const d = p.value;
    requireStatus(['pending'], 'status');
    const step = requireCurrentStep(d.stepId);
    if (d.actor.onBehalfOf) {
      refuse([breach(rule, 'actor.onBehalfOf', { zh: '受托人不能再次委托', en: 'a delegate cannot delegate further' })]);
    }
    refuseIfAny(checkApprover(chain, { status: 'pending', step, stepIndex: ctx.stepIndex }, d.actor, pilot.collegeId));
    if (d.delegate.userId === d.actor.id) {
      refuse([breach(rule, 'delegate.userId', { zh: '不能委托给本人', en: 'one cannot delegate to oneself' })]);
    }
    if (Date.parse(d.validUntil) <= Date.now()) {
      refuse([
        breach(rule, 'validUntil', {
          zh: `委托有效期须晚于当前时间（${formatShanghai(Date.now())}）`,
          en: `the delegation must be valid until a time after now (${formatShanghai(Date.now())} Beijing time)`,
        }),
      ]);
    }
    // A delegation covers an absence, not the rest of the pilot: at most MAX_DELEGATION_DAYS.
    if (Date.parse(d.validUntil) > Date.now() + MAX_DELEGATION_DAYS * 86_400_000) {
      refuse([
        breach(rule, 'validUntil', {
          zh: `委托有效期最长 ${MAX_DELEGATION_DAYS} 天（至 ${formatShanghai(Date.now() + MAX_DELEGATION_DAYS * 86_400_000)}）`,
          en: `a delegation lasts at most ${MAX_DELEGATION_DAYS} days (until ${formatShanghai(Date.now() + MAX_DELEGATION_DAYS * 86_400_000)} Beijing time)`,
        }),
      ]);
    }
    return { ...d, step };
  };
  setHandler(
    delegateApproval,
    (raw): ApprovalUpdateResult => {
      const d = validateDelegation(raw);
      const delegation: ApprovalDelegation = {
        stepId: d.step.id,
        delegator: d.actor,
        delegate: { userId: d.delegate.userId, email: d.delegate.email, ...(d.delegate.name ? { name: d.delegate.name } : {}) },
        validFrom: nowIso(),
        validUntil: new Date(d.validUntil).toISOString(),
      };
      s.delegations.push(delegation);
      note({ event: 'delegated', stepId: d.step.id, actor: d.actor.id, note: `to ${d.delegate.userId} until ${delegation.validUntil}` });
      post({
        kind: 'approvalDelegated',
        eventKey: `delegation:${s.delegations.length}`,
        to: [
          { role: 'delegate', email: delegation.delegate.email, ...(delegation.delegate.name ? { name: delegation.delegate.name } : {}) },
        ],
        step: stepRef(d.step),
        delegatorId: d.actor.id,
        validUntil: delegation.validUntil,
        dueAt: s.currentStep!.dueAt,
      });
      return result();
    },
    { validator: (raw) => void validateDelegation(raw) },
  );

  const validateCc = (raw: unknown) => {
    const p = safeParseBilingual(ccApprovalInputSchema, raw);
    if (!p.ok) refuse(p.errors);
    requireStatus(['pending', 'returned', 'awaitingFiling'], 'status');
    const a = p.value.actor;
    requireDelegationIfOnBehalf(ctx, a);
    const involved =
      a.id === s.submittedBy.id ||
      a.role === 'academicAffairs' ||
      a.role === 'schoolLeader' ||
      (a.role === 'collegeLeader' && a.college === pilot.collegeId);
    if (!involved) {
      refuse([
        breach(rule, 'actor', {
          zh: `只有提交人、本学院负责人、教务部或主管校领导可以添加抄送人；${roleNames[a.role].zh} ${a.id} 不能`,
          en: `only the submitter, this college's leader, Academic Affairs or the school leader may add people to copy; ${roleNames[a.role].en} ${a.id} may not`,
        }),
      ]);
    }
    return p.value;
  };
  setHandler(
    ccApproval,
    (raw): ApprovalUpdateResult => {
      const c = validateCc(raw);
      const at = nowIso();
      for (const person of c.people) {
        if (s.cc.some((x) => x.email.toLowerCase() === person.email.toLowerCase())) continue;
        s.cc.push({
          email: person.email,
          ...(person.name ? { name: person.name } : {}),
          ...(person.userId ? { userId: person.userId } : {}),
          addedBy: c.actor.id,
          at,
        });
      }
      note({ event: 'ccAdded', actor: c.actor.id, note: c.people.map((x) => x.email).join(', ') });
      return result();
    },
    { validator: (raw) => void validateCc(raw) },
  );
}
