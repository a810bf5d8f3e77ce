/**
 * What every CLI command shares: the globals, the API call with bilingual refusals,
 * local validation, actor parsing and output. Each group of commands lives in its own
 * module (cli-*.ts) and is added to the program in cli.ts.
 */
import { Option, type Command } from 'commander';
import { actorSchema, type Actor } from '../domain/actor';
import { actionPath, actions, type ActionName, type ActionSpec } from './actions';
import { formatRuleResult, type RuleResult } from '../domain/errors';
import { safeParseBilingual, stripControlCharacters } from '../domain/validation';

export class Refused extends Error {
  constructor(readonly results: RuleResult[]) {
    super(results.map(formatRuleResult).join('\n'));
  }
}

export interface Globals {
  api: string;
  mail: string;
  json?: boolean;
}

export function check<T>(r: { ok: true; value: T } | { ok: false; errors: RuleResult[] }): T {
  if (!r.ok) throw new Refused(r.errors);
  return r.value;
}

/** `id:role[:college]`, e.g. `zhang:pilotLead` or `li:collegeStaff:forestry`. */
export function parseActor(spec: string | undefined, onBehalfOf?: string): Actor {
  if (!spec)
    throw new Refused([
      {
        ruleId: 'input.actor',
        article: null,
        severity: 'hard',
        field: 'actor',
        message: {
          zh: '请用 --actor id:角色[:学院] 或环境变量 ONEX_ACTOR 注明操作人',
          en: 'name the actor with --actor id:role[:college] or ONEX_ACTOR',
        },
      },
    ]);
  const [id, role, college] = spec.split(':');
  return check(safeParseBilingual(actorSchema, { id, role, college: college || undefined, onBehalfOf }, 'actor'));
}

/** The API token (ONEX_TOKEN) as an Authorization header; the API refuses requests without one. */
function authorization(): Record<string, string> {
  const token = process.env.ONEX_TOKEN?.trim();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export async function call<T>(g: Globals, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${g.api.replace(/\/+$/, '')}${path}`, {
      method,
      // A FormData body (a file upload) sets its own multipart content type.
      headers: {
        ...authorization(),
        ...(body === undefined || body instanceof FormData ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new Error(`无法连接管理接口 / cannot reach the admin API at ${g.api}: ${cause}`, { cause: err });
  }
  const payload = (await res.json().catch(() => ({}))) as { error?: { results?: RuleResult[]; message?: string } } & T;
  if (!res.ok) {
    if (payload.error?.results?.length && res.status < 500) throw new Refused(payload.error.results);
    throw new Error(`管理接口错误 / admin API error ${res.status}: ${payload.error?.message ?? ''}`);
  }
  return payload;
}

/**
 * Prints to the operator's terminal. Control characters are stripped from human output (an
 * ESC sequence or RTL override in a stored text must never drive the terminal); JSON output
 * escapes them itself (`\u001b`).
 */
export function out(g: Globals, data: unknown, human: () => string): void {
  console.log(g.json ? JSON.stringify(data, null, 2) : stripControlCharacters(human()));
}

/**
 * A command of the action table (client/actions.ts): its words, arguments and bilingual
 * description come from the action's `cli` and `summary`; a group (`ledger`, `approval`, …)
 * is found or added under `program`. The caller adds the flags and how they map to the body.
 */
export function actionCommand(program: Command, name: ActionName): Command {
  const spec: ActionSpec = actions[name];
  if (!spec.cli) throw new Error(`action ${name} has no CLI command`);
  const words = spec.cli.split(' ');
  const firstArg = words.findIndex((w) => w.startsWith('<') || w.startsWith('['));
  const path = firstArg < 0 ? words : words.slice(0, firstArg);
  const args = firstArg < 0 ? [] : words.slice(firstArg);
  let parent = program;
  for (const group of path.slice(0, -1)) parent = parent.commands.find((c) => c.name() === group) ?? parent.command(group);
  const cmd = parent.command([path[path.length - 1], ...args].join(' ')).description(`${spec.summary.zh} / ${spec.summary.en}`);
  for (const f of spec.flags ?? []) {
    const option = new Option(f.flag, f.help);
    if (f.number) option.argParser(Number);
    if (f.required) option.makeOptionMandatory();
    cmd.addOption(option);
  }
  return cmd;
}

/** The body fields the action's declared flags set (a flag not given sets nothing). */
export function bodyFromFlags(name: ActionName, o: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of (actions[name] as ActionSpec).flags ?? []) {
    const v = o[new Option(f.flag).attributeName()];
    if (v !== undefined && v !== '') body[f.field] = v;
  }
  return body;
}

/**
 * Sends an action of the table: its method and route (with the path's parameters), the body
 * checked first with the same strict schema the API parses with (after the same filling-in
 * of the path's ids), so a bad flag is refused here, naming the field.
 */
export async function send<T>(
  g: Globals,
  name: ActionName,
  params: Record<string, string>,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<T> {
  const spec: ActionSpec = actions[name];
  if (spec.method === 'POST' && !spec.multipart) check(safeParseBilingual(spec.schema, spec.input ? spec.input(body, params) : body));
  return call<T>(g, spec.method, actionPath(name, params), body, headers);
}

/** A read of the table with query fields (only those given). */
export async function read<T>(
  g: Globals,
  name: ActionName,
  params: Record<string, string>,
  query: Record<string, string | undefined> = {},
): Promise<T> {
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  return call<T>(g, 'GET', `${actionPath(name, params)}${q.size ? `?${q}` : ''}`);
}
