/**
 * Assessments — Art. 12, 16, 17 (第十二条、第十六条、第十七条): the college records each
 * assessment session (its fee checked against Art. 17's cap, which Academic Affairs may waive
 * for one session with a reason) and then its results; a year's pass rate below 90 % restricts
 * the next year's application (Art. 12), and every pilot-year's pass record is reported to the
 * programme registry, where the next application round reads it.
 */
import { setHandler } from '@temporalio/workflow';
import type { Actor } from '../../domain/actor';
import { checkAssessmentFees, feeCapFen, formatBp, formatPassRate, passRate, passRateBelow, totalPassCount } from '../../domain/assessment';
import { inputError } from '../../domain/errors';
import { assessmentInputSchema, assessmentResultInputSchema } from '../../domain/pilot-actions';
import * as notices from '../../domain/pilot-notices';
import { evaluateRules, grantWaiver } from '../../domain/waivers';
import { recordAssessment, recordAssessmentResult } from '../messages';
import type { ActionResult } from '../pilot-state';
import { refuse } from '../refusal';
import type { Obligation, PilotContext } from './context';
import { parseInput, requireInPilot, requireOwnPilot, requirePilotSide, requireRunning } from './guards';

function register(ctx: PilotContext): void {
  const s = ctx.s;
  setHandler(
    recordAssessment,
    (raw): ActionResult => {
      const a = assessmentInputSchema.parse(raw);
      const session = a.session;
      const waivers = a.feeCapWaiverReason ? feeCapWaiver(ctx, session.id, a.feeCapWaiverReason, a.actor) : [];
      s.waivers.push(...waivers);
      s.assessments.push({
        id: session.id,
        date: session.date,
        year: Number(session.date.slice(0, 4)),
        candidates: session.candidates,
        ...(session.passed !== undefined ? { passed: session.passed } : {}),
        publishedFeeFen: session.publishedFeeFen,
        capFen: feeCapFen(session.components, ctx.rules),
        forms: session.components.map((c) => c.form),
        waivers: waivers.map((w) => w.id),
        recordedBy: a.actor,
        ...(a.documents?.length ? { documents: a.documents } : {}),
      });
      const entry = ctx.audit(
        'assessment.record',
        a.actor,
        {
          zh: `登记考核 ${session.id}：参考 ${session.candidates} 人次${session.passed === undefined ? '' : `，通过 ${session.passed} 人次`}`,
          en: `assessment ${session.id}: ${session.candidates} candidates${session.passed === undefined ? '' : `, ${session.passed} passed`}`,
        },
        {
          after: { publishedFeeFen: session.publishedFeeFen, waivers: waivers.map((w) => w.id) },
          ruleIds: ['art17.feeCap', 'art12.noStudentFee'],
        },
      );
      refreshPassYear(ctx, Number(session.date.slice(0, 4)));
      return { audit: entry };
    },
    {
      validator: (raw) => {
        const a = parseInput(assessmentInputSchema, raw);
        requireRunning(ctx);
        requireOwnPilot(ctx, a.session.pilotId);
        requirePilotSide(ctx, a.actor, 12, true);
        requireInPilot(ctx, 'session.date', a.session.date, 12, { zh: `考核 ${a.session.id}`, en: `assessment ${a.session.id}` });
        if (s.assessments.some((x) => x.id === a.session.id))
          refuse([
            inputError(
              'session.id',
              `考核 ${a.session.id} 已登记`,
              `assessment ${a.session.id} is already recorded`,
              'assessment.duplicate',
            ),
          ]);
        const results = checkAssessmentFees(a.session, ctx.rules).map((r) => ({ ...r, field: `session.${r.field}` }));
        const waivers = a.feeCapWaiverReason ? feeCapWaiver(ctx, a.session.id, a.feeCapWaiverReason, a.actor) : [];
        const evaluation = evaluateRules(results, waivers, a.session.id);
        if (!evaluation.ok) refuse(evaluation.blocking);
      },
    },
  );
  setHandler(
    recordAssessmentResult,
    (raw): ActionResult => {
      const r = assessmentResultInputSchema.parse(raw);
      const rec = s.assessments.find((x) => x.id === r.sessionId)!;
      const before = rec.passed;
      rec.passed = r.passed;
      const entry = ctx.audit(
        'assessment.result',
        r.actor,
        {
          zh: `登记考核 ${rec.id} 通过人数 ${r.passed}/${rec.candidates}`,
          en: `assessment ${rec.id}: ${r.passed} of ${rec.candidates} passed`,
        },
        { before: { passed: before }, after: { passed: r.passed } },
      );
      refreshPassYear(ctx, rec.year);
      return { audit: entry };
    },
    {
      validator: (raw) => {
        const r = parseInput(assessmentResultInputSchema, raw);
        requireRunning(ctx);
        requirePilotSide(ctx, r.actor, 12, true);
        const rec = s.assessments.find((x) => x.id === r.sessionId);
        if (!rec) refuse([inputError('sessionId', `没有考核 ${r.sessionId}`, `no assessment ${r.sessionId}`, 'assessment.unknown')]);
        if (r.passed > rec.candidates)
          refuse([
            inputError(
              'passed',
              `通过人数（${r.passed}）不能超过参考人数（${rec.candidates}）`,
              `passed (${r.passed}) cannot exceed candidates (${rec.candidates})`,
              'art12.passedWithinCandidates',
            ),
          ]);
      },
    },
  );
}

