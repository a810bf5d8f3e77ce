/**
 * Who is signed in, and the action table's routes as the server wrote them into the page
 * (`#onex-routes`, client/web/routes.ts): the page writes no API path of its own.
 */
import { reactive } from 'vue';
import { hasRole, isAcademicAffairs, type Role } from '../../domain/actor';
import type { ActionName, PageRoute } from '../../client/actions';
import { fillRoute } from '../../client/route-path';
import { api, setCsrf } from './api';

export interface Me {
  id: string;
  name: string;
  email: string;
  role: Role;
  roles?: Role[];
  college?: string;
}

export const session = reactive<{ me: Me | undefined; loaded: boolean }>({ me: undefined, loaded: false });

const routes = JSON.parse(document.getElementById('onex-routes')?.textContent ?? '{}') as Record<ActionName, PageRoute>;

/** The signed-in user may take this action (the action table's roles): forms are offered only then. */
export function mayDo(name: ActionName): boolean {
  const r = routes[name];
  if (!r || !session.me) return false;
  return r.roles === 'any' ? session.me.role !== 'supervisor' || r.method === 'GET' : r.roles.includes(session.me.role);
}

/** An action's method and path with its parameters filled in, each percent-encoded. */
export function action(name: ActionName, params: Record<string, string> = {}): { method: string; path: string } {
  const r = routes[name];
  if (!r) throw new Error(`unknown action ${name}`);
  return { method: r.method, path: fillRoute(r.route, params) };
}

/** Calls an action of the table. */
export function call<T>(name: ActionName, params: Record<string, string>, body?: unknown, idempotencyKey?: string): Promise<T> {
  const a = action(name, params);
  if (a.method === 'GET' && body && typeof body === 'object') {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(body as Record<string, unknown>))
      if (v !== undefined && v !== '' && v !== null) q.set(k, String(v));
    const qs = q.toString();
    return api<T>('GET', qs ? `${a.path}?${qs}` : a.path);
  }
  return api<T>(a.method, a.path, body, idempotencyKey ? { idempotencyKey } : {});
}

export async function loadSession(): Promise<Me | undefined> {
  try {
    const s = await api<{ user: Me; csrfToken?: string }>('GET', '/api/session');
    session.me = s.user;
    setCsrf(s.csrfToken);
  } catch {
    session.me = undefined;
  }
  session.loaded = true;
  return session.me;
}

export async function signIn(id: string, password: string): Promise<Me> {
  const s = await api<{ user: Me; csrfToken: string }>('POST', '/api/session', { id, password });
  session.me = s.user;
  setCsrf(s.csrfToken);
  return s.user;
}

export async function signOut(): Promise<void> {
  await api('DELETE', '/api/session').catch(() => undefined);
  session.me = undefined;
  setCsrf(undefined);
}

/** The signed-in user has one of these roles. */
export const can = (...roles: Role[]): boolean => hasRole(session.me, ...roles);
/** Reads every college (no college scope). */
export const readsAll = (): boolean => hasRole(session.me, 'academicAffairs', 'schoolLeader', 'supervisor', 'admin');
export const isAA = (): boolean => isAcademicAffairs(session.me);
/** A role that may change nothing (督导). */
export const readOnly = (): boolean =>
  hasRole(session.me, 'supervisor') && !hasRole(session.me, 'academicAffairs', 'collegeLeader', 'schoolLeader', 'pilotLead', 'admin');
