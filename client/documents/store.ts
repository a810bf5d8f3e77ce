/**
 * The document store (附件库). Bytes are content-addressed: a file is kept once under its
 * SHA-256, whoever uploads it and however often. What a file *is* to the programme (its name
 * as given, its type, the pilot and record kind it belongs to, who uploaded it) is a document
 * record in a small SQLite index beside the bytes, with every upload and every download of a
 * restricted file written to an access log (the audit trail reads it).
 *
 * {@link BlobStore} is the seam for other back ends: the local disk by default
 * (ONEX_DOCUMENT_DIR); an S3-compatible store implements the same three calls.
 */
import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { fileTypeFromFile } from 'file-type';
import type { Actor } from '../../domain/actor';
import { documentTypes, type DocumentKind, type DocumentRef, type DocumentType } from '../../domain/documents';

/** Where the bytes live. Keys are SHA-256 hex digests of the content. */
export interface BlobStore {
  /** Keeps the file at `path` (already hashed) under `sha256`; a key already present is left as it is. */
  put(path: string, sha256: string): Promise<void>;
  /** The content, or undefined when the store has no such key. */
  get(sha256: string): Promise<Readable | undefined>;
  has(sha256: string): Promise<boolean>;
}

/** Blobs as files under `root/ab/abcdef…` (two-character fan-out), written by rename so a reader never sees half a file. */
export class LocalDiskBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  private pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new RangeError(`not a SHA-256 key: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(path: string, sha256: string): Promise<void> {
    const target = this.pathOf(sha256);
    if (await this.has(sha256)) return;
    await mkdir(dirname(target), { recursive: true });
    await rename(path, target);
  }

  async get(sha256: string): Promise<Readable | undefined> {
    return (await this.has(sha256)) ? createReadStream(this.pathOf(sha256)) : undefined;
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.pathOf(sha256)).then(
      (s) => s.isFile(),
      () => false,
    );
  }
}

/** A document as the index keeps it. */
export interface DocumentRecord extends DocumentRef {
  pilotId: string;
  kind: DocumentKind;
  uploadedBy: Actor;
  uploadedAt: string;
}

export interface DocumentAccess {
  at: string;
  documentId: string;
  pilotId: string;
  name: string;
  kind: DocumentKind;
  action: 'upload' | 'download';
  actor: Actor;
  requestId: string;
}

/** Why an upload was refused, for a bilingual answer. */
export class DocumentRefusal extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

export interface DocumentStoreOptions {
  /** The directory holding the index and, with the default blob store, the files. */
  dir: string;
  /** The largest file accepted, in bytes. */
  maxBytes: number;
  blobs?: BlobStore;
}

export class DocumentStore {
  readonly maxBytes: number;
  private readonly db: Database.Database;
  private readonly blobs: BlobStore;
  private readonly incoming: string;

  constructor(opts: DocumentStoreOptions) {
    this.maxBytes = opts.maxBytes;
    this.blobs = opts.blobs ?? new LocalDiskBlobStore(join(opts.dir, 'blobs'));
    this.incoming = join(opts.dir, 'incoming');
    this.db = openIndex(join(opts.dir, 'documents.sqlite'));
  }

  /**
   * Streams an upload to disk while hashing it, refuses it when too large or of a type not
   * accepted (decided from the content), and records it for its pilot. Nothing is kept of a
   * refused upload.
   */
  async add(
    source: Readable,
    meta: {
      name: string;
      pilotId: string;
      kind: DocumentKind;
      actor: Actor;
      requestId: string;
      isTruncated?: () => boolean;
      /** A caller-chosen id (e.g. derived from the content, so that a retry finds the same document). */
      id?: string;
    },
  ): Promise<DocumentRecord> {
    await mkdir(this.incoming, { recursive: true });
    const tmp = join(this.incoming, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const max = this.maxBytes;
    try {
      await pipeline(
        source,
        new Transform({
          transform(chunk: Buffer, _enc, done) {
            size += chunk.length;
            if (size > max) return done(new DocumentRefusal(413, tooLarge(max).zh, tooLarge(max).en));
            hash.update(chunk);
            done(null, chunk);
          },
        }),
        createWriteStream(tmp),
      );
      if (meta.isTruncated?.()) throw new DocumentRefusal(413, tooLarge(max).zh, tooLarge(max).en);
      if (size === 0) throw new DocumentRefusal(400, '文件为空', 'the file is empty');
      const type = await detectType(tmp);
      if (!type) {
        throw new DocumentRefusal(
          415,
          `不支持的文件类型（按文件内容判断，不看扩展名）；可上传：${Object.values(documentTypes)
            .map((t) => t.zh)
            .join('、')}`,
          `unsupported file type (judged from the content, not the name); accepted: ${Object.values(documentTypes)
            .map((t) => t.en)
            .join(', ')}`,
        );
      }
      const sha256 = hash.digest('hex');
      await this.blobs.put(tmp, sha256);
      const record: DocumentRecord = {
        id: meta.id ?? `doc-${randomUUID()}`,
        sha256,
        name: meta.name,
        size,
        type,
        pilotId: meta.pilotId,
        kind: meta.kind,
        uploadedBy: meta.actor,
        uploadedAt: new Date().toISOString(),
      };
      const existing = meta.id ? this.get(meta.id) : undefined;
      if (existing) return existing;
      this.db.transaction(() => {
        this.db
          .prepare(
            'INSERT INTO documents (id, sha256, name, size, type, pilot_id, kind, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(record.id, sha256, record.name, size, type, record.pilotId, record.kind, JSON.stringify(meta.actor), record.uploadedAt);
        this.logAccess(record, 'upload', meta.actor, meta.requestId, record.uploadedAt);
      })();
      return record;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Forgets a document record that nothing refers to (its upload was part of a refused request); the bytes stay (they may be shared). */
  discard(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM documents WHERE id = ?').run(id);
      this.db.prepare('DELETE FROM document_access WHERE document_id = ?').run(id);
    })();
  }

  get(id: string): DocumentRecord | undefined {
    const row = this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** A pilot's documents, newest first. */
  list(pilotId: string): DocumentRecord[] {
    return (this.db.prepare('SELECT * FROM documents WHERE pilot_id = ? ORDER BY uploaded_at DESC, id').all(pilotId) as Row[]).map(fromRow);
  }

  /** The bytes of a document, logging the download when its kind is restricted. */
  async open(record: DocumentRecord, actor: Actor, requestId: string, restricted: boolean): Promise<Readable | undefined> {
    const content = await this.blobs.get(record.sha256);
    if (content && restricted) this.logAccess(record, 'download', actor, requestId, new Date().toISOString());
    return content;
  }

  /** Uploads and restricted downloads of a pilot's documents, oldest first. */
  accessLog(pilotId: string): DocumentAccess[] {
    return (
      this.db.prepare('SELECT * FROM document_access WHERE pilot_id = ? ORDER BY seq').all(pilotId) as {
        at: string;
        document_id: string;
        pilot_id: string;
        name: string;
        kind: DocumentKind;
        action: 'upload' | 'download';
        actor: string;
        request_id: string;
      }[]
    ).map((r) => ({
      at: r.at,
      documentId: r.document_id,
      pilotId: r.pilot_id,
      name: r.name,
      kind: r.kind,
      action: r.action,
      actor: JSON.parse(r.actor) as Actor,
      requestId: r.request_id,
    }));
  }

  close(): void {
    this.db.close();
  }

  private logAccess(record: DocumentRecord, action: 'upload' | 'download', actor: Actor, requestId: string, at: string): void {
    this.db
      .prepare(
        'INSERT INTO document_access (at, document_id, pilot_id, name, kind, action, actor, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(at, record.id, record.pilotId, record.name, record.kind, action, JSON.stringify(actor), requestId);
  }
}

type Row = {
  id: string;
  sha256: string;
  name: string;
  size: number;
  type: DocumentType;
  pilot_id: string;
  kind: DocumentKind;
  uploaded_by: string;
  uploaded_at: string;
};

const fromRow = (r: Row): DocumentRecord => ({
  id: r.id,
  sha256: r.sha256,
  name: r.name,
  size: r.size,
  type: r.type,
  pilotId: r.pilot_id,
  kind: r.kind,
  uploadedBy: JSON.parse(r.uploaded_by) as Actor,
  uploadedAt: r.uploaded_at,
});

function openIndex(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS documents (id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL, type TEXT NOT NULL,
      pilot_id TEXT NOT NULL, kind TEXT NOT NULL, uploaded_by TEXT NOT NULL, uploaded_at TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS documents_pilot ON documents(pilot_id, uploaded_at);
    CREATE TABLE IF NOT EXISTS document_access (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, document_id TEXT NOT NULL, pilot_id TEXT NOT NULL,
      name TEXT NOT NULL, kind TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, request_id TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS document_access_pilot ON document_access(pilot_id, seq);
  `);
  return db;
}

