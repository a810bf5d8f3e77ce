/**
 * The mail sink's HTTP side (node:http): a JSON API for tests and the CLI, and two small
 * HTML pages (Chinese first, English beside it) for a person browsing the caught mail.
 *
 *   GET    /healthz                   {"status":"ok","messages":N}
 *   GET    /api/messages              summaries, newest first; ?to=<address> and ?messageId=<id> filter
 *   GET    /api/messages/:id          summary + text, html and headers
 *   GET    /api/messages/:id/raw      the message as received (message/rfc822)
 *   DELETE /api/messages              deletes every message: {"deleted":N}
 *   GET    /                          HTML list
 *   GET    /messages/:id              HTML view of one message
 */
import { formatShanghaiMinute } from '../../domain/calendar';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml } from '../../activities/letter';
import type { Bilingual } from '../../domain/errors';
import { ID_PATTERN, type MailStore, type StoredMessage, type StoredMessageSummary } from './store';

type Route = { method: string; path: RegExp; handle: (store: MailStore, url: URL, res: ServerResponse, id: string) => Promise<void> };

const ID = ID_PATTERN.source.slice(1, -1);

const routes: Route[] = [
  { method: 'GET', path: /^\/healthz$/, handle: async (store, _url, res) => json(res, 200, { status: 'ok', messages: store.size }) },
  {
    method: 'GET',
    path: /^\/api\/messages$/,
    handle: async (store, url, res) =>
      json(
        res,
        200,
        store.list({ to: url.searchParams.get('to') ?? undefined, messageId: url.searchParams.get('messageId') ?? undefined }),
      ),
  },
  { method: 'DELETE', path: /^\/api\/messages$/, handle: async (store, _url, res) => json(res, 200, { deleted: await store.clear() }) },
  {
    method: 'GET',
    path: new RegExp(`^/api/messages/(${ID})$`),
    handle: async (store, _url, res, id) => {
      const m = await store.get(id);
      return m ? json(res, 200, m) : notFound(res, id);
    },
  },
  {
    method: 'GET',
    path: new RegExp(`^/api/messages/(${ID})/raw$`),
    handle: async (store, _url, res, id) => {
      const raw = await store.raw(id);
      if (!raw) return notFound(res, id);
      res.writeHead(200, {
        'content-type': 'message/rfc822',
        'content-length': raw.length,
        'content-disposition': `inline; filename="${id}.eml"`,
      });
      res.end(raw);
    },
  },
  { method: 'GET', path: /^\/$/, handle: async (store, _url, res) => page(res, 200, indexPage(store.list())) },
  {
    method: 'GET',
    path: new RegExp(`^/messages/(${ID})$`),
    handle: async (store, _url, res, id) => {
      const m = await store.get(id);
      return m ? page(res, 200, messagePage(m)) : notFound(res, id);
    },
  },
];

/** The request listener for `http.createServer`. */
export function createHttpHandler(store: MailStore): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://mailsink.local');
    const matching = routes.filter((r) => r.path.test(url.pathname));
    const route = matching.find((r) => r.method === req.method || (r.method === 'GET' && req.method === 'HEAD'));
    if (!route) {
      if (matching.length > 0) {
        res.setHeader('allow', matching.map((r) => r.method).join(', '));
        return json(res, 405, { error: { zh: '不支持该请求方法', en: `method ${req.method ?? ''} not allowed` } });
      }
      return json(res, 404, { error: { zh: '没有这个地址', en: `no such path: ${url.pathname}` } });
    }
    const id = route.path.exec(url.pathname)?.[1] ?? '';
    route.handle(store, url, res, id).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { zh: '邮件服务器内部错误', en: (err as Error).message } });
      else res.destroy(err as Error);
    });
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body, null, 2) + '\n', 'utf8');
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': data.length, 'cache-control': 'no-store' });
  res.end(data);
}

function notFound(res: ServerResponse, id: string): void {
  json(res, 404, { error: { zh: `没有编号为 ${id} 的邮件`, en: `no message with id ${id}` } });
}

