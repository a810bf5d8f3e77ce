/**
 * The call and the colleges' applications (Art. 9(1)–(2), Art. 8(2)): every college is told
 * of the call by e-mail; until the internal deadline a college drafts applications, each one
 * an application workflow started as the round's child; Academic Affairs may waive the
 * one-pilot-per-major rule (Art. 8(2)) for an application not yet drafted; each application
 * reports its progress back to the round.
 */
import { setHandler, startChild } from '@temporalio/workflow';
import { applicationRules, applicationSchema, checkApplication, type Application } from '../../domain/application';
import { formatShanghai } from '../../domain/calendar';
import { inputError } from '../../domain/errors';
import { majorKey } from '../../domain/organisation';
import { ART9_2, MAX_PILOT_ID, applicationWorkflowId, mayActForCollege, pilotIdFor, roundRules } from '../../domain/round';
import { createApplicationInputSchema, grantRoundWaiverInputSchema } from '../../domain/round-inputs';
import { safeParseBilingual } from '../../domain/validation';
import { breach } from '../../domain/rules';
import { evaluateRules, grantWaiver, type Waiver } from '../../domain/waivers';
import { applicationWorkflow } from '../application';
import { applicationProgress, createApplication, grantRoundWaiver } from '../messages';
import { refuse } from '../refusal';
import { nowIso, recipient, uniqueRecipients } from '../round-support';
import { OnexCollege, OnexKind, OnexRound, OnexStage } from '../search-attributes';
import type { RoundContext } from './context';
import { SUBMITTED } from './overview';

/** Art. 9(2): every college is told of the call, its internal deadline and the provincial one. */
export function announceCall(ctx: RoundContext): void {
  const { round, workflowId, mailer, internal, roundSummary } = ctx;
  for (const college of round.colleges) {
    mailer.post({
      kind: 'roundOpened',
      workflowId,
      eventKey: `opened:${college.id}`,
      occurredAt: nowIso(),
      to: uniqueRecipients([recipient('collegeLeader', college.leader), ...college.staff.map((p) => recipient('collegeStaff', p))]),
      article: ART9_2,
      round: roundSummary,
      collegeName: college.name,
      internalDeadlineAt: internal.dueAt,
      provincialDeadline: round.provincialDeadline,
      requirements: round.requirements.length > 600 ? `${round.requirements.slice(0, 600)}…` : round.requirements,
    });
  }
}

