/**
 * The rectification workflow (整改, Art. 18): one per failed inspection, started by the pilot
 * workflow as a child (parentClosePolicy ABANDON). On start it sends the notice (通报) to the
 * college (pilot lead + college leader); reminds them before the working-day deadline; when
 * overdue escalates once to Academic Affairs and the school leader and signals the parent
 * (`overdue`). Academic Affairs records the re-inspection (`recordReinspection`): passed →
 * closed (signal `closed`) and the workflow completes; failed → signal `reinspectionFailed`
 * and a new deadline from the rule table, counted from the re-inspection day. Cancelled (the
 * pilot was cancelled, Art. 19), it records `cancelled` and stops quietly.
 */
import { allHandlersFinished, condition, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { createChinaCalendar } from '../domain/calendar';
import type { RuleResult } from '../domain/errors';
import {
  closeRectification,
  inspectionOutcome,
  inspectionRules,
  inspectionSchema,
  rectificationFor,
  type Inspection,
  type Rectification,
} from '../domain/inspection';
import type { RectificationNotification } from '../domain/notifications';
import { breach } from '../domain/rules';
import { ruleTable } from '../domain/tables';
import { safeParseBilingual } from '../domain/validation';
import type { Recipient } from '../domain/weekly';
import { runUnlessCancelled, signalParent, type DistributiveOmit } from './child-support';
import { rectificationEventSignal, rectificationStateQuery, recordReinspection } from './messages';
import type {
  RecordReinspectionResult,
  RectificationEvent,
  RectificationResult,
  RectificationRound,
  RectificationState,
  RectificationTimelineEntry,
  RectificationWorkflowInput,
} from './rectification-types';
import { Mailer, nowIso, waitUntil } from './round-support';
import { refuse } from './refusal';
import { OnexCollege, OnexKind, OnexNextDue, OnexOverdue, OnexStage } from './search-attributes';

const ART18 = { article: 18 } as const;

export async function rectificationWorkflow(input: RectificationWorkflowInput): Promise<RectificationResult> {
  const rules = ruleTable(input.rulesVersion);
  const calendar = createChinaCalendar();
  const workflowId = workflowInfo().workflowId;
  const { pilot, recipients } = input;
  const original = input.inspection;

  const s: RectificationState = {
    rectificationId: input.rectificationId,
    workflowId,
    parentWorkflowId: input.parentWorkflowId,
    pilot,
    inspection: original,
    status: 'open',
    rectification: input.deadline,
    rounds: [],
    reinspections: [],
    timeline: [],
    emails: [],
    rulesVersion: input.rulesVersion,
  };
  const outbox = new Mailer(s.emails);
  let closedBy: Inspection | undefined;
  /** Parent signals raised by update handlers, sent in order by the main loop. */
  const pendingEvents: RectificationEvent[] = [];

  const note = (e: Omit<RectificationTimelineEntry, 'at'>) => s.timeline.push({ at: nowIso(), ...e });
  const college: Recipient[] = [
    { role: 'pilotLead', email: recipients.pilotLead, name: pilot.leadName },
    { role: 'collegeLeader', email: recipients.collegeLeader },
  ];
  const supervisors: Recipient[] = [
    { role: 'academicAffairs', email: recipients.academicAffairs },
    ...(recipients.schoolLeader ? [{ role: 'schoolLeader' as const, email: recipients.schoolLeader }] : []),
  ];
  const current = (): RectificationRound => s.rounds[s.rounds.length - 1]!;
  const post = (
    n: DistributiveOmit<
      RectificationNotification,
      'workflowId' | 'occurredAt' | 'pilot' | 'article' | 'rectificationId' | 'inspectionId' | 'dueAt'
    >,
  ) => {
    outbox.post({
      workflowId,
      occurredAt: nowIso(),
      pilot: {
        id: pilot.id,
        collegeName: pilot.collegeName,
        majorName: pilot.majorName,
        certificateName: pilot.certificateName,
        level: pilot.level,
        leadName: pilot.leadName,
      },
      article: ART18,
      rectificationId: input.rectificationId,
      inspectionId: original.id,
      dueAt: current().dueAt,
      ...n,
    } as RectificationNotification);
  };
  const tellParent = async (event: RectificationEvent) => {
    const told = await signalParent(input.parentWorkflowId, rectificationEventSignal, event);
    note({ event: told ? 'parentSignalled' : 'parentSignalFailed', note: event.event });
  };

  /** Opens a round with the deadline `r` (its notice to the college included). */
  const openRound = (r: Rectification, openedBy: Inspection) => {
    s.rectification = { ...r, inspectionId: original.id };
    s.status = 'open';
    s.rounds.push({
      round: s.rounds.length + 1,
      openedBy: openedBy.id,
      noticeOn: r.noticeOn,
      dueDate: r.dueDate,
      dueAt: r.dueAt,
      remindAt: r.remindAt,
      failed: r.failed,
      reminded: false,
      overdue: false,
    });
    const round = current();
    note({ event: 'opened', note: `round ${round.round}, due ${r.dueAt}` });
    upsertSearchAttributes([
      { key: OnexStage, value: 'open' },
      { key: OnexNextDue, value: new Date(r.dueAt) },
      { key: OnexOverdue, value: false },
    ]);
    post({
      kind: 'rectificationOpened',
      eventKey: `round:${round.round}:notice`,
      to: college,
      round: round.round,
      inspectedOn: openedBy.inspectedOn,
      failed: r.failed,
    });
  };

  // ── Re-inspection (Academic Affairs) ─────────────────────────────────────────────
  const validateReinspection = (raw: unknown): Inspection => {
    const p = safeParseBilingual(inspectionSchema, raw);
    if (!p.ok) refuse(p.errors);
    const re = p.value;
    if (s.status === 'closed' || s.status === 'cancelled') {
      refuse([
        breach(inspectionRules.rectificationClosure, 'status', {
          zh: `该整改已${s.status === 'closed' ? '关闭' : '取消'}，不再接收复查结果`,
          en: `the rectification is ${s.status}; no more re-inspections`,
        }),
      ]);
    }
    // Who and what: Academic Affairs, this pilot, this inspection, not before the notice (closeRectification's checks but the result).
    const problems: RuleResult[] = [];
    const closing = closeRectification(s.rectification, re);
    if (!closing.ok) problems.push(...closing.errors.filter((e) => e.field !== 'result'));
    const known = [original.id, ...s.reinspections.map((x) => x.id)];
    if (known.includes(re.id)) {
      problems.push(
        breach(inspectionRules.rectificationClosure, 'id', {
          zh: `检查编号 ${re.id} 已使用，复查须有新的编号`,
          en: `inspection id ${re.id} is taken; a re-inspection needs a new id`,
        }),
      );
    }
    if (problems.length > 0) refuse(problems);
    return re;
  };
  setHandler(
    recordReinspection,
    (raw): RecordReinspectionResult => {
      const re = validateReinspection(raw);
      s.reinspections.push(re);
      current().endedBy = re.id;
      if (inspectionOutcome(re) === 'pass') {
        closedBy = re;
        s.rectification = { ...s.rectification, closedBy: re.id };
        s.status = 'closed';
        s.closedAt = nowIso();
        note({ event: 'closed', actor: re.inspector.id, note: re.id });
        upsertSearchAttributes([
          { key: OnexStage, value: 'closed' },
          { key: OnexNextDue, value: null },
          { key: OnexOverdue, value: false },
        ]);
        post({
          kind: 'rectificationClosed',
          eventKey: `closed:${re.id}`,
          to: [...college, ...supervisors],
          reinspectionId: re.id,
          reinspectedOn: re.inspectedOn,
        });
        return { passed: true, status: 'closed' };
      }
      note({ event: 'reinspectionFailed', actor: re.inspector.id, note: re.id });
      // Still failing: a new period from the table, counted from the re-inspection day.
      openRound(rectificationFor(re, rules, calendar)!, re);
      pendingEvents.push({
        rectificationId: input.rectificationId,
        event: 'reinspectionFailed',
        reinspectionId: re.id,
        dueAt: current().dueAt,
        at: nowIso(),
      });
      return { passed: false, status: s.status, dueAt: current().dueAt };
    },
    { validator: (raw) => void validateReinspection(raw) },
  );

  setHandler(rectificationStateQuery, (): RectificationState => s);

  return runUnlessCancelled<RectificationResult>(
    async () => {
      upsertSearchAttributes([
        { key: OnexKind, value: 'rectification' },
        { key: OnexCollege, value: pilot.collegeId },
      ]);
      openRound(input.deadline, original);

      while (!closedBy) {
        outbox.throwIfFailed();
        const round = current();
        const moved = () => closedBy !== undefined || current() !== round || pendingEvents.length > 0 || outbox.failed();
        if (!round.reminded && !round.overdue) {
          await waitUntil(round.remindAt, moved);
          if (!moved() && nowIso() < round.dueAt) {
            round.reminded = true;
            note({ event: 'reminded' });
            post({ kind: 'rectificationReminder', eventKey: `round:${round.round}:reminder`, to: college });
          }
        }
        if (!round.overdue) {
          await waitUntil(round.dueAt, moved);
          if (!moved()) {
            // Overdue: escalate once per round to Academic Affairs and the school leader; tell the pilot.
            round.overdue = true;
            round.reminded = true;
            s.status = 'overdue';
            note({ event: 'overdue' });
            upsertSearchAttributes([
              { key: OnexStage, value: 'overdue' },
              { key: OnexOverdue, value: true },
            ]);
            post({ kind: 'rectificationOverdue', eventKey: `round:${round.round}:overdue`, to: supervisors });
            await tellParent({ rectificationId: input.rectificationId, event: 'overdue', dueAt: round.dueAt, at: nowIso() });
          }
        }
        await condition(moved);
        while (pendingEvents.length > 0) await tellParent(pendingEvents.shift()!);
      }

      const re = closedBy;
      await tellParent({ rectificationId: input.rectificationId, event: 'closed', passed: true, reinspectionId: re.id, at: s.closedAt! });
      await outbox.drained();
      await condition(allHandlersFinished);
      return { status: 'closed', rectificationId: input.rectificationId, closedBy: re.id, closedAt: s.closedAt!, rounds: s.rounds.length };
    },
    () => {
      s.status = 'cancelled';
      note({ event: 'cancelled' });
      upsertSearchAttributes([
        { key: OnexStage, value: 'cancelled' },
        { key: OnexNextDue, value: null },
        { key: OnexOverdue, value: false },
      ]);
      return { status: 'cancelled', rectificationId: input.rectificationId, cancelledAt: nowIso() };
    },
  );
}
