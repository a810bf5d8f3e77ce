/**
 * The people the page lets a person choose (a delegate, whom to copy) and names instead of
 * user ids: GET /api/directory, read once per sign-in. Names only; the server fills in a
 * chosen person's e-mail from their account.
 */
import { reactive } from 'vue';
import type { Role } from '../../domain/actor';
import { api } from './api';
import { session } from './session';

export interface Person {
  id: string;
  name: string;
  role: Role;
  college?: string;
}

export const directory = reactive<{ people: Person[]; loadedFor: string | undefined; error: string }>({
  people: [],
  loadedFor: undefined,
  error: '',
});
let pending: Promise<void> | undefined;

/** Loads the directory (once per signed-in user); a failure leaves ids shown as they are. */
export function loadDirectory(): Promise<void> {
  const me = session.me?.id;
  if (directory.loadedFor === me && me) return Promise.resolve();
  pending ??= api<{ people: Person[] }>('GET', '/api/directory')
    .then((r) => {
      directory.people = r.people;
      directory.loadedFor = me;
      directory.error = '';
    })
    .catch((err: unknown) => {
      directory.error = err instanceof Error ? err.message : String(err);
    })
    .finally(() => {
      pending = undefined;
    });
  return pending;
}

/** A user's name (the id only when the directory does not list them). */
export function personName(id: string | undefined): string {
  if (!id) return '—';
  if (id === session.me?.id) return session.me.name;
  return directory.people.find((p) => p.id === id)?.name ?? id;
}
