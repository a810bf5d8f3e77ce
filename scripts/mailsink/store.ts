/**
 * The mail sink's on-disk store: every message as `<id>.eml` (the raw bytes as received)
 * plus `<id>.json` (its summary), in one folder. Deliveries are deduplicated by Message-ID:
 * a second delivery of the same Message-ID bumps `deliveries` on the stored message instead
 * of storing a copy, so tests can assert "exactly once" and still see that a retry happened.
 *
 * The folder is the truth: opening a store reads it back (an `.eml` whose summary is missing
 * or unreadable is re-indexed from its headers). Writes go through a temporary file and a
 * rename, one at a time.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { storedSummarySchema as summarySchema, type StoredMessage, type StoredMessageSummary } from '../../client/mail-sink-reader';

export type { StoredMessage, StoredMessageSummary } from '../../client/mail-sink-reader';

export interface Envelope {
  mailFrom: string | null;
  rcptTo: string[];
}

export interface MessageFilter {
  /** An envelope recipient (case-insensitive). */
  to?: string;
  /** A Message-ID, with or without angle brackets. */
  messageId?: string;
}

export interface DeliveryResult {
  summary: StoredMessageSummary;
  duplicate: boolean;
}

/** Ids look like `20260224-090000123-ab12`: sortable by arrival, safe as file names. */
export const ID_PATTERN = /^\d{8}-\d{9}-[0-9a-f]{4}$/;

function bracketed(messageId: string): string {
  const t = messageId.trim();
  return t.startsWith('<') ? t : `<${t}>`;
}

function addressList(h: AddressObject | AddressObject[] | undefined): string[] {
  const out: string[] = [];
  const walk = (list: { address?: string; group?: { address?: string }[] }[]): void => {
    for (const a of list) {
      if (a.address) out.push(a.address);
      if (a.group) walk(a.group);
    }
  };
  for (const obj of h === undefined ? [] : Array.isArray(h) ? h : [h]) walk(obj.value);
  return out;
}

function headerText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  if (Array.isArray(v)) return v.map(headerText).join(', ');
  if (typeof v === 'object' && v !== null) {
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('value' in v && typeof v.value === 'string') {
      const params = 'params' in v && typeof v.params === 'object' && v.params !== null ? Object.entries(v.params) : [];
      return [v.value, ...params.map(([k, p]) => `${k}=${String(p)}`)].join('; ');
    }
  }
  return JSON.stringify(v);
}

function dateOrNull(d: Date | undefined): string | null {
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : null;
}

export class MailStore {
  private readonly byId = new Map<string, StoredMessageSummary>();
  private readonly byMessageId = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private lastMs = 0;

  private constructor(readonly dir: string) {}

  /** Opens (creating if needed) the folder and reads back every stored message. */
  static async open(dir: string, warn: (message: string) => void = console.warn): Promise<MailStore> {
    await mkdir(dir, { recursive: true });
    const store = new MailStore(dir);
    const names = await readdir(dir);
    for (const name of names.filter((n) => n.endsWith('.tmp'))) await rm(join(dir, name), { force: true });
    for (const name of names.filter((n) => n.endsWith('.eml')).sort()) {
      const id = name.slice(0, -4);
      if (!ID_PATTERN.test(id)) continue;
      try {
        store.index(await store.readSummary(id));
      } catch (err) {
        warn(`[mailsink] ${name}: ${(err as Error).message}`);
      }
    }
    return store;
  }

  get size(): number {
    return this.byId.size;
  }

  /** Stores one SMTP delivery, or counts it against the stored message with the same Message-ID. */
  async deliver(raw: Buffer, envelope: Envelope): Promise<DeliveryResult> {
    const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
    return this.serial(async () => {
      const now = Date.now();
      const existingId = parsed.messageId ? this.byMessageId.get(bracketed(parsed.messageId)) : undefined;
      const existing = existingId === undefined ? undefined : this.byId.get(existingId);
      if (existing) {
        const to = [...existing.to];
        for (const r of envelope.rcptTo) if (!to.some((t) => t.toLowerCase() === r.toLowerCase())) to.push(r);
        const updated = { ...existing, to, deliveries: existing.deliveries + 1, lastReceivedAt: new Date(now).toISOString() };
        await this.writeAtomic(`${existing.id}.json`, JSON.stringify(updated, null, 2));
        this.index(updated);
        return { summary: updated, duplicate: true };
      }
      const ms = Math.max(now, this.lastMs + 1);
      this.lastMs = ms;
      const summary = this.summarise(this.newId(ms), parsed, raw.length, envelope, new Date(ms).toISOString());
      await this.writeAtomic(`${summary.id}.eml`, raw);
      await this.writeAtomic(`${summary.id}.json`, JSON.stringify(summary, null, 2));
      this.index(summary);
      return { summary, duplicate: false };
    });
  }

