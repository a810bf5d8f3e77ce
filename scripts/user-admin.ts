/**
 * `npm run user:admin -- <command> <user id>` on the users file (ONEX_USERS_FILE or --file):
 *
 *   disable <id>               停用：会话结束、API 令牌撤销 / disable: sessions end, API tokens revoked
 *   enable <id>                启用（旧会话与令牌不恢复）/ enable (old sessions and tokens stay ended)
 *   sign-out-everywhere <id>   在所有设备上退出 / end every session of the user
 *   reset-password <id>        重置密码：生成新密码并只显示一次（会话结束、令牌撤销）/ reset: a generated password, shown once
 *   issue-token <id> <label>   生成 API 令牌，只显示一次 / issue an API token, shown once
 *   revoke-token <id> <token>  撤销一个 API 令牌（onex_<令牌编号>_… 中的编号）/ revoke one API token by its id
 *
 * The API re-reads the users file when it changes, so each takes effect at once.
 */
import { Command, Option } from 'commander';
import { issueToken, resetPassword, revokeToken, setDisabled, signOutEverywhere } from '../client/auth/accounts';
import { isMainModule } from '../client/main-module';

export function buildUserAdmin(): Command {
  const program = new Command().name('user:admin').description('管理用户账号 / manage user accounts');
  const file = () => new Option('--file <path>', '用户文件 / users file').env('ONEX_USERS_FILE').makeOptionMandatory();
  program
    .command('disable <id>')
    .description('停用账号 / disable an account')
    .addOption(file())
    .action((id: string, o: { file: string }) => {
      setDisabled(o.file, id, true);
      console.log(`已停用 ${id}：其会话已结束，API 令牌已撤销 / disabled ${id}: sessions ended, API tokens revoked`);
    });
  program
    .command('enable <id>')
    .description('启用账号 / enable an account')
    .addOption(file())
    .action((id: string, o: { file: string }) => {
      setDisabled(o.file, id, false);
      console.log(`已启用 ${id}（需重新登录，令牌需重新生成）/ enabled ${id} (sign in again; make new tokens)`);
    });
  program
    .command('sign-out-everywhere <id>')
    .description('在所有设备上退出 / sign out everywhere')
    .addOption(file())
    .action((id: string, o: { file: string }) => {
      signOutEverywhere(o.file, id);
      console.log(`${id} 的所有会话已结束 / every session of ${id} has ended`);
    });
  program
    .command('reset-password <id>')
    .description('重置密码（生成，只显示一次）/ reset the password (generated, shown once)')
    .addOption(file())
    .action(async (id: string, o: { file: string }) => {
      const { password } = await resetPassword(o.file, id);
      console.log(
        `${id} 的新密码（只显示这一次；其会话已结束，API 令牌已撤销）/ new password of ${id} (shown once; sessions ended, API tokens revoked):`,
      );
      console.log(`  ${password}`);
    });
  program
    .command('issue-token <id> <label>')
    .description('生成 API 令牌（只显示一次）/ issue an API token (shown once)')
    .addOption(file())
    .action((id: string, label: string, o: { file: string }) => {
      const { token } = issueToken(o.file, id, label);
      console.log(`API 令牌（只显示这一次）/ API token (shown once):\n  export ONEX_TOKEN=${token}`);
    });
  program
    .command('revoke-token <id> <tokenId>')
    .description('撤销一个 API 令牌 / revoke one API token')
    .addOption(file())
    .action((id: string, tokenId: string, o: { file: string }) => {
      if (!revokeToken(o.file, id, tokenId)) throw new Error(`${id} 没有令牌 ${tokenId} / ${id} has no token ${tokenId}`);
      console.log(`已撤销 ${id} 的令牌 ${tokenId} / revoked token ${tokenId} of ${id}`);
    });
  return program;
}

if (isMainModule(import.meta.url)) {
  buildUserAdmin()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      console.error((err as Error).message);
      process.exit(1);
    });
}