/** Art. 17's cap is 原则上: Academic Affairs may waive it for one session with a reason. */
function feeCapWaiver(ctx: PilotContext, sessionId: string, reason: string, actor: Actor) {
  const w = grantWaiver({ ruleId: 'art17.feeCap', subjectId: sessionId, reason }, actor, new Date(Date.now()));
  if (!w.ok) refuse(w.errors.map((e) => ({ ...e, field: e.field === 'actor.role' ? 'actor.role' : `feeCapWaiverReason` })));
  return [w.value];
}

/** Art. 12: recompute a year's pass count; below the threshold restricts next year's application. */
function refreshPassYear(ctx: PilotContext, year: number): void {
  const sessions = ctx.s.assessments
    .filter((a) => a.year === year && a.passed !== undefined)
    .map((a) => ({ candidates: a.candidates, passed: a.passed! }));
  const count = totalPassCount(sessions);
  const restricted = passRateBelow(count, ctx.rules.passRateThresholdBp);
  const existing = ctx.s.passYears.find((y) => y.year === year);
  const wasRestricted = existing?.restricted ?? false;
  const record = {
    year,
    candidates: count.candidates,
    passed: count.passed,
    ...(count.candidates > 0 ? { rateBp: passRate(count) } : {}),
    restricted,
  };
  if (existing) Object.assign(existing, record);
  else ctx.s.passYears.push(record);
  // Art. 12: the programme registry keeps every pilot-year's pass record, where next
  // year's application round reads it.
  if (count.candidates > 0) {
    const p = ctx.s.current;
    ctx.outbox.post({
      kind: 'reportPassRecord',
      report: {
        pilotId: p.id,
        record: {
          year,
          collegeId: p.college.id,
          major: { ...(p.major.code ? { code: p.major.code } : {}), name: p.major.name },
          certificate: { name: p.certificate.name, evaluationOrg: p.certificate.evaluationOrg },
          candidates: count.candidates,
          passed: count.passed,
        },
      },
    });
    ctx.dirty = true;
  }
  if (restricted && !wasRestricted) {
    ctx.audit(
      'assessment.restriction',
      undefined,
      {
        zh: `${year} 年通过率 ${formatPassRate(count, ctx.rules.passRateThresholdBp)} 低于 ${formatBp(ctx.rules.passRateThresholdBp)}，限制 ${year + 1} 年度申报`,
        en: `${year} pass rate ${formatPassRate(count, ctx.rules.passRateThresholdBp)} below ${formatBp(ctx.rules.passRateThresholdBp)}: ${year + 1} application restricted`,
      },
      { after: record, ruleIds: ['art12.passRateRestriction'] },
    );
    ctx.notice(
      `passrate:${year}:restricted`,
      ctx.recipients('collegeLeader', 'academicAffairs'),
      notices.passRateRestrictedNotice(year, formatPassRate(count, ctx.rules.passRateThresholdBp), count.candidates, count.passed),
    );
  }
}

export const assessments: Obligation = { register };
