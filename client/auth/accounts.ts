/**
 * Creating accounts in the users file: used by `npm run user:add`, by the local stack's
 * demo users and by the tests' users files. A password is hashed with scrypt; an API
 * token is returned once and only its hash kept.
 */
import type { Role } from '../../domain/actor';
import { hashPassword } from './passwords';
import { newApiToken, readUsersFile, UserStore, type User } from './users';

export interface AccountSpec {
  id: string;
  name: string;
  email: string;
  role: Role;
  college?: string;
  password?: string;
  /** Make a new API token with this label (kept tokens stay). */
  token?: string;
}

export async function addAccount(path: string, spec: AccountSpec): Promise<{ user: User; token?: string }> {
  const store = new UserStore(path);
  const existing = readUsersFile(path).users.find((u) => u.id === spec.id);
  const passwordHash = spec.password !== undefined ? await hashPassword(spec.password) : existing?.passwordHash;
  const made = spec.token !== undefined ? newApiToken(spec.token) : undefined;
  const user = store.upsert({
    id: spec.id,
    name: spec.name,
    email: spec.email,
    role: spec.role,
    ...(spec.college ? { college: spec.college } : {}),
    ...(passwordHash ? { passwordHash } : {}),
    tokens: [...(existing?.tokens ?? []), ...(made ? [made.record] : [])],
  });
  return { user, ...(made ? { token: made.token } : {}) };
}