function page(res: ServerResponse, status: number, html: string): void {
  const data = Buffer.from(html, 'utf8');
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': data.length, 'cache-control': 'no-store' });
  res.end(data);
}

const bi = (t: Bilingual): string => `${escapeHtml(t.zh)} <span lang="en">/ ${escapeHtml(t.en)}</span>`;

/** A page titled in both languages, or (for one message) by its subject alone. */
function layout(title: Bilingual | string, body: string): string {
  const plain = typeof title === 'string' ? title : `${title.zh} / ${title.en}`;
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(plain)}</title>
<style>
body { font-family: -apple-system, 'PingFang SC', 'Microsoft YaHei', sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } span[lang=en] { color: #666; } pre { white-space: pre-wrap; background: #fafafa; padding: 1rem; }
iframe { width: 100%; height: 32rem; border: 1px solid #ddd; }
</style></head>
<body><h1>${typeof title === 'string' ? escapeHtml(title) : bi(title)}</h1>
${body}
</body></html>
`;
}

function indexPage(messages: StoredMessageSummary[]): string {
  const head = [
    { zh: '收到时间（北京时间）', en: 'Received (Beijing time)' },
    { zh: '发件人', en: 'From' },
    { zh: '收件人', en: 'To' },
    { zh: '主题', en: 'Subject' },
    { zh: '投递次数', en: 'Deliveries' },
  ];
  const rows = messages.map(
    (m) =>
      `<tr><td>${escapeHtml(formatShanghaiMinute(m.receivedAt))}</td><td>${escapeHtml(m.from)}</td><td>${escapeHtml(m.to.join(', '))}</td>` +
      `<td><a href="/messages/${escapeHtml(m.id)}">${escapeHtml(m.subject || '（无主题 / no subject）')}</a></td><td>${m.deliveries}</td></tr>`,
  );
  const table = messages.length
    ? `<table><thead><tr>${head.map((h) => `<th>${bi(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`
    : `<p>${bi({ zh: '还没有收到邮件。', en: 'No messages yet.' })}</p>`;
  return layout(
    { zh: 'onex 开发邮件收件箱', en: 'onex development mail sink' },
    `<p>${bi({ zh: `共 ${messages.length} 封，最新的在前`, en: `${messages.length} message(s), newest first` })} · <a href="/api/messages">JSON</a></p>\n${table}`,
  );
}

function messagePage(m: StoredMessage): string {
  const facts: [Bilingual, string][] = [
    [{ zh: '发件人', en: 'From' }, m.from],
    [{ zh: '收件人', en: 'To' }, m.to.join(', ')],
    [{ zh: '抄送', en: 'Cc' }, m.cc.join(', ') || '—'],
    [{ zh: '日期（北京时间）', en: 'Date (Beijing time)' }, formatShanghaiMinute(m.date)],
    [{ zh: '收到时间（北京时间）', en: 'Received (Beijing time)' }, formatShanghaiMinute(m.receivedAt)],
    [{ zh: '投递次数', en: 'Deliveries' }, String(m.deliveries)],
    [{ zh: '邮件标识', en: 'Message-ID' }, m.messageId ?? '—'],
  ];
  const table = `<table>${facts.map(([k, v]) => `<tr><th>${bi(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
  const links = `<p><a href="/">${bi({ zh: '返回列表', en: 'Back to the list' })}</a> · <a href="/api/messages/${m.id}">JSON</a> · <a href="/api/messages/${m.id}/raw">${bi({ zh: '原始邮件', en: 'raw .eml' })}</a></p>`;
  const text = `<h2>${bi({ zh: '纯文本正文', en: 'Plain-text body' })}</h2><pre>${escapeHtml(m.text)}</pre>`;
  // The HTML body runs in a sandboxed frame with no scripts and no same-origin access.
  const html =
    m.html === null
      ? ''
      : `<h2>${bi({ zh: 'HTML 正文', en: 'HTML body' })}</h2><iframe sandbox="" srcdoc="${escapeHtml(m.html)}"></iframe>`;
  return layout(m.subject || '（无主题 / no subject）', `${links}\n${table}\n${text}\n${html}`);
}
