/**
 * Users files for tests: real scrypt hashes and real API tokens, written to a temp folder,
 * read by the API exactly as in production. `tokens` maps a user id to its bearer token
 * (what runCli passes as ONEX_TOKEN); every user's password is `password-<id>`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Role } from '../../domain/actor';
import { addAccount } from '../../client/auth/accounts';
import type { AuthDeps, SecurityEvent } from '../../client/auth/plugin';
import { ApiStateStore } from '../../client/auth/store';
import { UserStore } from '../../client/auth/users';

export interface TestUsers {
  file: string;
  tokens: Record<string, string>;
  password: (id: string) => string;
  auth: AuthDeps;
  /** Every security event the API logged. */
  events: SecurityEvent[];
}

/** `id:role[:college]` specs, e.g. `zhang:pilotLead:forestry`. */
export async function testUsers(dir: string, specs: string[]): Promise<TestUsers> {
  const file = join(dir, `users-${randomBytes(4).toString('hex')}.json`);
  const tokens: Record<string, string> = {};
  const password = (id: string) => `password-${id}`;
  for (const spec of specs) {
    const [id, role, college] = spec.split(':') as [string, Role, string | undefined];
    const { token } = await addAccount(file, {
      id,
      name: `测试 ${id}`,
      email: `${id}@college.test`,
      role,
      college,
      password: password(id),
      token: 'test',
    });
    tokens[id] = token!;
  }
  const events: SecurityEvent[] = [];
  const secret = () => randomBytes(32).toString('base64url');
  return {
    file,
    tokens,
    password,
    events,
    auth: {
      users: new UserStore(file),
      state: new ApiStateStore(join(dir, `api-state-${randomBytes(4).toString('hex')}.sqlite`)),
      sessionSecret: secret(),
      linkSecret: secret(),
      securityLog: (e) => events.push(e),
    },
  };
}
