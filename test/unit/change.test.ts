import { describe, expect, it } from 'vitest';
import { changeRequestSchema, changeReviewChain, checkChangeRequest, recordFiling, type ChangeRequestInput } from '../../domain/change';
import { pilotRecordSchema, type PilotRecord } from '../../domain/pilot';
import { actors, NOW, refusalsOf, shape } from './fixtures';

const pilot: PilotRecord = pilotRecordSchema.parse({
  id: 'p1',
  college: { id: 'forestry', name: '林业工程学院' },
  major: { name: '林业技术' },
  certificate: { name: '林业有害生物防治', evaluationOrg: '某组织', level: 'intermediate' },
  lead: { name: '张老师', email: 'zhang@example.edu.cn' },
  collegeLeaderEmail: 'li@example.edu.cn',
  academicAffairsEmail: 'jwb@example.edu.cn',
  startDate: '2026-03-01',
  endDate: '2028-02-28',
});
const input = (over: Partial<ChangeRequestInput> = {}): ChangeRequestInput => ({
  id: 'c1',
  pilotId: 'p1',
  changes: { lead: { name: '王老师', email: 'wang@example.edu.cn' } },
  reason: '原负责人调任',
  requestedBy: actors.pilotLead,
  requestedAt: NOW.toISOString(),
  ...over,
});

describe('Art. 7 change requests', () => {
  it('only content, schedule and lead may change; a major change is refused citing Art. 7', () => {
    const r = refusalsOf(changeRequestSchema, input({ changes: { major: { name: '园林技术' } } as never }));
    expect(shape(r)).toEqual([
      { ruleId: 'art7.changeScope', article: { article: 7 }, severity: 'hard', field: 'changes.major' },
      { ruleId: 'art7.changeScope', article: { article: 7 }, severity: 'hard', field: 'changes' },
    ]);
  });
  it('a written reason is required', () => {
    expect(shape(refusalsOf(changeRequestSchema, input({ reason: ' ' })))).toEqual([
      { ruleId: 'art7.writtenRequest', article: { article: 7 }, severity: 'hard', field: 'reason' },
    ]);
  });
  it('a change that changes nothing, or inverts the schedule, is refused', () => {
    const same = changeRequestSchema.parse(input({ changes: { lead: { name: '张老师', email: 'ZHANG@example.edu.cn' } } }));
    expect(checkChangeRequest(pilot, same).map((e) => e.field)).toEqual(['changes.lead']);
    const inverted = changeRequestSchema.parse(input({ changes: { schedule: { endDate: '2026-02-01' } } }));
    expect(checkChangeRequest(pilot, inverted).map((e) => e.field)).toEqual(['changes.schedule.endDate']);
  });
  it('is reviewed by the college, then Academic Affairs (Art. 7)', () => {
    expect(changeReviewChain.steps.map((s) => s.role)).toEqual(['collegeLeader', 'academicAffairs']);
    expect(changeReviewChain.rule.id).toBe('art7.changeReview');
  });
  it('only Academic Affairs records a filing', () => {
    const ok = recordFiling({ filedOn: '2026-05-06', reference: '粤教职备〔2026〕12号' }, actors.academicAffairs, NOW);
    expect(ok.ok && ok.value).toMatchObject({
      reference: '粤教职备〔2026〕12号',
      recordedBy: actors.academicAffairs,
      recordedAt: NOW.toISOString(),
    });
    const f = recordFiling({ filedOn: '2026-05-06', reference: 'x' }, actors.collegeLeader, NOW);
    expect(f.ok ? [] : shape(f.errors)).toEqual([
      { ruleId: 'art7.provincialFiling', article: { article: 7 }, severity: 'hard', field: 'recordedBy' },
    ]);
  });
});
