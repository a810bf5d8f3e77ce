/** Rounds and applications for tests: three colleges, valid applications; override what a test is about. */
import type { Actor } from '../../domain/actor';
import type { RoundRecordInput } from '../../domain/round';
import type { CreateApplicationInput } from '../../workflows/round-types';

export const colleges = [
  {
    id: 'forestry',
    name: '林业工程学院',
    leader: { name: '李院长', email: 'dean.forestry@college.test', userId: 'li' },
    staff: [{ name: '陈老师', email: 'chen@college.test', userId: 'chen' }],
  },
  {
    id: 'ecology',
    name: '生态环境学院',
    leader: { name: '赵院长', email: 'dean.ecology@college.test', userId: 'zhao' },
    staff: [{ name: '孙老师', email: 'sun@college.test', userId: 'sun' }],
  },
  { id: 'it', name: '信息工程学院', leader: { name: '周院长', email: 'dean.it@college.test', userId: 'zhou' }, staff: [] },
] as const;

export const aaActor: Actor = { id: 'jwb.wang', role: 'academicAffairs' };
export const staff = (college: string, id = `staff.${college}`): Actor => ({ id, role: 'collegeStaff', college });
export const leader = (college: string, id = `leader.${college}`): Actor => ({ id, role: 'collegeLeader', college });

export function sampleRound(
  over: Partial<RoundRecordInput> & Pick<RoundRecordInput, 'id' | 'internalDeadline' | 'provincialDeadline'>,
): RoundRecordInput {
  return {
    year: 2027,
    provincialCall: '关于开展2027年职业技能等级证书试点申报工作的通知',
    documentNumber: '粤教职函〔2026〕88号',
    requirements: '各校按专业申报；每个证书试点须有课程支撑并落实课证融通；考证人数原则上不低于30人。',
    colleges: colleges.map((c) => ({ ...c, staff: [...c.staff] })),
    academicAffairs: { name: '教务部王老师', email: 'jwb@college.test', userId: 'jwb.wang' },
    schoolLeader: { name: '黄副校长', email: 'vp@college.test', userId: 'huang' },
    ...over,
  };
}

type AppInput = CreateApplicationInput['application'];

export function sampleApplication(over: Partial<AppInput> & Pick<AppInput, 'id'> & { collegeId?: string }): AppInput {
  const { collegeId = 'forestry', ...rest } = over;
  return {
    college: { id: collegeId, name: colleges.find((c) => c.id === collegeId)?.name ?? collegeId },
    major: { code: '410301', name: '林业技术' },
    certificate: { name: '林业有害生物防治', evaluationOrg: '某培训评价组织', level: 'intermediate' },
    lead: { name: '张老师', email: `lead.${over.id}@college.test`, userId: `lead.${over.id}` },
    requirementsDeclared: true,
    plannedExaminees: 40,
    supportingCourses: [{ name: '森林病虫害防治', standardModules: '模块一 病虫害识别' }],
    integration: { inTalentTrainingPlan: true, courses: ['森林病虫害防治'] },
    budgetFen: 120_000_00,
    plannedDurationMonths: 24,
    ...rest,
  };
}
