/**
 * Documents over HTTP: upload a file to a pilot's record, list a pilot's files, download one.
 * Every document belongs to one pilot, and is seen exactly by those who see that pilot: its
 * own college's people (lead, staff, leader) and the school-wide readers (Academic Affairs,
 * school leaders, supervisors); another college's lead gets 403. Uploads use multipart/form-data
 * (@fastify/multipart): the field `kind` first, then one `file`.
 */
import multipart from '@fastify/multipart';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { documentKinds, documentKindNames, documentNameSchema, restrictedDocumentKinds, type DocumentKind } from '../../domain/documents';
import { inputError } from '../../domain/errors';
import { idSchema } from '../../domain/pilot';
import { weeklyReportSchema } from '../../domain/weekly';
import { safeParseBilingual } from '../../domain/validation';
import { actorOf, isCollegeScoped, type User } from '../auth/users';
import { DocumentRefusal, type DocumentRecord, type DocumentStore } from '../documents/store';
import type { ApiDeps } from '../api-deps';
import { contentDisposition } from '../http-headers';
import { PilotService, ServiceError } from '../service';
import { submitWeeklyReport } from '../../workflows/messages';
import type { ActionHandlers } from './action-types';

const kindSchema = z.enum(documentKinds);

/** A document as the API shows it: the reference records carry, with what it is and who added it. */
const publicDocument = (d: DocumentRecord) => ({ ...d, kindName: documentKindNames[d.kind] });

/** The multipart parser for uploads (fastify-plugin: it applies to the whole API; JSON routes never read parts). */
export function registerMultipart(app: FastifyInstance, store: DocumentStore | undefined): void {
  void app.register(multipart, {
    limits: { fileSize: store?.maxBytes ?? 1, files: 1, fields: 2, fieldSize: 1024, parts: 3, headerPairs: 50 },
  });
}

const noStore = () =>
  new ServiceError(503, [
    inputError('(store)', '材料库未配置，暂不能上传或下载材料', 'the document store is not configured', 'document.unavailable'),
  ]);

/** The document actions of the table (client/actions.ts): upload, list, download. */
export function documentHandlers(deps: ApiDeps): ActionHandlers {
  const pilots = new PilotService(deps.client, deps.taskQueue);
  const store = deps.documents;

  /** The pilot, which must exist and be the user's to see (college-scoped roles: their own college). */
  async function pilotFor(user: User, pilotId: string) {
    const state = await pilots.pilotState(pilotId);
    if (isCollegeScoped(user) && state.pilot.college.id !== user.college) {
      throw new ServiceError(403, [
        inputError(
          '(college)',
          `无权访问：该文件属于其他学院（${state.pilot.college.name}）的试点`,
          `not allowed: the file belongs to another college's (${state.pilot.college.name}) pilot`,
          'auth.scope',
        ),
      ]);
    }
    return state;
  }

  return {
    uploadDocument: async ({ req, params }) => {
      if (!store) throw noStore();
      const user = req.user!;
      if (!req.isMultipart()) {
        refuse(415, '(body)', {
          zh: '上传文件须使用 multipart/form-data（先填 kind 字段，再附 file 文件）',
          en: 'upload with multipart/form-data (the field kind, then one file)',
        });
      }
      await pilotFor(user, params.id!);
      let kind: DocumentKind | undefined;
      let saved: DocumentRecord | undefined;
      try {
        for await (const part of req.parts()) {
          if (part.type === 'field') {
            if (part.fieldname !== 'kind' || kind !== undefined) refuse(400, part.fieldname, unknownField(part.fieldname));
            const k = kindSchema.safeParse(part.value);
            if (!k.success) refuse(400, 'kind', badKind);
            kind = k.data;
            continue;
          }
          if (part.fieldname !== 'file' || saved) {
            part.file.resume();
            refuse(400, part.fieldname, unknownField(part.fieldname));
          }
          if (!kind) {
            part.file.resume();
            refuse(400, 'kind', {
              zh: '请先填写 kind 字段（材料类别），再附文件',
              en: 'send the field kind (what the document is) before the file',
            });
          }
          const name = safeParseBilingual(documentNameSchema, part.filename, 'file');
          if (!name.ok) {
            part.file.resume();
            refuse(400, 'file', {
              zh: '文件名无效：不能为空，不能含路径或控制字符',
              en: 'invalid file name: blank, a path, or control characters',
            });
          }
          saved = await store.add(part.file, {
            name: name.value,
            pilotId: params.id!,
            kind,
            actor: actorOf(user),
            requestId: req.id,
            isTruncated: () => part.file.truncated,
          });
        }
      } catch (err) {
        if (err instanceof DocumentRefusal) refuse(err.status, 'file', { zh: err.zh, en: err.en });
        const code = (err as { code?: string }).code;
        if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
          refuse(413, 'file', { zh: '只能上传一个文件，且不能超过大小限制', en: 'one file per upload, within the size limit' });
        throw err;
      }
      if (!saved) refuse(400, 'file', { zh: '没有收到文件', en: 'no file was sent' });
      return publicDocument(saved);
    },

    listDocuments: async ({ req, params }) => {
      if (!store) throw noStore();
      await pilotFor(req.user!, params.id!);
      return { documents: store.list(params.id!).map(publicDocument), access: store.accessLog(params.id!) };
    },

    // Scope 'self': the document's pilot decides who may read it, checked once the document is found.
    downloadDocument: async ({ req, reply, params }) => {
      if (!store) throw noStore();
      const doc = idSchema.safeParse(params.documentId).success ? store.get(params.documentId!) : undefined;
      if (!doc) refuse(404, 'documentId', { zh: '没有这个文件', en: 'no such document' });
      const user = req.user!;
      await pilotFor(user, doc.pilotId);
      const content = await store.open(doc, actorOf(user), req.id, restrictedDocumentKinds.includes(doc.kind));
      if (!content) {
        req.log.error({ documentId: doc.id, sha256: doc.sha256 }, 'document content missing from the store');
        throw new ServiceError(503, [
          inputError(
            '(store)',
            '文件内容暂时无法读取，请稍后重试',
            'the file content cannot be read now; retry later',
            'document.unavailable',
          ),
        ]);
      }
      return reply
        .header('content-type', doc.type === 'text/plain' ? 'text/plain; charset=utf-8' : doc.type)
        .header('content-length', String(doc.size))
        .header('content-disposition', contentDisposition(doc.name))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, no-store')
        .send(content);
    },

    // Art. 5: the report's full text goes to the document store; the workflow keeps its reference and an excerpt.
    submitWeeklyReport: async ({ req, params, input, key }) => {
      const report = await withReportText(store, params.id!, input, req.user!, req.id);
      try {
        return await pilots.update(params.id!, submitWeeklyReport, weeklyReportSchema, report.body, key);
      } catch (err) {
        report.undo();
        throw err;
      }
    },
  };
}

