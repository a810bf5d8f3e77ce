import { describe, expect, it } from 'vitest';
import type { Notification } from '../../domain/notifications';
import { escapeHtml, ordinal, pilotLink } from '../../activities/letter';
import { render } from '../../activities/templates';
import { sampleMissed, samplePilot, sampleReminder } from '../helpers/notifications';

const links = { adminUrl: 'https://onex.college.edu.cn/admin/' };
const LINK = 'https://onex.college.edu.cn/admin/pilots/P2026-007';

describe('weeklyReminder template', () => {
  const mail = render(sampleReminder(), links);

  it('names the pilot, the week and the Beijing-time due date in the subject, Chinese first', () => {
    expect(mail.subject).toBe(
      '【1+X试点周报提醒】信息工程学院 软件技术 Web前端开发（中级）（2026-W08）截止 2026-02-24 17:00 / ' +
        'Weekly report reminder: 信息工程学院 软件技术 Web前端开发 (intermediate level), 2026-W08, due 2026-02-24 17:00 Beijing time',
    );
  });

  it('renders the whole plain-text body: Chinese paragraphs, then English, then the footer', () => {
    expect(mail.text).toBe(
      [
        '致：试点负责人 张伟',
        '“信息工程学院 软件技术 Web前端开发（中级）”试点（编号 P2026-007）2026-W08 的工作周报将于 2026-02-24 17:00（北京时间）截止。' +
          '根据《1+X 证书制度试点工作管理办法（试行）》第五条，试点工作小组须按周报送工作周报。',
        `请在截止前登录管理端提交本周工作周报：${LINK}`,
        '如已提交，请忽略本提醒。',
        '——',
        'To: pilot lead 张伟',
        'The weekly work report for week 2026-W08 of the pilot 信息工程学院 软件技术 Web前端开发 (intermediate level, id P2026-007) ' +
          'is due 2026-02-24 17:00 Beijing time. Under Art. 5 of the 1+X certificate pilot management measures (trial), ' +
          `the working group files a weekly work report. Please submit it in the admin client before the deadline: ${LINK}`,
        'If you have already submitted it, please ignore this reminder.',
        '——',
        '本邮件由 onex 系统自动发送，请勿直接回复。 / Sent automatically by onex; please do not reply to this message.',
      ].join('\n\n') + '\n',
    );
  });

  it('links the pilot in HTML as a 立即处理 button that reads on a phone, with the Chinese block before the English one', () => {
    expect(mail.html).toMatch(new RegExp(`<a href="${LINK.replace(/[.?*+^$()[\]{}|\\/]/g, '\\$&')}" style="[^"]+">立即处理</a>`));
    expect(mail.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(mail.html).toContain('max-width:600px');
    expect(mail.html).toContain('word-break:break-all');
    expect(mail.html).toContain('链接只对收件人本人有效'); // why a sign-in may be asked
    expect(mail.html.indexOf('<div lang="zh-CN">')).toBeGreaterThan(-1);
    expect(mail.html.indexOf('<div lang="zh-CN">')).toBeLessThan(mail.html.indexOf('<div lang="en">'));
    expect(mail.html.indexOf('第五条')).toBeLessThan(mail.html.indexOf('Art. 5'));
  });

  it('cites the article the notification carries', () => {
    const text = render(sampleReminder({ article: { article: 8, item: 3 } }), links).text;
    expect(text).toContain('《1+X 证书制度试点工作管理办法（试行）》第八条（三）');
    expect(text).toContain('Under Art. 8(3) of');
  });

  it('is pure: the same notification renders the same mail', () => {
    expect(render(sampleReminder(), links)).toEqual(mail);
  });
});

describe('weeklyMissed template', () => {
  it.each([
    [
      1,
      '【1+X试点周报逾期】信息工程学院 软件技术 Web前端开发（中级）（2026-W10）截止 2026-03-06 17:00，连续第1次未报送 / ' +
        'Weekly report missed: 信息工程学院 软件技术 Web前端开发 (intermediate level), 2026-W10, was due 2026-03-06 17:00 Beijing time (1st consecutive miss)',
    ],
    [
      2,
      '【1+X试点周报逾期】信息工程学院 软件技术 Web前端开发（中级）（2026-W10）截止 2026-03-06 17:00，连续第2次未报送 / ' +
        'Weekly report missed: 信息工程学院 软件技术 Web前端开发 (intermediate level), 2026-W10, was due 2026-03-06 17:00 Beijing time (2nd consecutive miss)',
    ],
    [
      3,
      '【1+X试点已升级督办】信息工程学院 软件技术 Web前端开发（中级）（2026-W10）截止 2026-03-06 17:00，连续第3次未报送 / ' +
        'Pilot escalated to Academic Affairs: 信息工程学院 软件技术 Web前端开发 (intermediate level), 2026-W10, was due 2026-03-06 17:00 Beijing time (3rd consecutive miss)',
    ],
  ] as const)('level %i subject', (level, subject) => {
    expect(render(sampleMissed(level), links).subject).toBe(subject);
  });

  it('level 1 addresses the lead and says what comes next', () => {
    const text = render(sampleMissed(1), links).text;
    expect(text.startsWith('致：试点负责人 张伟\n\n')).toBe(true);
    expect(text).toContain('这是连续第1次未按时报送');
    expect(text).toContain('如继续未报送，将依次通报二级学院负责人和教务部。');
    expect(text).toContain(`请尽快登录管理端补报，并按时报送此后各周的工作周报：${LINK}`);
    expect(text).toContain('To: pilot lead 张伟\n\n');
    expect(text).not.toContain('已升级督办');
  });

  it('level 2 addresses the lead and the college leader and says it is the 2nd consecutive miss', () => {
    const text = render(sampleMissed(2), links).text;
    expect(text.startsWith('致：试点负责人 张伟、二级学院负责人\n\n')).toBe(true);
    expect(text).toContain('这是连续第2次未按时报送');
    expect(text).toContain('this is the 2nd consecutive missed report');
    expect(text).toContain('To: pilot lead 张伟, college leader\n\n');
  });

  it('level 3 says the pilot is escalated, in Chinese before English', () => {
    const text = render(sampleMissed(3), links).text;
    expect(text.startsWith('致：试点负责人 张伟、二级学院负责人、教务部\n\n')).toBe(true);
    const zh = text.indexOf('该试点已升级督办：本邮件同时发送给二级学院负责人和教务部，试点将保持督办状态，直至下一次按时报送工作周报。');
    const en = text.indexOf('The pilot is now escalated: the college leader and Academic Affairs receive this e-mail as well');
    expect(zh).toBeGreaterThan(-1);
    expect(en).toBeGreaterThan(zh);
  });

  it('counts misses beyond the third at level 3', () => {
    const mail = render(sampleMissed(3, { consecutiveMisses: 4 }), links);
    expect(mail.subject).toContain('连续第4次未报送 / ');
    expect(mail.subject).toContain('(4th consecutive miss)');
  });
});

describe('escaping and links', () => {
  const hostile = { ...samplePilot, collegeName: `<script>alert("x")</script> & 'Co'`, id: 'P&1' };

  it('escapes every HTML-special character and keeps the plain text as written', () => {
    const mail = render(sampleReminder({ pilot: hostile }), { adminUrl: 'https://onex.example/?a=1&b=2' });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;');
    expect(mail.html).toContain('<a href="https://onex.example/?a=1&amp;b=2/pilots/P%261" style=');
    expect(mail.text).toContain(`<script>alert("x")</script> & 'Co'`);
  });

  it('escapeHtml', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;');
  });

  it('pilotLink encodes the id and never doubles the slash', () => {
    expect(pilotLink({ adminUrl: 'http://127.0.0.1:3000' }, 'a b/c')).toBe('http://127.0.0.1:3000/pilots/a%20b%2Fc');
    expect(pilotLink({ adminUrl: 'http://127.0.0.1:3000//' }, 'P1')).toBe('http://127.0.0.1:3000/pilots/P1');
  });

  it('ordinal', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '101st',
      '111th',
    ]);
  });
});

describe('render', () => {
  it('refuses a kind it has no template for', () => {
    const bogus = { ...sampleReminder(), kind: 'inspectionOverdue' } as unknown as Notification;
    expect(() => render(bogus, links)).toThrow(new TypeError('no e-mail template for notification kind "inspectionOverdue"'));
  });
});
