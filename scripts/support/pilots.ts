import type { PilotRecordInput } from '../../domain/pilot';

/** A valid pilot record for tests; override what a test is about. */
export function samplePilot(over: Partial<PilotRecordInput> & Pick<PilotRecordInput, 'id' | 'startDate' | 'endDate'>): PilotRecordInput {
  return {
    college: { id: 'forestry', name: '林业学院' },
    major: { name: '园林技术' },
    certificate: { name: '花卉园艺', evaluationOrg: '某培训评价组织', level: 'intermediate' },
    lead: { name: '张老师', email: 'lead@college.test', userId: 'zhang' },
    collegeLeaderEmail: 'dean@college.test',
    academicAffairsEmail: 'jwb@college.test',
    ...over,
  };
}
