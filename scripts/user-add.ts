/**
 * `npm run user:add -- --file data/users.json --id zhang --name 张老师 --email zhang@college.edu.cn
 *   --role pilotLead --college forestry [--token cli]`
 *
 * Adds (or updates) a user in the users file the API reads (ONEX_USERS_FILE). The password
 * is asked for without echo (or read from ONEX_NEW_PASSWORD, for scripts) and stored as an
 * scrypt hash; `--token <label>` makes an API token for the CLI (ONEX_TOKEN) and prints it
 * once — only its hash is kept.
 */
import { Command, Option } from 'commander';
import { createInterface } from 'node:readline';
import { roles, type Role } from '../domain/actor';
import { addAccount } from '../client/auth/accounts';
import { isMainModule } from '../client/main-module';

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    let asked = false;
    out._writeToOutput = (s: string) => {
      if (!asked) {
        out.output.write(s);
        asked = true;
      } else if (s.includes('\n')) out.output.write('\n');
    };
    rl.question(prompt, (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}

export function buildUserAdd(): Command {
  return new Command()
    .name('user:add')
    .description('添加或更新用户 / add or update a user in the users file')
    .addOption(new Option('--file <path>', '用户文件 / users file').env('ONEX_USERS_FILE').makeOptionMandatory())
    .requiredOption('--id <id>', '账号 / user id')
    .requiredOption('--name <name>', '姓名 / name')
    .requiredOption('--email <email>', '邮箱 / e-mail')
    .addOption(new Option('--role <role>', '角色 / role').choices(roles).makeOptionMandatory())
    .option('--college <id>', '所属学院（学院角色必填）/ college (required for college roles)')
    .option('--no-password', '不设密码（只用 API 令牌）/ no password (API token only)')
    .option('--token <label>', '生成 CLI 用的 API 令牌 / make an API token for the CLI')
    .action(
      async (o: {
        file: string;
        id: string;
        name: string;
        email: string;
        role: Role;
        college?: string;
        password: boolean;
        token?: string;
      }) => {
        let password: string | undefined;
        if (o.password) {
          password = process.env.ONEX_NEW_PASSWORD ?? (await askHidden('密码 / password: '));
          if (!process.env.ONEX_NEW_PASSWORD && (await askHidden('再输入一次 / again: ')) !== password)
            throw new Error('两次输入的密码不一致 / the passwords differ');
        }
        const { user, token } = await addAccount(o.file, {
          id: o.id,
          name: o.name,
          email: o.email,
          role: o.role,
          college: o.college,
          password,
          token: o.token,
        });
        console.log(`已保存用户 / saved user ${user.id} (${user.role}${user.college ? `, ${user.college}` : ''}) → ${o.file}`);
        if (token) console.log(`API 令牌（只显示这一次）/ API token (shown once):\n  export ONEX_TOKEN=${token}`);
      },
    );
}

if (isMainModule(import.meta.url)) {
  buildUserAdd()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      console.error((err as Error).message);
      process.exit(1);
    });
}
