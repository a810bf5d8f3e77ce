/**
 * Templates of the approval and rectification notifications: each names the pilot, the item,
 * the article, the due date in Beijing time and what to do, Chinese before English, with the
 * link to the approval (or the pilot) in the admin client.
 */
import { describe, expect, it } from 'vitest';
import { render } from '../../activities/templates';
import type { ApprovalNotification, Notification, RectificationNotification } from '../../domain/notifications';
import { academicAffairs, collegeLeader, lead, samplePilot } from '../helpers/notifications';

const links = { adminUrl: 'https://onex.college.edu.cn/admin/' };
const APPROVAL_LINK = 'https://onex.college.edu.cn/admin/pilots/P2026-007/approvals/B-2027%2F1';
const PILOT_LINK = 'https://onex.college.edu.cn/admin/pilots/P2026-007';

const base = {
  workflowId: 'pilot:P2026-007/budget/1',
  occurredAt: '2026-12-01T01:00:00.000Z',
  pilot: samplePilot,
  article: { article: 13 },
  approvalId: 'B-2027/1',
  approvalKind: 'budget' as const,
  itemTitle: { zh: '2027 年度资金预算方案和经费筹措方案（B-2027）', en: 'budget and funding plan 2027 (B-2027)' },
};
const college = { id: 'college', title: { zh: '二级学院审核', en: 'college review' } };
const dueAt = '2026-12-08T09:00:00.000Z'; // 2026-12-08 17:00 Beijing time

const approvals: ApprovalNotification[] = [
  { ...base, kind: 'approvalStepRequested', eventKey: 'a', to: [collegeLeader], step: college, dueAt },
  { ...base, kind: 'approvalStepReminder', eventKey: 'b', to: [collegeLeader], step: college, dueAt },
  {
    ...base,
    kind: 'approvalStepOverdue',
    eventKey: 'c',
    to: [collegeLeader, academicAffairs],
    step: college,
    dueAt,
    escalatedTo: { zh: '教务部', en: 'Academic Affairs' },
  },
  {
    ...base,
    kind: 'approvalReturned',
    eventKey: 'd',
    to: [lead],
    step: college,
    returnTo: { id: 'submitter', title: { zh: '提交人修改', en: 'the submitter' } },
    comment: '请补充测算依据',
    by: { id: 'dean.li' },
  },
  {
    ...base,
    kind: 'approvalDecided',
    eventKey: 'e',
    to: [{ role: 'cc', email: 'finance@college.edu.cn', name: '财务处' }],
    step: college,
    outcome: 'approve',
    by: { id: 'sec.zhou', onBehalfOf: 'dean.li' },
  },
  { ...base, kind: 'approvalConcluded', eventKey: 'f', to: [lead, collegeLeader], outcome: 'approved' },
  {
    ...base,
    kind: 'approvalDelegated',
    eventKey: 'g',
    to: [{ role: 'delegate', email: 'zhou@college.edu.cn', name: '周秘书' }],
    step: college,
    delegatorId: 'dean.li',
    validUntil: '2026-12-05T09:00:00.000Z',
    dueAt,
  },
];

const rbase = {
  workflowId: 'pilot:P2026-007/rectification/I-1',
  occurredAt: '2026-12-01T01:00:00.000Z',
  pilot: samplePilot,
  article: { article: 18 },
  rectificationId: 'R-1',
  inspectionId: 'I-1',
  dueAt: '2027-01-13T09:00:00.000Z',
};
const rectifications: RectificationNotification[] = [
  {
    ...rbase,
    kind: 'rectificationOpened',
    eventKey: 'a',
    to: [lead, collegeLeader],
    round: 1,
    inspectedOn: '2026-12-01',
    failed: ['funds', 'problems'],
  },
  { ...rbase, kind: 'rectificationReminder', eventKey: 'b', to: [lead, collegeLeader] },
  { ...rbase, kind: 'rectificationOverdue', eventKey: 'c', to: [academicAffairs, { role: 'schoolLeader', email: 'vp@college.edu.cn' }] },
  {
    ...rbase,
    kind: 'rectificationClosed',
    eventKey: 'd',
    to: [lead, collegeLeader],
    reinspectionId: 'I-1-R1',
    reinspectedOn: '2027-01-10',
  },
];

