/**
 * The development mail sink (scripts/mail-sink.ts) as its readers see it: the shape of a
 * stored message and the `list` / `show` commands that read them over the sink's HTTP API.
 * Here, below scripts/, so that the onex CLI (`npm run cli -- mail list`) and the sink's own
 * command line share one reader without the client importing scripts/.
 */
import { formatShanghaiMinute } from '../domain/calendar';
import { z } from 'zod';

export const storedSummarySchema = z.object({
  id: z.string(),
  messageId: z.string().nullable(),
  from: z.string(),
  envelopeFrom: z.string().nullable(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  subject: z.string(),
  date: z.string().nullable(),
  receivedAt: z.string(),
  lastReceivedAt: z.string(),
  size: z.number(),
  deliveries: z.number().int().min(1),
});

export type StoredMessageSummary = z.infer<typeof storedSummarySchema>;

export interface StoredMessage extends StoredMessageSummary {
  text: string;
  html: string | null;
  /** Header name (lower case) → decoded value; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

/** GET a JSON document from the sink; undefined on 404; a bilingual error when the sink is unreachable. */
async function getJson<T>(base: string, path: string): Promise<T | undefined> {
  const url = `${base.replace(/\/+$/, '')}${path}`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new Error(`无法连接邮件收件箱 / cannot reach the mail sink at ${base}: ${cause}`, { cause: err });
  }
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`邮件收件箱返回错误 / the mail sink answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export async function listMessages(opts: { json?: boolean; url: string; to?: string }): Promise<void> {
  const query = opts.to ? `?to=${encodeURIComponent(opts.to)}` : '';
  const messages = (await getJson<StoredMessageSummary[]>(opts.url, `/api/messages${query}`)) ?? [];
  if (opts.json) return void console.log(JSON.stringify(messages, null, 2));
  if (messages.length === 0) return void console.log('没有邮件 / no messages');
  console.log('编号 / Id\t收到时间（北京时间）/ Received\t投递 / Deliveries\t收件人 / To\t主题 / Subject');
  for (const m of messages)
    console.log(`${m.id}\t${formatShanghaiMinute(m.receivedAt)}\t×${m.deliveries}\t${m.to.join(', ')}\t${m.subject}`);
  console.log(`共 ${messages.length} 封 / ${messages.length} message(s)`);
}

export async function showMessage(id: string, opts: { json?: boolean; url: string }): Promise<void> {
  const m = await getJson<StoredMessage>(opts.url, `/api/messages/${encodeURIComponent(id)}`);
  if (!m) throw new Error(`没有编号为 ${id} 的邮件 / no message with id ${id}`);
  if (opts.json) return void console.log(JSON.stringify(m, null, 2));
  const lines = [
    `主题 / Subject:           ${m.subject}`,
    `发件人 / From:            ${m.from}`,
    `收件人 / To:              ${m.to.join(', ')}`,
    `抄送 / Cc:                ${m.cc.join(', ') || '—'}`,
    `日期 / Date:              ${formatShanghaiMinute(m.date)}（北京时间 / Beijing time）`,
    `投递次数 / Deliveries:    ${m.deliveries}`,
    `Message-ID:               ${m.messageId ?? '—'}`,
    '',
    m.text,
  ];
  console.log(lines.join('\n'));
}
