/**
 * Sign-in for the local stack: secrets generated once and kept in the data folder
 * (`secrets.json`, mode 0600) unless ONEX_SESSION_SECRET / ONEX_LINK_SECRET are set, and a
 * demo users file (`users.json`) seeded on the first start unless ONEX_USERS_FILE names
 * the deployment's own. The demo sign-ins (random passwords, and API tokens for the CLI)
 * are printed that one time only; only hashes are kept.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { roleNames, type Role } from '../domain/actor';
import { addAccount } from '../client/auth/accounts';

const secretsSchema = z.object({ sessionSecret: z.string().min(32), linkSecret: z.string().min(32) });

export const demoAccounts: { id: string; name: string; email: string; role: Role; college?: string; token?: boolean }[] = [
  { id: 'jwb', name: '教务部 王老师', email: 'jwb@example.edu', role: 'academicAffairs', token: true },
  { id: 'zhang', name: '张老师', email: 'lead@example.edu', role: 'pilotLead', college: 'forestry', token: true },
  { id: 'li', name: '李老师（林业学院工作小组）', email: 'li@example.edu', role: 'collegeStaff', college: 'forestry' },
  { id: 'dean', name: '林业学院 刘院长', email: 'dean@example.edu', role: 'collegeLeader', college: 'forestry' },
  { id: 'chen', name: '陈老师（信息工程学院）', email: 'chen@example.edu', role: 'pilotLead', college: 'engineering' },
  { id: 'vp', name: '主管校领导 赵副校长', email: 'vp@example.edu', role: 'schoolLeader' },
  { id: 'duban', name: '督导 孙老师', email: 'duban@example.edu', role: 'supervisor' },
  { id: 'admin', name: '系统管理员', email: 'admin@example.edu', role: 'admin' },
];

export interface StackAuth {
  env: { ONEX_USERS_FILE: string; ONEX_SESSION_SECRET: string; ONEX_LINK_SECRET: string };
  /** Lines to print (the demo sign-ins, on the first start only). */
  lines: string[];
}

export async function prepareStackAuth(dataDir: string, env: NodeJS.ProcessEnv): Promise<StackAuth> {
  const secretsFile = join(dataDir, 'secrets.json');
  let secrets: z.infer<typeof secretsSchema>;
  if (existsSync(secretsFile)) secrets = secretsSchema.parse(JSON.parse(readFileSync(secretsFile, 'utf8')));
  else {
    secrets = { sessionSecret: randomBytes(32).toString('base64url'), linkSecret: randomBytes(32).toString('base64url') };
    writeFileSync(secretsFile, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  const lines: string[] = [];
  let usersFile = env.ONEX_USERS_FILE ? resolve(env.ONEX_USERS_FILE) : join(dataDir, 'users.json');
  if (!env.ONEX_USERS_FILE && !existsSync(usersFile)) {
    lines.push(
      '演示账号（只显示这一次；之后用 npm run user:add 管理）/ demo sign-ins (shown this once; manage users with npm run user:add):',
    );
    for (const a of demoAccounts) {
      const password = `demo-${randomBytes(5).toString('hex')}`;
      const { token } = await addAccount(usersFile, {
        id: a.id,
        name: a.name,
        email: a.email,
        role: a.role,
        college: a.college,
        password,
        ...(a.token ? { token: 'demo cli' } : {}),
      });
      lines.push(
        `  ${a.id.padEnd(6)} ${password}   ${roleNames[a.role].zh} / ${roleNames[a.role].en}${a.college ? ` · ${a.college}` : ''}`,
      );
      if (token) lines.push(`         CLI: export ONEX_TOKEN=${token}`);
    }
  }
  usersFile = resolve(usersFile);
  return {
    env: {
      ONEX_USERS_FILE: usersFile,
      ONEX_SESSION_SECRET: env.ONEX_SESSION_SECRET || secrets.sessionSecret,
      ONEX_LINK_SECRET: env.ONEX_LINK_SECRET || secrets.linkSecret,
    },
    lines,
  };
}
