/**
 * The users file the deployment owns (ONEX_USERS_FILE): who may sign in, with which role
 * and college, their scrypt password hash and the hashes of their API tokens. The API
 * re-reads the file when it changes on disk, so adding a user (`npm run user:add`) or
 * removing one takes effect without a restart. Writes are atomic (temp file + rename),
 * mode 0600.
 *
 * API tokens look like `onex_<tokenId>_<secret>`; only SHA-256(secret) is stored. The
 * secret is 32 random bytes, so a fast hash is enough (a KDF protects low-entropy
 * passwords, not random keys).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { collegeScopedRoles, roles, type Actor, type Role } from '../../domain/actor';
import { idSchema } from '../../domain/pilot';
import { safeEqual } from '../../worker/signing';

/** Roles whose users see and act only on their own college's processes (one list, in domain/actor.ts, shared with the page). */
export { collegeScopedRoles };
/** Roles that read every college's processes. */
export const readAllRoles: readonly Role[] = ['academicAffairs', 'schoolLeader', 'supervisor', 'admin'];

export const apiTokenSchema = z.object({
  id: z.string().regex(/^[a-f0-9]{8,32}$/),
  /** SHA-256 of the token's secret part, hex. */
  hash: z.string().regex(/^[a-f0-9]{64}$/),
  label: z.string().max(100).default(''),
  createdAt: z.string(),
});

/** A user's own fields, shared by the users file and the administrator's forms (client/routes/users.ts). */
export const userFields = {
  id: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._@-]+$/),
  name: z.string().trim().min(1).max(100),
  email: z.email().max(254),
  role: z.enum(roles),
  college: idSchema,
};

export const userSchema = z
  .object({
    ...userFields,
    college: userFields.college.optional(),
    passwordHash: z.string().optional(),
    tokens: z.array(apiTokenSchema).default([]),
    disabled: z.boolean().default(false),
    /**
     * Sessions signed in before this instant are over: set when the password changes, when
     * the user is disabled and by "sign out everywhere", so re-enabling a user never revives
     * an old cookie.
     */
    sessionsValidFrom: z.iso.datetime().optional(),
  })
  .superRefine((u, ctx) => {
    if (collegeScopedRoles.includes(u.role) && !u.college)
      ctx.addIssue({ code: 'custom', path: ['college'], message: `role ${u.role} must name its college / 该角色必须注明所属学院` });
  });
export type User = z.output<typeof userSchema>;

export const usersFileSchema = z.object({ version: z.literal(1), users: z.array(userSchema) }).superRefine((f, ctx) => {
  const seen = new Set<string>();
  f.users.forEach((u, i) => {
    if (seen.has(u.id)) ctx.addIssue({ code: 'custom', path: ['users', i, 'id'], message: `duplicate user id ${u.id}` });
    seen.add(u.id);
  });
});
export type UsersFile = z.output<typeof usersFileSchema>;

/** What the page and the API may know of a user (never hashes). */
export interface PublicUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  college?: string;
}

export function publicUser(u: User): PublicUser {
  return { id: u.id, name: u.name, email: u.email, role: u.role, ...(u.college ? { college: u.college } : {}) };
}

/** The actor a user acts as. */
export function actorOf(u: User | PublicUser): Actor {
  return { id: u.id, role: u.role, ...(u.college ? { college: u.college } : {}) };
}

export function isCollegeScoped(u: Pick<User, 'role'>): boolean {
  return collegeScopedRoles.includes(u.role);
}

export function readUsersFile(path: string): UsersFile {
  if (!existsSync(path)) return { version: 1, users: [] };
  const parsed = usersFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `users file ${path} is invalid / 用户文件无效:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  return parsed.data;
}

export function writeUsersFile(path: string, file: UsersFile): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(usersFileSchema.parse(file), null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Makes a new API token: the string to hand out once, and the record to keep. */
export function newApiToken(label = ''): { token: string; record: z.output<typeof apiTokenSchema> } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `onex_${id}_${secret}`, record: { id, hash: sha256(secret), label, createdAt: new Date().toISOString() } };
}

const TOKEN = /^onex_([a-f0-9]{8,32})_([A-Za-z0-9_-]{20,100})$/;

/** Reads the users file, again whenever it changes on disk. */
export class UserStore {
  private cache: { mtimeMs: number; size: number; file: UsersFile } | undefined;

  constructor(readonly path: string) {}

  private file(): UsersFile {
    let st: { mtimeMs: number; size: number };
    try {
      st = statSync(this.path);
    } catch {
      return { version: 1, users: [] };
    }
    if (!this.cache || this.cache.mtimeMs !== st.mtimeMs || this.cache.size !== st.size) {
      this.cache = { mtimeMs: st.mtimeMs, size: st.size, file: readUsersFile(this.path) };
    }
    return this.cache.file;
  }

  all(): User[] {
    return this.file().users;
  }

  byId(id: string): User | undefined {
    return this.all().find((u) => u.id === id && !u.disabled);
  }

  byEmail(email: string): User | undefined {
    const e = email.toLowerCase();
    return this.all().find((u) => u.email.toLowerCase() === e && !u.disabled);
  }

  /** The user a bearer token belongs to, if it is valid. */
  byToken(token: string): User | undefined {
    const m = TOKEN.exec(token);
    if (!m) return undefined;
    const hash = sha256(m[2]!);
    for (const u of this.all()) {
      if (u.disabled) continue;
      const t = u.tokens.find((t) => t.id === m[1]);
      if (t && safeEqual(t.hash, hash)) return u;
    }
    return undefined;
  }

  /** Adds or replaces a user (by id) and writes the file. */
  upsert(user: z.input<typeof userSchema>): User {
    const file = readUsersFile(this.path);
    const parsed = userSchema.parse(user);
    const users = file.users.filter((u) => u.id !== parsed.id);
    users.push(parsed);
    users.sort((a, b) => a.id.localeCompare(b.id));
    writeUsersFile(this.path, { version: 1, users });
    this.cache = undefined;
    return parsed;
  }
}