/**
 * A record may only cite documents of its own pilot, exactly as the store holds them: every
 * `documents` list and weekly-report `text` in a body is checked against the store before
 * the workflow sees it (unknown id, another pilot's file, or a changed hash, name, size or
 * type → 400, nothing changed). Registered before the routes so it guards all of them.
 */
export function registerDocumentRefCheck(app: FastifyInstance, store: DocumentStore | undefined): void {
  app.addHook('preHandler', async (req) => {
    if (req.method !== 'POST' || typeof req.body !== 'object' || req.body === null) return;
    const refs = citedDocuments(req.body);
    if (refs.length === 0) return;
    const pilotId = (req.params as { id?: string } | undefined)?.id;
    for (const { path, ref } of refs) {
      const held = typeof ref.id === 'string' ? store?.get(ref.id) : undefined;
      const same =
        held !== undefined &&
        held.pilotId === pilotId &&
        held.sha256 === ref.sha256 &&
        held.name === ref.name &&
        held.size === ref.size &&
        held.type === ref.type;
      if (!same)
        refuse(400, path, {
          zh: held
            ? held.pilotId !== pilotId
              ? '引用的文件不属于本试点，请在本试点下上传'
              : '引用的文件与文件库中的记录不符（编号、哈希、名称、大小或类型被改动）'
            : '引用的文件不存在，请先上传',
          en: held
            ? held.pilotId !== pilotId
              ? "the cited file belongs to another pilot; upload it to this pilot's record"
              : "the cited file does not match the store's record (id, hash, name, size or type changed)"
            : 'the cited file does not exist; upload it first',
        });
    }
  });
}

type CitedRef = { id?: unknown; sha256?: unknown; name?: unknown; size?: unknown; type?: unknown };

/** Every document reference in a body: items of a `documents` array and a `text` object, at any depth. */
function citedDocuments(body: object, at = ''): { path: string; ref: CitedRef }[] {
  const out: { path: string; ref: CitedRef }[] = [];
  for (const [k, v] of Object.entries(body)) {
    const path = at ? `${at}.${k}` : k;
    if (k === 'documents' && Array.isArray(v))
      v.forEach((ref, i) => typeof ref === 'object' && ref !== null && out.push({ path: `${path}.${i}`, ref: ref as CitedRef }));
    else if (k === 'text' && typeof v === 'object' && v !== null && !Array.isArray(v)) out.push({ path, ref: v as CitedRef });
    else if (typeof v === 'object' && v !== null) out.push(...citedDocuments(v, path));
  }
  return out;
}

/**
 * Art. 5: a weekly report's full text is kept in the document store (the workflow keeps the
 * reference and an excerpt). The document's id comes from the pilot, week and text, so a
 * retried submission finds the same document. Returns the body to submit, and what to undo
 * when the workflow refuses the report.
 */
export async function withReportText(
  store: DocumentStore | undefined,
  pilotId: string,
  body: unknown,
  user: User,
  requestId: string,
): Promise<{ body: unknown; undo(): void }> {
  const none = { body, undo: () => undefined };
  if (!store) return none;
  const parsed = weeklyReportSchema.safeParse(body);
  if (!parsed.success || parsed.data.text) return none;
  const { periodId, content } = parsed.data;
  const id = `text-${createHash('sha256').update(`${pilotId}\n${periodId}\n${content}`).digest('hex').slice(0, 40)}`;
  const fresh = store.get(id) === undefined;
  const doc = await store.add(Readable.from([Buffer.from(content, 'utf8')]), {
    id,
    name: `工作周报 ${periodId}.txt`,
    pilotId,
    kind: 'weeklyReport',
    actor: actorOf(user),
    requestId,
  });
  const text = { id: doc.id, sha256: doc.sha256, name: doc.name, size: doc.size, type: doc.type };
  return { body: { ...(body as object), text }, undo: () => (fresh ? store.discard(id) : undefined) };
}

const badKind = {
  zh: `材料类别无效，可选：${documentKinds.map((k) => documentKindNames[k].zh).join('、')}`,
  en: `invalid kind; one of ${documentKinds.join(', ')}`,
};
const unknownField = (f: string) => ({ zh: `不接受的字段：${f}（只接受 kind 和 file）`, en: `unknown field ${f} (only kind and file)` });

function refuse(status: number, field: string, m: { zh: string; en: string }): never {
  throw new ServiceError(status, [inputError(field, m.zh, m.en, `document.${status}`)]);
}
