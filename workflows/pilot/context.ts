/**
 * What every obligation of the pilot shares: the carried state, the rule table, the working
 * calendar, the outbox, and the helpers that write the audit trail, notices, the cancellation
 * risk and the search attributes. Each obligation module (weekly.ts, provincial.ts, …) is an
 * `Obligation` over this context; the spine (index.ts) runs them. Deterministic workflow code.
 */
import { patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Actor } from '../../domain/actor';
import { WorkingCalendar, createChinaCalendar, type CalendarData, type CalendarWarning } from '../../domain/calendar';
import type { Bilingual } from '../../domain/errors';
import type { Notification, PilotSummary } from '../../domain/notifications';
import type { PilotRecord } from '../../domain/pilot';
import * as notices from '../../domain/pilot-notices';
import { ruleTable, type RuleTable } from '../../domain/tables';
import { escalationLevel, type Recipient } from '../../domain/weekly';
import type { ApprovalWorkflowInput, ChildPilotSummary, ChildRecipients } from '../approval-types';
import { createOutbox, type Outbox } from '../outbox';
import type { AuditEntry, PeriodRecord, PilotCarriedState, PilotWorkflowInput } from '../pilot-state';
import type { RectificationWorkflowInput } from '../rectification-types';
import type { PassRecordReport } from '../round-types';
import { OnexCancellationRisk, OnexOverdue } from '../search-attributes';

/** Workflow time as an ISO instant. */
export const nowIso = () => new Date(Date.now()).toISOString();

/** A side effect, posted by a handler or the loop and carried out by the spine's drain, in order. */
export type PilotOutboxItem =
  | { kind: 'notify'; notification: Notification }
  | { kind: 'startApproval'; workflowId: string; input: ApprovalWorkflowInput }
  | { kind: 'startRectification'; workflowId: string; input: RectificationWorkflowInput }
  | { kind: 'cancelChild'; workflowId: string }
  | { kind: 'reportPassRecord'; report: PassRecordReport };

export interface PilotContext {
  /** The pilot as approved (the start input); `s.current` is the pilot as changed since (Art. 7). */
  readonly pilot: PilotRecord;
  readonly s: PilotCarriedState;
  readonly rules: RuleTable;
  calendar: WorkingCalendar;
  /** The pinned schedule (input.calendar, or a refreshed one); undefined: the bundled data. */
  calendarData: CalendarData | undefined;
  readonly onCalendarWarning: (w: CalendarWarning) => void;
  readonly workflowId: string;
  readonly outbox: Outbox<PilotOutboxItem>;
  /** Something changed that the loop must look at: it wakes when this is set. */
  dirty: boolean;

  summary(): PilotSummary;
  childPilot(): ChildPilotSummary;
  childRecipients(): ChildRecipients;
  recipients(...roles: Recipient['role'][]): Recipient[];
  audit(
    action: string,
    actor: Actor | undefined,
    summary: Bilingual,
    extra?: Pick<AuditEntry, 'before' | 'after' | 'ruleIds' | 'documents'>,
  ): AuditEntry;
  /** Posts a pilot notice and wakes the loop to send it. */
  notice(eventKey: string, to: Recipient[], text: notices.NoticeText): void;
  /** The weekly escalation level (Art. 5). */
  level(): 0 | 1 | 2 | 3;
  /** The weekly period not yet closed, if any. */
  openPeriod(): PeriodRecord | undefined;
  overdue(): boolean;
  /** Art. 19: marks the pilot at risk of cancellation and tells the college and Academic Affairs. */
  flagRisk(reason: Bilingual): void;
  /** Sets the OnexOverdue search attribute to {@link overdue}; since v2 only when it changes. */
  syncOverdue(): void;
}

/**
 * One obligation of the regulation: its Update/Signal handlers, what it does when something
 * falls due, the instants it must wake at, and what it is waiting on (for the state query).
 */
export interface Obligation {
  register(ctx: PilotContext): void;
  due?(ctx: PilotContext, now: string): void;
  /** Instants (ISO) at which something of this obligation may fall due; past ones are ignored. */
  nextWake?(ctx: PilotContext): string[];
  waitingOn?(ctx: PilotContext): Bilingual[];
}

/**
 * The context of one run. `initial` builds a fresh pilot's state (no carried state) with the
 * run's calendar.
 */
