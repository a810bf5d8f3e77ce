/**
 * Who acts. Every human action in onex carries an actor: the user id, the role, the
 * college for college-scoped roles, and, when acting for someone else, on whose behalf.
 */
import { z } from 'zod';

export const roles = ['academicAffairs', 'collegeStaff', 'collegeLeader', 'pilotLead', 'schoolLeader', 'supervisor', 'admin'] as const;
export type Role = (typeof roles)[number];

export const roleNames: Record<Role, { zh: string; en: string }> = {
  academicAffairs: { zh: '教务部', en: 'Academic Affairs' },
  collegeStaff: { zh: '二级学院工作人员（工作小组）', en: 'college staff (working group)' },
  collegeLeader: { zh: '二级学院负责人', en: 'college leader' },
  pilotLead: { zh: '试点负责人', en: 'pilot lead' },
  schoolLeader: { zh: '主管校领导', en: 'school leader' },
  supervisor: { zh: '督导', en: 'supervisor' },
  admin: { zh: '系统管理员', en: 'administrator' },
};

/** Roles whose users belong to one college, and see and act only on its processes (the users file and the API enforce it). */
export const collegeScopedRoles: readonly Role[] = ['collegeStaff', 'collegeLeader', 'pilotLead'];

/**
 * Roles that read everything and can act on nothing (督导: they see where every process
 * stands and what it waits on). The API refuses any change they send, whatever the route.
 */
export const readOnlyRoles: readonly Role[] = ['supervisor'];

export const actorSchema = z
  .object({
    id: z.string().trim().min(1).max(128),
    role: z.enum(roles),
    /** Required for college-scoped roles (collegeStaff, collegeLeader). */
    college: z.string().trim().min(1).max(64).optional(),
    /** The user this actor acts for (a delegate or Academic Affairs entering data on someone's behalf). */
    onBehalfOf: z.string().trim().min(1).max(128).optional(),
  })
  .superRefine((a, ctx) => {
    if (hasRole(a, 'collegeStaff', 'collegeLeader') && !a.college) {
      ctx.addIssue({
        code: 'custom',
        path: ['college'],
        message: 'a college-scoped role must name its college',
        params: { zh: '二级学院角色必须注明所属学院' },
      });
    }
  });
export type Actor = z.infer<typeof actorSchema>;

/** True when the actor (or user) holds one of the roles: the one role check outside the workflows. */
export function hasRole(who: { role?: unknown } | null | undefined, ...allowed: readonly Role[]): boolean {
  return who != null && (allowed as readonly unknown[]).includes(who.role);
}

/** Academic Affairs (教务部) owns the programme (Art. 4). */
export function isAcademicAffairs(who: { role?: unknown } | null | undefined): boolean {
  return hasRole(who, 'academicAffairs');
}
