/**
 * The mail sink and the e-mail activity over real SMTP on 127.0.0.1 (no mocks): nodemailer
 * and the activity talk to the sink exactly as the worker does in the dev stack.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, render } from '../../activities/index';
import { startMailSink, type MailSink, type StoredMessage, type StoredMessageSummary } from '../../scripts/mail-sink';
import { sampleMissed, sampleReminder } from '../helpers/notifications';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'onex-mail-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function getJson<T>(sink: MailSink, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sink.httpUrl}${path}`);
  return { status: res.status, body: (await res.json()) as T };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** The mail the sink tests deliver more than once (same Message-ID every time). */
const FIRST_MAIL = { from: 'sender@onex.local', to: 'a@college.edu.cn', subject: 'first', text: 'one', messageId: '<first@test.onex>' };

describe('mail sink', () => {
  let dir: string;
  let sink: MailSink;
  let first: StoredMessageSummary;
  let second: StoredMessageSummary;

  beforeAll(async () => {
    dir = await tempDir();
    sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir });
  });
  afterAll(async () => {
    await sink.close();
  });

  it('reports the ports it really bound on loopback', () => {
    expect(sink.smtpUrl).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    expect(sink.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(portOf(sink.smtpUrl)).toBeGreaterThan(0);
    expect(portOf(sink.httpUrl)).toBeGreaterThan(0);
  });

  it('stores two distinct mails once each and counts the repeated delivery', async () => {
    const transport = nodemailer.createTransport(sink.smtpUrl);
    await transport.sendMail(FIRST_MAIL);
    await transport.sendMail({
      from: '"教务部" <jwb@college.edu.cn>',
      to: { name: '张伟', address: 'b@college.edu.cn' },
      cc: 'C@college.edu.cn',
      subject: '【1+X试点周报提醒】中文主题 / Chinese subject',
      text: '第五条：请按时报送工作周报。\nArt. 5: please file the weekly report.',
      messageId: '<second@test.onex>',
      date: new Date('2026-02-23T09:00:00.000Z'),
    });
    const retry = await transport.sendMail(FIRST_MAIL);
    expect(retry.response).toMatch(/^250 .*\(delivery 2\)$/);

    const list = await sink.list();
    expect(list.map((m) => [m.messageId, m.deliveries])).toEqual([
      ['<second@test.onex>', 1],
      ['<first@test.onex>', 2],
    ]);
    [second, first] = list as [StoredMessageSummary, StoredMessageSummary];
    expect(second.to).toEqual(['b@college.edu.cn', 'C@college.edu.cn']);
    expect(second.cc).toEqual(['C@college.edu.cn']);
    expect(second.from).toBe('"教务部" <jwb@college.edu.cn>');
    expect(second.envelopeFrom).toBe('jwb@college.edu.cn');
    expect(second.date).toBe('2026-02-23T09:00:00.000Z');
    expect(second.lastReceivedAt).toBe(second.receivedAt);
    expect(first.lastReceivedAt > first.receivedAt).toBe(true);
    expect((await readdir(dir)).sort()).toEqual([`${first.id}.eml`, `${first.id}.json`, `${second.id}.eml`, `${second.id}.json`].sort());
  });

  it('serves the list over HTTP, newest first, filtered by recipient or Message-ID', async () => {
    const all = await getJson<StoredMessageSummary[]>(sink, '/api/messages');
    expect(all.status).toBe(200);
    expect(all.body.map((m) => m.id)).toEqual([second.id, first.id]);
    expect((await getJson<StoredMessageSummary[]>(sink, '/api/messages?to=a@college.edu.cn')).body.map((m) => m.id)).toEqual([first.id]);
    expect((await getJson<StoredMessageSummary[]>(sink, '/api/messages?to=c%40COLLEGE.edu.cn')).body.map((m) => m.id)).toEqual([second.id]);
    expect((await getJson<StoredMessageSummary[]>(sink, '/api/messages?to=nobody@college.edu.cn')).body).toEqual([]);
    expect((await getJson<StoredMessageSummary[]>(sink, '/api/messages?messageId=second@test.onex')).body.map((m) => m.id)).toEqual([
      second.id,
    ]);
    expect(
      (await getJson<StoredMessageSummary[]>(sink, `/api/messages?messageId=${encodeURIComponent('<first@test.onex>')}`)).body.map(
        (m) => m.id,
      ),
    ).toEqual([first.id]);
  });

  it('serves one message parsed (Chinese intact), raw, and refuses unknown ids', async () => {
    const one = await getJson<StoredMessage>(sink, `/api/messages/${second.id}`);
    expect(one.status).toBe(200);
    expect(one.body.subject).toBe('【1+X试点周报提醒】中文主题 / Chinese subject');
    // mailparser ends a text body with a newline.
    expect(one.body.text).toBe('第五条：请按时报送工作周报。\nArt. 5: please file the weekly report.\n');
    expect(one.body.html).toBeNull();
    expect(one.body.headers['message-id']).toBe('<second@test.onex>');
    expect(one.body.headers['to']).toBe('"张伟" <b@college.edu.cn>');
    expect(await sink.get(second.id)).toEqual(one.body);

    const raw = await fetch(`${sink.httpUrl}/api/messages/${second.id}/raw`);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(await raw.text()).toContain('Message-ID: <second@test.onex>\r\n');

    const missing = await getJson<{ error: { zh: string; en: string } }>(sink, '/api/messages/20260101-000000000-abcd');
    expect(missing).toEqual({
      status: 404,
      body: { error: { zh: '没有编号为 20260101-000000000-abcd 的邮件', en: 'no message with id 20260101-000000000-abcd' } },
    });
    expect((await fetch(`${sink.httpUrl}/api/messages/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect(await getJson(sink, '/healthz')).toEqual({ status: 200, body: { status: 'ok', messages: 2 } });
  });

  it('lists the messages on an HTML page with Chinese and English headings', async () => {
    const res = await fetch(`${sink.httpUrl}/`);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await res.text();
    expect(page).toContain('<h1>onex 开发邮件收件箱 <span lang="en">/ onex development mail sink</span></h1>');
    expect(page).toContain('<th>主题 <span lang="en">/ Subject</span></th>');
    expect(page).toContain(`<a href="/messages/${second.id}">【1+X试点周报提醒】中文主题 / Chinese subject</a>`);
    expect(page.indexOf(second.id)).toBeLessThan(page.indexOf(first.id));
    const detail = await (await fetch(`${sink.httpUrl}/messages/${second.id}`)).text();
    expect(detail).toContain('<pre>第五条：请按时报送工作周报。\nArt. 5: please file the weekly report.\n</pre>');
  });

  it('reads its folder back after a restart and keeps deduplicating', async () => {
    await sink.close();
    sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir });
    expect(await sink.list()).toEqual([second, first]);
    await nodemailer.createTransport(sink.smtpUrl).sendMail(FIRST_MAIL);
    expect((await sink.list()).map((m) => [m.id, m.deliveries])).toEqual([
      [second.id, 1],
      [first.id, 3],
    ]);
  });

  it('DELETE /api/messages clears the sink and its folder', async () => {
    const res = await fetch(`${sink.httpUrl}/api/messages`, { method: 'DELETE' });
    expect(await res.json()).toEqual({ deleted: 2 });
    expect(await sink.list()).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
    expect((await fetch(`${sink.httpUrl}/api/messages`, { method: 'PUT' })).status).toBe(405);
  });
});

describe('mail sink folder recovery', () => {
  it('re-indexes a message whose summary file is missing or corrupt', async () => {
    const dir = await tempDir();
    let sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir });
    const transport = nodemailer.createTransport(sink.smtpUrl);
    await transport.sendMail({
      from: 'a@onex.local',
      to: 'x@college.edu.cn',
      cc: 'y@college.edu.cn',
      subject: '甲',
      text: '1',
      messageId: '<one@test.onex>',
    });
    await transport.sendMail({ from: 'a@onex.local', to: 'z@college.edu.cn', subject: '乙', text: '2', messageId: '<two@test.onex>' });
    const [two, one] = (await sink.list()) as [StoredMessageSummary, StoredMessageSummary];
    await sink.close();
    await rm(join(dir, `${one.id}.json`));
    await writeFile(join(dir, `${two.id}.json`), '{ not json');
    await writeFile(join(dir, 'leftover.json.1234.tmp'), 'partial write');

    sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir });
    try {
      const list = await sink.list();
      expect(list.map((m) => [m.id, m.messageId, m.subject, m.to, m.deliveries])).toEqual([
        [two.id, '<two@test.onex>', '乙', ['z@college.edu.cn'], 1],
        [one.id, '<one@test.onex>', '甲', ['x@college.edu.cn', 'y@college.edu.cn'], 1],
      ]);
      expect(list[1]?.receivedAt).toBe(one.receivedAt);
      expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await sink.close();
    }
  });
});

describe('sendNotification over SMTP', () => {
  const adminUrl = 'http://127.0.0.1:3000';
  const from = '"onex 1+X 试点" <noreply@onex.local>';
  let sink: MailSink;

  beforeAll(async () => {
    sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir: await tempDir() });
  });
  afterAll(async () => {
    await sink.close();
  });

  const expectedMessageId = (workflowId: string, eventKey: string): string =>
    `<${createHash('sha256').update(`${workflowId}\n${eventKey}`).digest('hex').slice(0, 32)}@onex.local>`;

  async function stored(messageId: string): Promise<StoredMessage> {
    const [summary, ...rest] = await sink.list({ messageId });
    expect(rest).toEqual([]);
    const message = summary && (await sink.get(summary.id));
    if (!message) throw new Error(`no stored message ${messageId}`);
    return message;
  }

  it('sends a weekly reminder that names the pilot, the rule, the Beijing due date and the link', async () => {
    const n = sampleReminder();
    const activities = createActivities({ transport: sink.smtpUrl, from, adminUrl });
    const receipt = await activities.sendNotification(n);
    expect(receipt).toEqual({
      messageId: expectedMessageId('pilot:P2026-007', 'weekly:2026-W08:reminder'),
      accepted: ['zhangwei@college.edu.cn'],
      rejected: [],
    });
    const m = await stored(receipt.messageId);
    expect(m.subject).toBe(
      '【1+X试点周报提醒】信息工程学院 软件技术 Web前端开发（中级）（2026-W08）截止 2026-02-24 17:00 / ' +
        'Weekly report reminder: 信息工程学院 软件技术 Web前端开发 (intermediate level), 2026-W08, due 2026-02-24 17:00 Beijing time',
    );
    expect(m.from).toBe('"onex 1+X 试点" <noreply@onex.local>');
    expect(m.to).toEqual(['zhangwei@college.edu.cn']);
    expect(m.headers['to']).toBe('"张伟" <zhangwei@college.edu.cn>');
    expect(m.date).toBe('2026-02-23T09:00:00.000Z');
    expect(m.headers['x-onex-event-key']).toBe('weekly:2026-W08:reminder');
    expect(m.text).toBe(render(n, { adminUrl }).text);
    for (const needle of [
      '信息工程学院 软件技术 Web前端开发（中级）',
      '第五条',
      'Art. 5',
      '2026-02-24 17:00（北京时间）',
      '2026-02-24 17:00 Beijing time',
    ]) {
      expect(m.text).toContain(needle);
    }
    expect(m.text).toContain('请在截止前登录管理端提交本周工作周报：http://127.0.0.1:3000/pilots/P2026-007');
    expect(m.text.indexOf('第五条')).toBeLessThan(m.text.indexOf('Art. 5'));
    expect(m.text.indexOf('致：试点负责人 张伟')).toBeLessThan(m.text.indexOf('To: pilot lead 张伟'));
    expect(m.html).toContain('<a href="http://127.0.0.1:3000/pilots/P2026-007" style=');
    expect(m.html).toContain('>立即处理</a>');
  });

  it('sends a level-3 miss to the lead, the college leader and Academic Affairs, saying the pilot is escalated', async () => {
    const activities = createActivities({ transport: sink.smtpUrl, from, adminUrl });
    const receipt = await activities.sendNotification(sampleMissed(3));
    expect(receipt.accepted).toEqual(['zhangwei@college.edu.cn', 'dean.it@college.edu.cn', 'jwb@college.edu.cn']);
    const m = await stored(expectedMessageId('pilot:P2026-007', 'weekly:2026-W10:missed'));
    expect(m.to).toEqual(['zhangwei@college.edu.cn', 'dean.it@college.edu.cn', 'jwb@college.edu.cn']);
    expect(
      m.subject.startsWith(
        '【1+X试点已升级督办】信息工程学院 软件技术 Web前端开发（中级）（2026-W10）截止 2026-03-06 17:00，连续第3次未报送 / Pilot escalated to Academic Affairs:',
      ),
    ).toBe(true);
    const zh = m.text.indexOf('该试点已升级督办');
    const en = m.text.indexOf('The pilot is now escalated');
    expect(zh).toBeGreaterThan(-1);
    expect(en).toBeGreaterThan(zh);
    expect(m.text).toContain('2026-03-06 17:00（北京时间）');
    expect(m.text).toContain('第五条');
    expect(m.text).toContain('Under Art. 5 of');
    expect(m.text).toContain('http://127.0.0.1:3000/pilots/P2026-007');
    expect(m.date).toBe('2026-03-06T09:00:00.000Z');
  });

  it('sends the same notification twice under one Message-ID: one stored mail, two deliveries', async () => {
    const n = sampleReminder({ eventKey: 'weekly:2026-W09:reminder', periodId: '2026-W09', dueAt: '2026-03-06T09:00:00.000Z' });
    const activities = createActivities({ transport: sink.smtpUrl, from, adminUrl });
    const a = await activities.sendNotification(n);
    const b = await activities.sendNotification(n);
    expect(b.messageId).toBe(a.messageId);
    expect(a.messageId).toBe(expectedMessageId('pilot:P2026-007', 'weekly:2026-W09:reminder'));
    const list = await sink.list({ messageId: a.messageId });
    expect(list.map((m) => m.deliveries)).toEqual([2]);
    expect((await sink.list()).length).toBe(3);
  });

  it('refuses a notification without recipients, non-retryably', async () => {
    const activities = createActivities({ transport: sink.smtpUrl, from, adminUrl });
    const err = await activities.sendNotification(sampleReminder({ to: [] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({
      type: 'OnexNoRecipients',
      nonRetryable: true,
      message: '通知没有收件人 / the notification has no recipients (weeklyReminder weekly:2026-W08:reminder)',
    });
  });

  it('reports recipients a server refuses, and fails non-retryably when it refuses them all', async () => {
    // A real SMTP server on loopback that refuses every address at refused.college.edu.cn with 550.
    const strict = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, cb) =>
        cb(address.address.endsWith('@refused.college.edu.cn') ? Object.assign(new Error('no such user'), { responseCode: 550 }) : null),
      onData: (stream, _session, cb) => {
        stream.on('end', () => cb(null));
        stream.resume();
      },
    });
    await new Promise<void>((ok) => strict.listen(0, '127.0.0.1', ok));
    try {
      const url = `smtp://127.0.0.1:${(strict.server.address() as AddressInfo).port}`;
      const activities = createActivities({ transport: url, from, adminUrl });
      const gone = { role: 'collegeLeader' as const, email: 'gone@refused.college.edu.cn' };
      const partly = await activities.sendNotification(sampleMissed(2, { to: [sampleMissed(1).to[0]!, gone] }));
      expect(partly).toMatchObject({ accepted: ['zhangwei@college.edu.cn'], rejected: ['gone@refused.college.edu.cn'] });
      const err = await activities.sendNotification(sampleMissed(1, { to: [gone] })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ type: 'OnexSmtpRejected', nonRetryable: true });
    } finally {
      await new Promise<void>((ok) => strict.close(ok));
    }
  });

  it('fails retryably while SMTP is down, and succeeds once the sink is back', async () => {
    const dir = await tempDir();
    const down = await startMailSink({ smtpPort: 0, httpPort: 0, dir });
    const smtpPort = portOf(down.smtpUrl);
    await down.close();

    const activities = createActivities({ transport: down.smtpUrl, from, adminUrl });
    const n = sampleReminder({ eventKey: 'weekly:2026-W08:reminder:down' });
    const err = await activities.sendNotification(n).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'OnexSmtpUnavailable', nonRetryable: false });
    expect((err as ApplicationFailure).message).toContain(
      '邮件发送失败 / sending the e-mail failed (weeklyReminder weekly:2026-W08:reminder:down)',
    );
    expect((err as ApplicationFailure).cause).toMatchObject({ code: 'ESOCKET' });

    const up = await startMailSink({ smtpPort, httpPort: 0, dir });
    try {
      const receipt = await activities.sendNotification(n);
      expect(receipt.messageId).toBe(expectedMessageId('pilot:P2026-007', 'weekly:2026-W08:reminder:down'));
      expect((await up.list()).map((m) => [m.messageId, m.deliveries])).toEqual([[receipt.messageId, 1]]);
    } finally {
      await up.close();
    }
  });
});