function chineseFirst(n: Notification) {
  const mail = render(n, links);
  const [zh, en] = mail.text.split('\n\n——\n\n');
  return { mail, zh: zh!, en: en! };
}

describe('approval templates', () => {
  it.each(approvals.map((n) => [n.kind, n] as const))(
    '%s: Chinese first, cites Art. 13, names the pilot and item, links the approval',
    (_kind, n) => {
      const { mail, zh, en } = chineseFirst(n);
      expect(mail.subject).toMatch(/^【1\+X试点审批[^】]*】.*2027 年度资金预算方案和经费筹措方案（B-2027）.* \/ [A-Z]/);
      expect(zh).toContain('第十三条');
      expect(zh).toContain('“信息工程学院 软件技术 Web前端开发（中级）”试点（编号 P2026-007）');
      expect(en).toContain('Art. 13');
      expect(en).toContain('budget and funding plan 2027 (B-2027)');
      expect(zh).toContain(APPROVAL_LINK);
      expect(en).toContain(APPROVAL_LINK);
      expect(mail.html).toContain(`<a href="${APPROVAL_LINK}" style=`);
    },
  );

  it('step mails state the due date in Beijing time and what to do', () => {
    const { mail, zh, en } = chineseFirst(approvals[0]!);
    expect(mail.subject).toBe(
      '【1+X试点审批】2027 年度资金预算方案和经费筹措方案（B-2027）：“二级学院审核”截止 2026-12-08 17:00 / ' +
        'Approval requested: budget and funding plan 2027 (B-2027), 信息工程学院 软件技术 Web前端开发 (intermediate level), college review due 2026-12-08 17:00 Beijing time',
    );
    expect(zh).toContain('截止时间为 2026-12-08 17:00（北京时间）');
    expect(zh).toContain('请在截止前登录管理端审阅并作出决定');
    expect(en).toContain('due 2026-12-08 17:00 Beijing time');
  });

  it('the overdue mail names who it is escalated to; the CC copy shows "on behalf of"; the delegation names its validity', () => {
    expect(render(approvals[2]!, links).subject).toContain('Approval step overdue, escalated to Academic Affairs');
    const copy = chineseFirst(approvals[4]!);
    expect(copy.zh).toContain('sec.zhou（代 dean.li）');
    expect(copy.en).toContain('sec.zhou (on behalf of dean.li)');
    expect(copy.zh).toContain('致：抄送 财务处');
    const delegated = chineseFirst(approvals[6]!);
    expect(delegated.zh).toContain('委托有效期至 2026-12-05 17:00（北京时间）');
    expect(delegated.zh).toContain('致：受托审批人 周秘书');
  });
});

describe('rectification templates (Art. 18)', () => {
  it.each(rectifications.map((n) => [n.kind, n] as const))(
    '%s: Chinese first, cites Art. 18, names the pilot and the due date, links the pilot',
    (_kind, n) => {
      const { mail, zh, en } = chineseFirst(n);
      expect(mail.subject).toMatch(/^【1\+X试点[^】]+】信息工程学院 软件技术 Web前端开发（中级）.* \/ [A-Z]/);
      expect(zh).toContain('第十八条');
      expect(en).toContain('Art. 18');
      expect(zh).toContain(PILOT_LINK);
      if (n.kind !== 'rectificationClosed') expect(zh).toContain('2027-01-13 17:00');
    },
  );

  it('the notice lists the failed contents with their items; the overdue mail goes to Academic Affairs and the school leader', () => {
    const notice = chineseFirst(rectifications[0]!);
    expect(notice.mail.subject).toBe(
      '【1+X试点检查通报】信息工程学院 软件技术 Web前端开发（中级）：须于 2027-01-13 17:00 前完成整改 / ' +
        'Inspection notice: 信息工程学院 软件技术 Web前端开发 (intermediate level), rectification due 2027-01-13 17:00 Beijing time',
    );
    expect(notice.zh).toContain('不合格内容：第十八条（二）经费落实、资金使用情况；第十八条（三）试点建设中的主要问题和改进措施');
    expect(notice.en).toContain(
      'Unsatisfactory: Art. 18(2) funds in place and their use; Art. 18(3) main problems and improvement measures',
    );
    const overdue = chineseFirst(rectifications[2]!);
    expect(overdue.zh).toContain('致：教务部、主管校领导');
    expect(overdue.zh).toContain('现报教务部和主管校领导督办');
  });
});
