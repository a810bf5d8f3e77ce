/**
 * The organisation a pilot lives in: colleges (二级学院（部）, Art. 4–5), their majors,
 * and the vocational skill level certificates (职业技能等级证书, Art. 3) with the
 * evaluation organisation (培训评价组织) that sets and charges each one (Art. 14, 17).
 * The compact `…Ref` schemas embedded in records live in pilot.ts.
 */
import { z } from 'zod';
import { certificateRefSchema, collegeRefSchema, idSchema, majorRefSchema, personSchema } from './pilot';

export const collegeSchema = collegeRefSchema.extend({
  /** The college leader, head of its 1+X working group (Art. 5). */
  leader: personSchema,
  /** Members of the 1+X 证书试点工作小组 (Art. 5). */
  workingGroup: z.array(personSchema).max(50).default([]),
});
export type College = z.output<typeof collegeSchema>;

export const majorSchema = majorRefSchema.extend({
  collegeId: idSchema,
});
export type Major = z.output<typeof majorSchema>;

export const certificateSchema = certificateRefSchema.extend({
  id: idSchema,
  /** The certificate code in the national catalogue, where there is one. */
  code: z.string().trim().max(64).optional(),
});
export type Certificate = z.output<typeof certificateSchema>;

/**
 * Identity of a major within the school: the college and the major code, or its name when
 * it has no code (codes compare case-insensitively, names after trimming).
 */
export function majorKey(collegeId: string, major: { code?: string | undefined; name: string }): string {
  const code = major.code?.trim();
  return `${collegeId}/${code ? `code:${code.toUpperCase()}` : `name:${major.name.trim()}`}`;
}

/**
 * Are two majors of a college the same major? The code identifies a major and the name is
 * its label: when both give a code, the codes decide (a renamed major is still itself); when
 * either has none, the names decide. So a pass record entered by name matches an application
 * that gives the major's code and the same name (Art. 12), and the other way round.
 */
export function sameMajor(
  a: { collegeId: string; major: { code?: string | undefined; name: string } },
  b: { collegeId: string; major: { code?: string | undefined; name: string } },
): boolean {
  if (a.collegeId !== b.collegeId) return false;
  const [ca, cb] = [a.major.code?.trim().toUpperCase(), b.major.code?.trim().toUpperCase()];
  if (ca && cb) return ca === cb;
  return a.major.name.trim() === b.major.name.trim();
}

/** Identity of a certificate: its name and evaluation organisation (every level of it). */
export function certificateKey(c: { name: string; evaluationOrg: string }): string {
  return `${c.evaluationOrg.trim()}/${c.name.trim()}`;
}
