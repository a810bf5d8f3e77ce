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
  // A new password for an existing user ends their sessions and revokes their API tokens:
  // whoever knew the old password may have made either.
  const passwordChanged = spec.password !== undefined && existing?.passwordHash !== undefined;
  const kept = passwordChanged ? [] : (existing?.tokens ?? []);
  const validFrom = passwordChanged ? new Date().toISOString() : existing?.sessionsValidFrom;
  const user = store.upsert({
    id: spec.id,
    name: spec.name,
    email: spec.email,
    role: spec.role,
    ...(spec.college ? { college: spec.college } : {}),
    ...(passwordHash ? { passwordHash } : {}),
    tokens: [...kept, ...(made ? [made.record] : [])],
    disabled: existing?.disabled ?? false,
    ...(validFrom ? { sessionsValidFrom: validFrom } : {}),
  });
  return { user, ...(made ? { token: made.token } : {}) };
}

/**
 * Disables a user (their sessions end, their API tokens are revoked: a re-enabled user signs
 * in again and gets new tokens) or enables them again.
 */
export function setDisabled(path: string, id: string, disabled: boolean): User {
  const store = new UserStore(path);
  const existing = readUsersFile(path).users.find((u) => u.id === id);
  if (!existing) throw new Error(`没有用户 ${id} / no user ${id}`);
  return store.upsert({
    ...existing,
    disabled,
    ...(disabled ? { tokens: [], sessionsValidFrom: new Date().toISOString() } : {}),
  });
}

/** Ends every session of a user, wherever it was opened (API tokens stay). */
export function signOutEverywhere(path: string, id: string): User {
  const store = new UserStore(path);
  const existing = readUsersFile(path).users.find((u) => u.id === id);
  if (!existing) throw new Error(`没有用户 ${id} / no user ${id}`);
  return store.upsert({ ...existing, sessionsValidFrom: new Date().toISOString() });
}

/** Revokes one API token of a user by its id (the part after `onex_`). */
export function revokeToken(path: string, id: string, tokenId: string): boolean {
  const store = new UserStore(path);
  const existing = readUsersFile(path).users.find((u) => u.id === id);
  if (!existing || !existing.tokens.some((t) => t.id === tokenId)) return false;
  store.upsert({ ...existing, tokens: existing.tokens.filter((t) => t.id !== tokenId) });
  return true;
}
