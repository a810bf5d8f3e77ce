/**
 * The document store end to end on the dev server (issue 12): a lead of college A uploads a
 * weekly report's document; Academic Affairs and a supervisor download it, a lead of college B
 * gets 403; the type is judged from the content; refusals keep nothing; the supervisor is a
 * read-only role; restricted downloads are logged.
 */
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api';

const suffix = Date.now().toString(36);
const [forestry, engineering] = [`forestry-${suffix}`, `engineering-${suffix}`];
const [pA, pB] = [`doc-a-${suffix}`, `doc-b-${suffix}`];
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi(
    inject('temporalAddress'),
    ['jwb:academicAffairs', `zhang:pilotLead:${forestry}`, `chen:pilotLead:${engineering}`, 'du:supervisor', 'vp:schoolLeader'],
    { documentMaxBytes: 64 * 1024 },
  );
  await api.startPilot(pA, forestry, 'zhang');
  await api.startPilot(pB, engineering, 'chen');
});
afterAll(async () => api?.close());

const pdf = Buffer.from('%PDF-1.4\n% 第 3 周工作周报\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type Doc = { id: string; sha256: string; name: string; size: number; type: string; kind: string; uploadedBy: { id: string } };
type ErrorBody = { error: { results: { field: string; message: { zh: string; en: string } }[] } };

function upload(user: string, pilot: string, parts: [string, string | { data: Buffer; name: string; type?: string }][]) {
  const form = new FormData();
  for (const [k, v] of parts) {
    if (typeof v === 'string') form.append(k, v);
    else form.append(k, new Blob([new Uint8Array(v.data)], { type: v.type ?? 'application/octet-stream' }), v.name);
  }
  return api.as(user, `/api/pilots/${pilot}/documents`, { method: 'POST', body: form });
}
const listOf = async (user: string, pilot = pA) =>
  (await (await api.as(user, `/api/pilots/${pilot}/documents`)).json()) as {
    documents: Doc[];
    access: { action: string; documentId: string; actor: { id: string } }[];
  };

describe('documents', () => {
  let weekly: Doc;

  it('a lead uploads a weekly report document under its Chinese name; its reference is id, hash, name, size and type', async () => {
    const res = await upload('zhang', pA, [
      ['kind', 'weeklyReport'],
      ['file', { data: pdf, name: '第3周工作周报（林业）.pdf' }],
    ]);
    expect(res.status).toBe(201);
    weekly = (await res.json()) as Doc;
    expect(weekly).toMatchObject({
      sha256: sha(pdf),
      name: '第3周工作周报（林业）.pdf',
      size: pdf.length,
      type: 'application/pdf',
      kind: 'weeklyReport',
      uploadedBy: { id: 'zhang' },
    });
  });

  it('Academic Affairs and a supervisor download it byte for byte; a lead of another college gets 403', async () => {
    for (const user of ['jwb', 'du', 'vp', 'zhang']) {
      const res = await api.as(user, `/api/documents/${weekly.id}`);
      expect(res.status, user).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('第3周工作周报（林业）.pdf')}`);
    }
    const other = await api.as('chen', `/api/documents/${weekly.id}`);
    expect(other.status).toBe(403);
    expect(((await other.json()) as ErrorBody).error.results[0]!.message.zh).toContain('其他学院');
    expect((await api.as('chen', `/api/pilots/${pA}/documents`)).status).toBe(403);
    expect(
      (
        await upload('chen', pA, [
          ['kind', 'other'],
          ['file', { data: pdf, name: 'x.pdf' }],
        ])
      ).status,
    ).toBe(403);
  });

  it('the same content twice is stored once and listed as two documents; images and spreadsheets are accepted by content', async () => {
    const again = (await (
      await upload('zhang', pA, [
        ['kind', 'other'],
        ['file', { data: pdf, name: '副本.pdf' }],
      ])
    ).json()) as Doc;
    expect(again.sha256).toBe(weekly.sha256);
    expect(again.id).not.toBe(weekly.id);
    const scan = await upload('zhang', pA, [
      ['kind', 'rectificationEvidence'],
      ['file', { data: png, name: '整改照片.jpg' }],
    ]);
    expect(scan.status).toBe(201);
    expect(((await scan.json()) as Doc).type).toBe('image/png'); // the content, not the name
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('预算').addRow(['师资培训', 1200.5]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const plan = await upload('jwb', pA, [
      ['kind', 'budgetPlan'],
      ['file', { data: xlsx, name: '预算方案.xlsx' }],
    ]);
    expect(plan.status).toBe(201);
    expect(((await plan.json()) as Doc).type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const text = await upload('zhang', pA, [
      ['kind', 'weeklyReport'],
      ['file', { data: Buffer.from('本周完成课程标准修订。\n'), name: '周报.txt' }],
    ]);
    expect(((await text.json()) as Doc).type).toBe('text/plain');
  });

  it('refusals are bilingual, name the field, and keep nothing', async () => {
    const before = (await listOf('jwb')).documents.length;
    const cases: [string, Promise<Response>, number, string][] = [
      [
        'an executable named .pdf',
        upload('zhang', pA, [
          ['kind', 'other'],
          ['file', { data: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]), name: '周报.pdf' }],
        ]),
        415,
        'file',
      ],
      [
        'binary junk',
        upload('zhang', pA, [
          ['kind', 'other'],
          ['file', { data: Buffer.from([0, 1, 2, 3, 255, 254, 0, 9]), name: 'a.docx' }],
        ]),
        415,
        'file',
      ],
      [
        'too large',
        upload('zhang', pA, [
          ['kind', 'other'],
          ['file', { data: Buffer.concat([pdf, Buffer.alloc(70 * 1024, 32)]), name: 'big.pdf' }],
        ]),
        413,
        'file',
      ],
      [
        'an empty file',
        upload('zhang', pA, [
          ['kind', 'other'],
          ['file', { data: Buffer.alloc(0), name: 'empty.pdf' }],
        ]),
        400,
        'file',
      ],
      [
        'an unknown kind',
        upload('zhang', pA, [
          ['kind', 'novel'],
          ['file', { data: pdf, name: 'a.pdf' }],
        ]),
        400,
        'kind',
      ],
      [
        'an unknown field',
        upload('zhang', pA, [
          ['kind', 'other'],
          ['note', 'x'],
          ['file', { data: pdf, name: 'a.pdf' }],
        ]),
        400,
        'note',
      ],
      [
        'the file before its kind',
        upload('zhang', pA, [
          ['file', { data: pdf, name: 'a.pdf' }],
          ['kind', 'other'],
        ]),
        400,
        'kind',
      ],
      ['no file', upload('zhang', pA, [['kind', 'other']]), 400, 'file'],
      [
        'JSON instead of a file',
        api.as('zhang', `/api/pilots/${pA}/documents`, { method: 'POST', json: { kind: 'other', file: 'JVBERi0=' } }),
        415,
        '(body)',
      ],
      [
        'a supervisor uploading',
        upload('du', pA, [
          ['kind', 'other'],
          ['file', { data: pdf, name: 'a.pdf' }],
        ]),
        403,
        '(role)',
      ],
    ];
    for (const [what, res, status, field] of cases) {
      const r = await res;
      expect(r.status, what).toBe(status);
      const e = ((await r.json()) as ErrorBody).error.results[0]!;
      expect(e.field, what).toBe(field);
      expect(e.message.zh, what).toMatch(/[\u4e00-\u9fff]/);
      expect(e.message.en, what).toMatch(/[a-z]/);
    }
    expect((await listOf('jwb')).documents.length).toBe(before);
    expect((await api.as('jwb', '/api/documents/doc-missing')).status).toBe(404);
    expect((await api.as('jwb', `/api/pilots/no-such-${suffix}/documents`)).status).toBe(404);
  });

  it('uploads and downloads of restricted files are recorded with who did it; ordinary downloads are not', async () => {
    const evidence = (await (
      await upload('jwb', pA, [
        ['kind', 'violationEvidence'],
        ['file', { data: png, name: '违规证据.png' }],
      ])
    ).json()) as Doc;
    expect((await api.as('du', `/api/documents/${evidence.id}`)).status).toBe(200);
    const { access } = await listOf('jwb');
    expect(access.filter((a) => a.documentId === evidence.id).map((a) => [a.action, a.actor.id])).toEqual([
      ['upload', 'jwb'],
      ['download', 'du'],
    ]);
    expect(access.filter((a) => a.documentId === weekly.id).map((a) => a.action)).toEqual(['upload']);
  });

  it('a supervisor reads everything and can act on nothing', async () => {
    expect((await api.as('du', `/api/pilots/${pB}`)).status).toBe(200);
    expect((await api.as('du', '/api/pilots')).status).toBe(200);
    const before = (await (await api.as('jwb', `/api/pilots/${pA}`)).json()) as { auditLog?: unknown[] };
    const report = await api.as('du', `/api/pilots/${pA}/weekly-reports`, {
      method: 'POST',
      json: { periodId: 'x', content: '督导不能提交', actor: { id: 'du', role: 'supervisor' } },
    });
    expect(report.status).toBe(403);
    expect(((await report.json()) as ErrorBody).error.results[0]!.message.zh).toContain('只读');
    const after = (await (await api.as('jwb', `/api/pilots/${pA}`)).json()) as { auditLog?: unknown[] };
    expect(after).toEqual(before);
  });
});

describe('documents on records', () => {
  type Ref = { id: string; sha256: string; name: string; size: number; type: string };
  const refOf = (d: Doc): Ref => ({ id: d.id, sha256: d.sha256, name: d.name, size: d.size, type: d.type });
  type Period = { id: string; outcome: string; excerpt?: string; text?: Ref; documents?: Ref[] };
  type State = { periods: Period[]; audit: { action: string; actor?: { id: string }; documents?: Ref[] }[] };
  const stateOf = async (id: string) => (await (await api.as('jwb', `/api/pilots/${id}`)).json()) as State;

  it('a weekly report keeps its full text in the store and its attachments by reference; the state keeps an excerpt', async () => {
    const attached = (await (
      await upload('zhang', pA, [
        ['kind', 'weeklyReport'],
        ['file', { data: pdf, name: '本周课表.pdf' }],
      ])
    ).json()) as Doc;
    const week = (await stateOf(pA)).periods.find((p) => p.outcome === 'pending')!.id;
    const content = `本周完成${'林业有害生物防治课程标准修订，'.repeat(30)}下周开展培训。`;
    const res = await api.as('zhang', `/api/pilots/${pA}/weekly-reports`, {
      method: 'POST',
      json: { periodId: week, content, documents: [refOf(attached)], actor: { id: 'zhang', role: 'pilotLead' } },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const s = await stateOf(pA);
    const period = s.periods.find((p) => p.id === week)!;
    expect(period.excerpt!.length).toBe(200);
    expect(period.documents).toEqual([refOf(attached)]);
    expect(period.text).toMatchObject({ type: 'text/plain', name: `工作周报 ${week}.txt` });
    // The supervisor reads the whole text, not the excerpt.
    const full = await api.as('du', `/api/documents/${period.text!.id}`);
    expect(full.status).toBe(200);
    expect(await full.text()).toBe(content);
    expect((await api.as('chen', `/api/documents/${period.text!.id}`)).status).toBe(403);
    const entry = s.audit.findLast((a) => a.action === 'weeklyReport.submit')!;
    expect(entry.actor!.id).toBe('zhang');
    expect(entry.documents!.map((d) => d.id)).toEqual([period.text!.id, attached.id]);
  });

  it("a record cannot cite another pilot's file, an unknown file or a changed reference (400, nothing changed)", async () => {
    const bDoc = (await (
      await upload('chen', pB, [
        ['kind', 'other'],
        ['file', { data: pdf, name: 'b.pdf' }],
      ])
    ).json()) as Doc;
    const aDoc = (await (
      await upload('zhang', pA, [
        ['kind', 'other'],
        ['file', { data: png, name: 'a.png' }],
      ])
    ).json()) as Doc;
    const before = await stateOf(pA);
    const week = before.periods.find((p) => p.outcome === 'pending')!.id;
    const cases: [string, Ref, string][] = [
      ["another pilot's file", refOf(bDoc), '不属于本试点'],
      ['an unknown file', { ...refOf(aDoc), id: 'doc-unknown' }, '不存在'],
      ['a changed hash', { ...refOf(aDoc), sha256: sha(pdf) }, '不符'],
      ['a changed name', { ...refOf(aDoc), name: '改名.png' }, '不符'],
    ];
    for (const [what, ref, zh] of cases) {
      const res = await api.as('zhang', `/api/pilots/${pA}/weekly-reports`, {
        method: 'POST',
        json: { periodId: week, content: '本周工作。', documents: [ref], actor: { id: 'zhang', role: 'pilotLead' } },
      });
      expect(res.status, what).toBe(400);
      const e = ((await res.json()) as ErrorBody).error.results[0]!;
      expect(e.field, what).toBe('documents.0');
      expect(e.message.zh, what).toContain(zh);
    }
    expect(await stateOf(pA)).toEqual(before);
  });
});