/** The handlers of the internal round: createApplication, grantRoundWaiver and the children's applicationProgress. */
export function registerCall(ctx: RoundContext): void {
  const { round, table, s, progressById, approvedData, internal, collegeOf, sameMajor, shapeOf, actorOf, requireStage } = ctx;

  /** The application as the round accepts it: the round's id and year, the college's name from the round. */
  const normalise = (raw: unknown, strict = true) => {
    const a = (raw as { application?: Record<string, unknown> } | undefined)?.application ?? {};
    const college = a.college as { id?: unknown } | undefined;
    const known = typeof college?.id === 'string' ? collegeOf(college.id) : undefined;
    return safeParseBilingual(
      applicationSchema,
      { ...a, roundId: round.id, year: round.year, ...(known ? { college: { id: known.id, name: known.name } } : {}) },
      'application',
      { strict },
    );
  };
  setHandler(
    createApplication,
    async (raw) => {
      const application = (normalise(raw, false) as { ok: true; value: Application }).value;
      const wfId = applicationWorkflowId(round.id, application.id);
      const now = nowIso();
      progressById.set(application.id, {
        seq: 0,
        applicationId: application.id,
        workflowId: wfId,
        collegeId: application.college.id,
        collegeName: application.college.name,
        majorName: application.major.name,
        ...(application.major.code ? { majorCode: application.major.code } : {}),
        majorKey: majorKey(application.college.id, application.major),
        certificateName: application.certificate.name,
        level: application.certificate.level,
        status: 'draft',
        missedInternalDeadline: false,
        signed: false,
        reviewed: false,
        returned: false,
        blocking: [],
        waived: [],
        updatedAt: now,
      });
      s.timeline.push({ at: now, event: 'applicationCreated', actor: raw.actor, applicationId: application.id });
      const college = collegeOf(application.college.id)!;
      const waivers = s.waivers.filter((w) => w.subjectId === application.id);
      await startChild(applicationWorkflow, {
        workflowId: wfId,
        args: [
          {
            application,
            round: {
              id: round.id,
              year: round.year,
              provincialCall: round.provincialCall,
              documentNumber: round.documentNumber,
              internalDeadline: round.internalDeadline,
              rulesVersion: round.rulesVersion,
            },
            contacts: {
              collegeLeader: college.leader,
              collegeStaff: college.staff,
              academicAffairs: round.academicAffairs,
              schoolLeader: round.schoolLeader,
            },
            createdBy: raw.actor,
            waivers,
            sameRound: sameMajor(application),
          },
        ],
        typedSearchAttributes: [
          { key: OnexKind, value: 'application' },
          { key: OnexRound, value: round.id },
          { key: OnexCollege, value: application.college.id },
          { key: OnexStage, value: 'draft' },
        ],
      });
      return { applicationId: application.id, workflowId: wfId };
    },
    {
      validator: (raw) => {
        shapeOf(createApplicationInputSchema, raw);
        const actor = actorOf(raw);
        const given = (raw as { application?: { roundId?: unknown; year?: unknown } }).application;
        if (given?.roundId !== undefined && given.roundId !== round.id) {
          refuse([
            inputError(
              'application.roundId',
              `申报属于本轮（${round.id}），不能填写其他轮次`,
              `the application belongs to this round (${round.id})`,
              'application.round',
            ),
          ]);
        }
        const parsed = normalise(raw);
        if (!parsed.ok) refuse(parsed.errors);
        const application = parsed.value;
        if (s.stage !== 'open' || Date.now() >= Date.parse(internal.dueAt)) {
          refuse([
            breach(roundRules.internalRoundOpen, 'round', {
              zh: `校内申报已于 ${formatShanghai(Date.parse(internal.dueAt))} 截止，不再接收新的申报`,
              en: `the internal round closed at ${formatShanghai(Date.parse(internal.dueAt))}; no new applications`,
            }),
          ]);
        }
        if (!collegeOf(application.college.id)) {
          refuse([
            breach(roundRules.internalRoundOpen, 'application.college.id', {
              zh: `学院 ${application.college.id} 不在本轮申报的学院名单中（${round.colleges.map((c) => c.id).join('、')}）`,
              en: `college ${application.college.id} does not take part in this round (${round.colleges.map((c) => c.id).join(', ')})`,
            }),
          ]);
        }
        const denied = mayActForCollege(actor, application, { zh: '起草申报', en: 'draft an application' });
        if (denied.length > 0) refuse(denied);
        if (progressById.has(application.id)) {
          refuse([
            inputError(
              'application.id',
              `本轮已有编号为 ${application.id} 的申报`,
              `the round already has an application ${application.id}`,
              'application.exists',
            ),
          ]);
        }
        if (pilotIdFor(round.id, application.id).length > MAX_PILOT_ID) {
          refuse([
            inputError(
              'application.id',
              `申报编号过长：轮次编号与申报编号合计不能超过 ${MAX_PILOT_ID - 1} 个字符（用作试点编号）`,
              `the application id is too long: round id and application id together may not exceed ${MAX_PILOT_ID - 1} characters (they make the pilot id)`,
              'application.idLength',
            ),
          ]);
        }
        // Art. 8(2): one pilot per major per round, unless Academic Affairs has waived it for this application.
        const results = checkApplication(application, { sameRound: sameMajor(application), passRecords: [] }, table).filter(
          (r) => r.ruleId === applicationRules.onePilotPerMajor.id,
        );
        const evaluation = evaluateRules(results, s.waivers, application.id);
        if (!evaluation.ok) refuse(evaluation.blocking);
      },
    },
  );

  setHandler(
    grantRoundWaiver,
    (raw) => {
      const granted = grantWaiver({ ruleId: raw.ruleId, subjectId: raw.subjectId, reason: raw.reason }, raw.actor, new Date(Date.now()));
      const waiver = (granted as { ok: true; value: Waiver }).value;
      s.waivers = [...s.waivers.filter((w) => w.id !== waiver.id), waiver];
      s.timeline.push({
        at: nowIso(),
        event: 'waived',
        actor: raw.actor,
        applicationId: raw.subjectId,
        text: `${raw.ruleId}: ${raw.reason}`,
      });
      return waiver;
    },
    {
      validator: (raw) => {
        shapeOf(grantRoundWaiverInputSchema, raw);
        const actor = actorOf(raw);
        const r = raw as { ruleId?: unknown; subjectId?: unknown; reason?: unknown };
        const granted = grantWaiver({ ruleId: r.ruleId, subjectId: r.subjectId, reason: r.reason }, actor, new Date(Date.now()));
        if (!granted.ok) refuse(granted.errors);
        if (granted.value.ruleId !== 'art8.onePilotPerMajor') {
          refuse([
            inputError(
              'ruleId',
              '在轮次上只能豁免第八条（二）（每个专业限申报 1 个证书试点）；其他规则请在申报上豁免',
              'only Art. 8(2) (one pilot per major) is waived on the round; waive other rules on the application',
              'waiver.roundRule',
            ),
          ]);
        }
        requireStage(['open'], roundRules.internalRoundOpen, { zh: '豁免', en: 'grant a waiver' });
        if (progressById.has(granted.value.subjectId)) {
          refuse([
            inputError(
              'subjectId',
              `申报 ${granted.value.subjectId} 已存在，请在申报上豁免`,
              `application ${granted.value.subjectId} exists; waive on the application`,
              'waiver.roundRule',
            ),
          ]);
        }
      },
    },
  );

  setHandler(applicationProgress, (p) => {
    const known = progressById.get(p.applicationId);
    if (known && known.seq >= p.seq) return;
    // Statuses the round itself sets (submission, results, pilot) are never overwritten by a stale report.
    if (known && (SUBMITTED.includes(known.status) || known.status === 'notSubmitted')) return;
    if (p.approved) approvedData.set(p.applicationId, p.approved);
    const { approved: _approved, ...rest } = p;
    progressById.set(p.applicationId, rest);
    ctx.version++;
  });
}
