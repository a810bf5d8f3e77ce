/** Shared inputs for the domain unit tests. */
import type { Actor } from '../../domain/actor';
import { applicationSchema, type Application, type ApplicationInput } from '../../domain/application';
import { createChinaCalendar } from '../../domain/calendar';
import type { RuleResult } from '../../domain/errors';
import { parseOrRefuse, safeParseBilingual } from '../../domain/validation';
import { ruleTable } from '../../domain/tables';
import type { z } from 'zod';

export const table = ruleTable('2023.1');
export const calendar = () => createChinaCalendar();

export const actors = {
  academicAffairs: { id: 'aa.wang', role: 'academicAffairs' } satisfies Actor,
  collegeLeader: { id: 'cl.li', role: 'collegeLeader', college: 'forestry' } satisfies Actor,
  otherCollegeLeader: { id: 'cl.zhao', role: 'collegeLeader', college: 'ecology' } satisfies Actor,
  collegeStaff: { id: 'cs.chen', role: 'collegeStaff', college: 'forestry' } satisfies Actor,
  pilotLead: { id: 'lead.zhang', role: 'pilotLead' } satisfies Actor,
  schoolLeader: { id: 'sl.huang', role: 'schoolLeader' } satisfies Actor,
} as const;

export const NOW = new Date('2026-03-02T02:00:00.000Z');

export function applicationInput(over: Partial<ApplicationInput> = {}): ApplicationInput {
  return {
    id: 'app-2026-001',
    roundId: 'round-2026',
    year: 2026,
    college: { id: 'forestry', name: '林业工程学院' },
    major: { code: '410301', name: '林业技术' },
    certificate: { name: '林业有害生物防治', evaluationOrg: '某培训评价组织', level: 'intermediate' },
    lead: { name: '张老师', email: 'zhang@example.edu.cn' },
    requirementsDeclared: true,
    plannedExaminees: 30,
    supportingCourses: [{ name: '森林病虫害防治', standardModules: '模块一 病虫害识别' }],
    integration: { inTalentTrainingPlan: true, courses: ['森林病虫害防治'] },
    ...over,
  };
}

export function application(over: Partial<ApplicationInput> = {}): Application {
  return parseOrRefuse(applicationSchema, applicationInput(over));
}

/** The refusals of a schema, or a failure when it parses. */
export function refusalsOf(schema: z.ZodType, input: unknown): RuleResult[] {
  const r = safeParseBilingual(schema, input);
  if (r.ok) throw new Error('expected the input to be refused');
  return r.errors;
}

/** The parts of results a test pins: id, article, severity, field. */
export function shape(results: readonly RuleResult[]) {
  return results.map((r) => ({ ruleId: r.ruleId, article: r.article, severity: r.severity, field: r.field }));
}
