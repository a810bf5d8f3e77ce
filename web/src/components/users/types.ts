/** An account as GET /api/users describes it (client/routes/users.ts): never a hash or a secret. */
import type { Role } from '../../../../domain/actor';

export interface ApiToken {
  id: string;
  label: string;
  createdAt: string;
}

export interface UserView {
  id: string;
  name: string;
  email: string;
  role: Role;
  college?: string;
  disabled: boolean;
  hasPassword: boolean;
  tokens: ApiToken[];
  activeSessions: number;
}

/** A secret the API answered with once: a first or reset password, or an API token. */
export interface ShownSecret {
  kind: 'password' | 'token';
  user: Pick<UserView, 'id' | 'name'>;
  value: string;
}
