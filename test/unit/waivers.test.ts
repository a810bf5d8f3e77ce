import { describe, expect, it } from 'vitest';
import { findRule, rulesCatalogue } from '../../domain/catalogue';
import type { RuleResult } from '../../domain/errors';
import { evaluateRules, grantWaiver, waiverSchema, type Waiver } from '../../domain/waivers';
import { actors, NOW, shape } from './fixtures';

const request = { ruleId: 'art8.minExaminees', subjectId: 'app-1', reason: '首届学生仅 29 人' };
const result = (ruleId: string, severity: RuleResult['severity'], field = 'f'): RuleResult => ({
  ruleId,
  article: { article: 8, item: 3 },
  severity,
  field,
  message: { zh: '中', en: 'en' },
});

describe('granting waivers', () => {
  it('Academic Affairs grants, recording actor, time and reason; the record parses as a waiver', () => {
    const g = grantWaiver(request, actors.academicAffairs, NOW);
    expect(g).toEqual({
      ok: true,
      value: { id: 'waiver:app-1:art8.minExaminees', ...request, grantedBy: actors.academicAffairs, grantedAt: NOW.toISOString() },
    });
    if (g.ok) expect(waiverSchema.parse(g.value)).toEqual(g.value);
  });

  it.each([['collegeLeader'], ['schoolLeader'], ['pilotLead'], ['collegeStaff']] as const)('%s may not grant (Art. 4)', (role) => {
    const g = grantWaiver(request, actors[role], NOW);
    expect(g.ok ? [] : shape(g.errors)).toEqual([
      { ruleId: 'waiver.academicAffairsOnly', article: { article: 4 }, severity: 'hard', field: 'actor.role' },
    ]);
  });

  it('a blank reason is refused', () => {
    const g = grantWaiver({ ...request, reason: '   ' }, actors.academicAffairs, NOW);
    expect(g.ok ? [] : shape(g.errors)).toEqual([
      { ruleId: 'waiver.reasonRequired', article: { article: 4 }, severity: 'hard', field: 'reason' },
    ]);
  });

  it('a hard rule cannot be waived, nor an unknown one', () => {
    const hard = grantWaiver({ ...request, ruleId: 'art11.forbiddenUse' }, actors.academicAffairs, NOW);
    expect(hard.ok ? [] : shape(hard.errors)).toEqual([
      { ruleId: 'waiver.waivableOnly', article: { article: 22 }, severity: 'hard', field: 'ruleId' },
    ]);
    expect(hard.ok ? '' : hard.errors[0]!.message.zh).toBe('第十一条规则 art11.forbiddenUse 不是“原则上”规则，不能豁免');
    const unknown = grantWaiver({ ...request, ruleId: 'art99.nothing' }, actors.academicAffairs, NOW);
    expect(unknown.ok ? [] : unknown.errors.map((e) => e.ruleId)).toEqual(['waiver.waivableOnly']);
  });

  it('exactly the four 原则上 rules are waivable: 8(2), 8(3), 12 restriction, 17 cap', () => {
    expect(
      rulesCatalogue
        .filter((r) => r.severity === 'waivable')
        .map((r) => r.id)
        .sort(),
    ).toEqual(['art12.passRateRestriction', 'art17.feeCap', 'art8.minExaminees', 'art8.onePilotPerMajor']);
    expect(findRule('art17.feeCap')?.article).toEqual({ article: 17 });
  });
});

describe('evaluateRules', () => {
  const granted = (over: Partial<Waiver> = {}): Waiver => ({
    id: 'w',
    ...request,
    grantedBy: actors.academicAffairs,
    grantedAt: NOW.toISOString(),
    ...over,
  });

  it('never waives a hard result even with a matching waiver', () => {
    const e = evaluateRules([result('art8.minExaminees', 'hard')], [granted()], 'app-1');
    expect(e.ok).toBe(false);
    expect(e.blocking.map((r) => r.ruleId)).toEqual(['art8.minExaminees']);
  });

  it('a field-limited waiver covers only that field', () => {
    const rs = [result('art8.minExaminees', 'waivable', 'a'), result('art8.minExaminees', 'waivable', 'b')];
    const e = evaluateRules(rs, [granted({ field: 'a' })], 'app-1');
    expect(e.waived.map((w) => w.result.field)).toEqual(['a']);
    expect(e.blocking.map((r) => r.field)).toEqual(['b']);
  });

  it('ignores a waiver recorded with a non-Academic-Affairs grantor', () => {
    expect(evaluateRules([result('art8.minExaminees', 'waivable')], [granted({ grantedBy: actors.collegeLeader })], 'app-1').ok).toBe(
      false,
    );
  });

  it('sorts blocking, waived and advisory results', () => {
    const e = evaluateRules([result('a', 'hard'), result('art8.minExaminees', 'waivable'), result('c', 'advisory')], [granted()], 'app-1');
    expect({
      ok: e.ok,
      blocking: e.blocking.map((r) => r.ruleId),
      waived: e.waived.map((w) => w.waiver.id),
      advisories: e.advisories.map((r) => r.ruleId),
    }).toEqual({ ok: false, blocking: ['a'], waived: ['w'], advisories: ['c'] });
  });
});
