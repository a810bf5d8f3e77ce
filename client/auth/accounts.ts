/**
 * Accounts in the users file, one set of operations for `npm run user:add` / `user:admin`, the
 * administrator's API (client/routes/users.ts), the local stack's demo users and the tests'
 * users files. A password is hashed with scrypt; an API token is returned once and only its
 * hash kept. Every write goes through {@link UserStore.upsert} (temp file + rename).
 */
import type { Role } from '../../domain/actor';
import { generatePassword, hashPassword } from './passwords';
import { isCollegeScoped, newApiToken, readUsersFile, UserStore, type User } from './users';

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
  const passwordChanged = spec.password !== undefined && existing?.passwordHash !== undefined;
  const { tokens: kept, sessionsValidFrom: validFrom } = passwordChanged
    ? afterPasswordChange()
    : { tokens: existing?.tokens ?? [], sessionsValidFrom: existing?.sessionsValidFrom };
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
 * What a new password does to an existing user: their sessions end and their API tokens are
 * revoked, because whoever knew the old password may have made either.
 */
function afterPasswordChange(): { tokens: User['tokens']; sessionsValidFrom: string } {
  return { tokens: [], sessionsValidFrom: new Date().toISOString() };
}

/** Why an account cannot be created or changed as asked (the API answers 409). */
export class AccountConflict extends Error {
  constructor(
    readonly field: 'id' | 'email',
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${zh} / ${en}`);
  }
}

function userOf(path: string, id: string): User {
  const existing = readUsersFile(path).users.find((u) => u.id === id);
  if (!existing) throw new Error(`没有用户 ${id} / no user ${id}`);
  return existing;
}

function refuseTakenEmail(path: string, email: string, except?: string): void {
  const e = email.trim().toLowerCase();
  // Sign-in accepts the e-mail address too: two accounts with one address would be ambiguous.
  const other = readUsersFile(path).users.find((u) => u.id !== except && u.email.toLowerCase() === e);
  if (other)
    throw new AccountConflict('email', `邮箱 ${email} 已被账号 ${other.id} 使用`, `the e-mail ${email} is used by account ${other.id}`);
}

export interface NewAccount {
  id: string;
  name: string;
  email: string;
  role: Role;
  college?: string | undefined;
  /** The first password; one is generated when none is given. */
  password?: string | undefined;
}

/**
 * Creates an account that does not exist yet (an existing id or e-mail is an
 * {@link AccountConflict}; `addAccount` is the one that updates). Returns the password when it
 * was generated, to be shown once.
 */
export async function createAccount(path: string, spec: NewAccount): Promise<{ user: User; generatedPassword?: string }> {
  if (readUsersFile(path).users.some((u) => u.id === spec.id))
    throw new AccountConflict('id', `账号 ${spec.id} 已存在`, `the account ${spec.id} exists already`);
  refuseTakenEmail(path, spec.email);
  const generated = spec.password === undefined ? generatePassword() : undefined;
  const { user } = await addAccount(path, { ...spec, password: spec.password ?? generated });
  return { user, ...(generated ? { generatedPassword: generated } : {}) };
}

export interface AccountChanges {
  name?: string | undefined;
  email?: string | undefined;
  role?: Role | undefined;
  /** null: no college (a role of the whole school). */
  college?: string | null | undefined;
}

/**
 * Changes a user's name, e-mail, role or college. A new role or college ends the user's
 * sessions (sessionsValidFrom), so nobody keeps working under the old one in an open page;
 * API tokens stay and act with the new role from their next request. A role of the whole
 * school keeps no college.
 */
export function updateAccount(path: string, id: string, changes: AccountChanges): { user: User; scopeChanged: boolean } {
  const existing = userOf(path, id);
  if (changes.email !== undefined) refuseTakenEmail(path, changes.email, id);
  const role = changes.role ?? existing.role;
  const kept =
    changes.college !== undefined
      ? (changes.college ?? undefined)
      : role !== existing.role && !isCollegeScoped({ role })
        ? undefined
        : existing.college;
  const scopeChanged = role !== existing.role || kept !== existing.college;
  const { college: _old, ...rest } = existing;
  const user = new UserStore(path).upsert({
    ...rest,
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.email !== undefined ? { email: changes.email } : {}),
    role,
    ...(kept ? { college: kept } : {}),
    ...(scopeChanged ? { sessionsValidFrom: new Date().toISOString() } : {}),
  });
  return { user, scopeChanged };
}

/**
 * Sets a new password (generated when none is given, to be shown once). As with every new
 * password, the user's sessions end and their API tokens are revoked.
 */
export async function resetPassword(path: string, id: string, password?: string): Promise<{ user: User; password: string }> {
  const existing = userOf(path, id);
  const next = password ?? generatePassword();
  const passwordHash = await hashPassword(next);
  const user = new UserStore(path).upsert({ ...existing, passwordHash, ...afterPasswordChange() });
  return { user, password: next };
}

/** Makes a new API token for a user: the token to show once, and the kept record (its hash only). */
export function issueToken(path: string, id: string, label: string): { user: User; token: string; record: User['tokens'][number] } {
  const existing = userOf(path, id);
  const made = newApiToken(label);
  const user = new UserStore(path).upsert({ ...existing, tokens: [...existing.tokens, made.record] });
  return { user, token: made.token, record: made.record };
}

/**
 * Disables a user (their sessions end, their API tokens are revoked: a re-enabled user signs
 * in again and gets new tokens) or enables them again.
 */
export function setDisabled(path: string, id: string, disabled: boolean): User {
  const existing = userOf(path, id);
  return new UserStore(path).upsert({
    ...existing,
    disabled,
    ...(disabled ? { tokens: [], sessionsValidFrom: new Date().toISOString() } : {}),
  });
}

/** Ends every session of a user, wherever it was opened (API tokens stay). */
export function signOutEverywhere(path: string, id: string): User {
  return new UserStore(path).upsert({ ...userOf(path, id), sessionsValidFrom: new Date().toISOString() });
}

/** Revokes one API token of a user by its id (the part after `onex_`). */
export function revokeToken(path: string, id: string, tokenId: string): boolean {
  const store = new UserStore(path);
  const existing = readUsersFile(path).users.find((u) => u.id === id);
  if (!existing || !existing.tokens.some((t) => t.id === tokenId)) return false;
  store.upsert({ ...existing, tokens: existing.tokens.filter((t) => t.id !== tokenId) });
  return true;
}