const tooLarge = (max: number) => ({
  zh: `文件过大：单个文件不能超过 ${formatSize(max)}`,
  en: `file too large: at most ${formatSize(max)} per file`,
});

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/**
 * The type of a file from its content: magic bytes (file-type) for binary formats, an OFD
 * package by its root `OFD.xml`, and text only when the whole file is valid UTF-8 without
 * control characters other than tab and line breaks. Undefined when none of the accepted types.
 */
export async function detectType(path: string): Promise<DocumentType | undefined> {
  const found = await fileTypeFromFile(path);
  if (found) {
    if (found.mime === 'application/zip' || found.mime === 'application/x-ofd') return (await isOfd(path)) ? 'application/ofd' : undefined;
    return found.mime in documentTypes ? (found.mime as DocumentType) : undefined;
  }
  return (await isPlainText(path)) ? 'text/plain' : undefined;
}

async function isOfd(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await fh.read(head, 0, 64, 0);
    if (bytesRead < 30 || head.readUInt32LE(0) !== 0x04034b50) return false;
    const nameLength = head.readUInt16LE(26);
    return head.subarray(30, 30 + nameLength).toString('latin1') === 'OFD.xml';
  } finally {
    await fh.close();
  }
}

async function isPlainText(path: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(decoder.decode(chunk, { stream: true }))) return false;
    }
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}