export function createContext(input: PilotWorkflowInput, initial: (calendar: WorkingCalendar) => PilotCarriedState): PilotContext {
  const workflowId = workflowInfo().workflowId;
  const rules = ruleTable(input.pilot.rulesVersion);
  const warnings: CalendarWarning[] = input.carried?.calendarWarnings ?? [];
  // Each new warning is also a timeline entry; those raised while the state is being built wait for it.
  const unrecorded: CalendarWarning[] = [];
  let recordWarning = (w: CalendarWarning) => void unrecorded.push(w);
  const onCalendarWarning = (w: CalendarWarning) => {
    if (warnings.some((x) => x.year === w.year)) return;
    warnings.push(w);
    recordWarning(w);
  };
  const calendar = input.calendar ? new WorkingCalendar([input.calendar], onCalendarWarning) : createChinaCalendar(onCalendarWarning);
  const s = input.carried ?? initial(calendar);
  s.calendarWarnings = warnings;
  // The OnexOverdue value this run last wrote (undefined: none yet; the first write of a run always goes out).
  let overdueWritten: boolean | undefined;

  const ctx: PilotContext = {
    pilot: input.pilot,
    s,
    rules,
    calendar,
    calendarData: input.calendar,
    onCalendarWarning,
    workflowId,
    outbox: createOutbox<PilotOutboxItem>(),
    dirty: false,

    summary() {
      const p = s.current;
      return {
        id: p.id,
        collegeName: p.college.name,
        majorName: p.major.name,
        certificateName: p.certificate.name,
        level: p.certificate.level,
        leadName: p.lead.name,
      };
    },

    childPilot() {
      return { ...ctx.summary(), collegeId: s.current.college.id };
    },

    childRecipients() {
      const p = s.current;
      return {
        pilotLead: p.lead.email,
        collegeLeader: p.collegeLeaderEmail,
        academicAffairs: p.academicAffairsEmail,
        ...(p.schoolLeaderEmail ? { schoolLeader: p.schoolLeaderEmail } : {}),
      };
    },

    recipients(...roles) {
      const p = s.current;
      const all: Recipient[] = [
        { role: 'pilotLead', email: p.lead.email, name: p.lead.name },
        { role: 'collegeLeader', email: p.collegeLeaderEmail },
        { role: 'academicAffairs', email: p.academicAffairsEmail },
        ...(p.schoolLeaderEmail ? [{ role: 'schoolLeader' as const, email: p.schoolLeaderEmail }] : []),
      ];
      return all.filter((r) => roles.includes(r.role));
    },

    audit(action, actor, summary, extra = {}) {
      const entry: AuditEntry = { seq: s.audit.length + 1, at: nowIso(), action, ...(actor ? { actor } : {}), summary, ...extra };
      s.audit.push(entry);
      return entry;
    },

    notice(eventKey, to, text) {
      ctx.outbox.post({
        kind: 'notify',
        notification: {
          kind: 'pilotNotice',
          workflowId,
          eventKey,
          occurredAt: nowIso(),
          to,
          pilot: ctx.summary(),
          ...text,
        },
      });
      ctx.dirty = true;
    },

    level() {
      return escalationLevel(s.consecutiveMisses, rules.weeklyMissesToEscalate);
    },

    openPeriod() {
      const last = s.periods[s.periods.length - 1];
      return last && !last.closed ? last : undefined;
    },

    overdue() {
      return (
        s.consecutiveMisses > 0 || s.provincial.some((r) => r.outcome === 'missed') || s.rectifications.some((r) => r.status === 'overdue')
      );
    },

    flagRisk(reason) {
      s.cancellationRisk.reasons.push({ at: nowIso(), reason });
      // The supervisors' timeline shows every flag with its reason (Art. 19).
      ctx.audit('pilot.riskFlagged', undefined, {
        zh: `标记取消风险（第十九条）：${reason.zh}`,
        en: `cancellation risk flagged (Art. 19): ${reason.en}`,
      });
      if (!s.cancellationRisk.flagged) {
        s.cancellationRisk.flagged = true;
        upsertSearchAttributes([{ key: OnexCancellationRisk, value: true }]);
      }
      ctx.notice(
        `risk:${s.cancellationRisk.reasons.length}`,
        ctx.recipients('collegeLeader', 'academicAffairs'),
        notices.cancellationRiskNotice(reason),
      );
    },

    syncOverdue() {
      const value = ctx.overdue();
      // v2 (issue 14, fewer events): no upsert event when the value is unchanged — an on-time
      // report or a further miss used to write the same OnexOverdue every week. Histories
      // recorded before replay the v1 path (an upsert on every call).
      if (patched('pilot-overdue-upsert-on-change') && overdueWritten === value) return;
      upsertSearchAttributes([{ key: OnexOverdue, value }]);
      overdueWritten = value;
    },
  };
  recordWarning = (w) => void ctx.audit('calendar.warning', undefined, w.message);
  unrecorded.forEach(recordWarning);
  return ctx;
}