  /** Newest first. */
  list(filter: MessageFilter = {}): StoredMessageSummary[] {
    const to = filter.to?.trim().toLowerCase();
    const messageId = filter.messageId ? bracketed(filter.messageId) : undefined;
    return [...this.byId.values()]
      .filter((m) => (to ? m.to.some((t) => t.toLowerCase() === to) : true))
      .filter((m) => (messageId ? m.messageId === messageId : true))
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  summary(id: string): StoredMessageSummary | undefined {
    return this.byId.get(id);
  }

  async raw(id: string): Promise<Buffer | undefined> {
    if (!this.byId.has(id)) return undefined;
    return readFile(join(this.dir, `${id}.eml`));
  }

  /** The stored message with its parsed text, HTML and headers. */
  async get(id: string): Promise<StoredMessage | undefined> {
    const summary = this.byId.get(id);
    const raw = await this.raw(id);
    if (!summary || !raw) return undefined;
    const parsed = await simpleParser(raw, { skipImageLinks: true });
    const headers: Record<string, string> = {};
    for (const [key, value] of parsed.headers) headers[key] = headerText(value);
    return { ...summary, text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : null, headers };
  }

  /** Deletes every stored message; returns how many there were. */
  async clear(): Promise<number> {
    return this.serial(async () => {
      const ids = [...this.byId.keys()];
      for (const id of ids) {
        await rm(join(this.dir, `${id}.json`), { force: true });
        await rm(join(this.dir, `${id}.eml`), { force: true });
      }
      this.byId.clear();
      this.byMessageId.clear();
      return ids.length;
    });
  }

  /** Resolves once every write queued so far has finished. */
  async idle(): Promise<void> {
    await this.serial(async () => undefined);
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private newId(ms: number): string {
    const stamp = new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').replace('.', '').replace('Z', '');
    return `${stamp}-${randomBytes(2).toString('hex')}`;
  }

  private summarise(id: string, parsed: ParsedMail, size: number, envelope: Envelope, receivedAt: string): StoredMessageSummary {
    return {
      id,
      messageId: parsed.messageId ? bracketed(parsed.messageId) : null,
      from: parsed.from?.text ?? envelope.mailFrom ?? '',
      envelopeFrom: envelope.mailFrom,
      to: envelope.rcptTo,
      cc: addressList(parsed.cc),
      subject: parsed.subject ?? '',
      date: dateOrNull(parsed.date),
      receivedAt,
      lastReceivedAt: receivedAt,
      size,
      deliveries: 1,
    };
  }

  private index(m: StoredMessageSummary): void {
    this.lastMs = Math.max(this.lastMs, this.idTime(m.id));
    this.byId.set(m.id, m);
    if (m.messageId) this.byMessageId.set(m.messageId, m.id);
  }

  /** The summary file, or (when it is missing or unreadable) a summary re-built from the .eml. */
  private async readSummary(id: string): Promise<StoredMessageSummary> {
    try {
      const parsed = summarySchema.parse(JSON.parse(await readFile(join(this.dir, `${id}.json`), 'utf8')));
      if (parsed.id === id) return parsed;
    } catch {
      /* re-index below */
    }
    const raw = await readFile(join(this.dir, `${id}.eml`));
    const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
    // The envelope is lost with the summary: the To and Cc headers stand in for the recipients.
    const envelope = { mailFrom: null, rcptTo: [...addressList(parsed.to), ...addressList(parsed.cc)] };
    const summary = this.summarise(id, parsed, raw.length, envelope, new Date(this.idTime(id)).toISOString());
    await this.writeAtomic(`${id}.json`, JSON.stringify(summary, null, 2));
    return summary;
  }

  private idTime(id: string): number {
    const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(\d{3})/.exec(id);
    return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7])) : 0;
  }

  private async writeAtomic(name: string, data: string | Buffer): Promise<void> {
    const tmp = join(this.dir, `${name}.${randomBytes(4).toString('hex')}.tmp`);
    await writeFile(tmp, data);
    await rename(tmp, join(this.dir, name));
  }
}
