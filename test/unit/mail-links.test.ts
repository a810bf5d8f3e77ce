/**
 * Signed one-click links in e-mails (issue 6): the weekly-report mail to the lead carries a
 * link bound to the lead and the week, expiring relative to the notification's own time, so
 * a retried activity renders the very same mail; so does an approval step's mail to its one
 * approver ("approve", bound to the approver and the approval, opening it on the pilot's page);
 * mails to several people keep the plain link.
 */
import { describe, expect, it } from 'vitest';
import { render } from '../../activities/templates';
import { DEFAULT_LINK_TTL_SECONDS, checkLinkToken, linkSigner } from '../../worker/links';
import type { ApprovalStepNotification, ApprovalStepOverdueNotification } from '../../domain/notifications';
import { academicAffairs, collegeLeader, sampleMissed, samplePilot, sampleReminder } from '../helpers/notifications';

const secret = 'a-link-secret-of-at-least-32-characters!';
const links = { adminUrl: 'https://onex.example.edu/', signLink: linkSigner(secret, 'https://onex.example.edu/') };

function tokenIn(text: string): string {
  const m = /https:\/\/onex\.example\.edu\/l\/([A-Za-z0-9_.-]+)/.exec(text);
  if (!m) throw new Error(`no signed link in:\n${text}`);
  return m[1]!;
}

describe('signed links in e-mails', () => {
  it("the reminder to the lead links to this week's report form, for the lead only, expiring 14 days after the reminder", () => {
    const n = sampleReminder();
    const mail = render(n, links);
    const token = tokenIn(mail.text);
    expect(mail.html).toContain(`/l/${token}`);
    const issued = Date.parse(n.occurredAt);
    const ok = checkLinkToken(secret, token, 'ZhangWei@college.edu.cn', issued + 1000);
    expect(ok).toMatchObject({
      ok: true,
      payload: {
        action: 'weeklyReport',
        pilotId: 'P2026-007',
        ref: '2026-W08',
        email: 'zhangwei@college.edu.cn',
        exp: issued / 1000 + DEFAULT_LINK_TTL_SECONDS,
      },
    });
    expect(checkLinkToken(secret, token, 'dean.it@college.edu.cn', issued + 1000)).toEqual({ ok: false, reason: 'otherUser' });
    expect(checkLinkToken(secret, token, 'zhangwei@college.edu.cn', issued + (DEFAULT_LINK_TTL_SECONDS + 1) * 1000)).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(checkLinkToken('another-secret-of-at-least-32-characters', token, 'zhangwei@college.edu.cn', issued + 1000)).toMatchObject({
      ok: false,
      reason: 'signature',
    });
  });

  it('renders the same mail on a retry (no wall clock in the link)', () => {
    expect(render(sampleReminder(), links)).toEqual(render(sampleReminder(), links));
  });

  it('a miss mailed to the lead alone links to the report form; to several people, the plain pilot page', () => {
    expect(
      checkLinkToken(
        secret,
        tokenIn(render(sampleMissed(1), links).text),
        'zhangwei@college.edu.cn',
        Date.parse(sampleMissed(1).occurredAt),
      ),
    ).toMatchObject({ ok: true });
    const many = render(sampleMissed(3), links);
    expect(many.text).not.toContain('/l/');
    expect(many.text).toContain('https://onex.example.edu/pilots/P2026-007');
  });

  it('without a signer every mail links to the pilot page', () => {
    expect(render(sampleReminder(), { adminUrl: 'https://onex.example.edu' }).text).toContain('https://onex.example.edu/pilots/P2026-007');
  });

  const step = { id: 'college', title: { zh: '二级学院审核', en: 'college review' } };
  const stepMail = (over: Partial<ApprovalStepNotification> = {}): ApprovalStepNotification => ({
    workflowId: 'pilot:P2026-007/budget/1',
    occurredAt: '2026-12-01T01:00:00.000Z',
    pilot: samplePilot,
    article: { article: 13 },
    approvalId: 'budget-1',
    approvalKind: 'budget',
    itemTitle: { zh: '2027 年度资金预算方案和经费筹措方案（B-2027）', en: 'budget and funding plan 2027 (B-2027)' },
    kind: 'approvalStepRequested',
    eventKey: 'a',
    to: [collegeLeader],
    step,
    dueAt: '2026-12-08T09:00:00.000Z',
    ...over,
  });

  it('an approval step mailed to its one approver carries a signed "approve" link, for that approver, opening the approval', () => {
    for (const kind of ['approvalStepRequested', 'approvalStepReminder'] as const) {
      const n = stepMail({ kind });
      const mail = render(n, links);
      const token = tokenIn(mail.text);
      expect(mail.html).toContain(`/l/${token}`);
      const issued = Date.parse(n.occurredAt);
      expect(checkLinkToken(secret, token, collegeLeader.email.toUpperCase(), issued + 1000)).toMatchObject({
        ok: true,
        payload: {
          action: 'approve',
          pilotId: 'P2026-007',
          ref: 'budget-1',
          email: collegeLeader.email.toLowerCase(),
          exp: issued / 1000 + DEFAULT_LINK_TTL_SECONDS,
        },
        target: '/pilots/P2026-007?do=approve&ref=budget-1',
      });
      expect(checkLinkToken(secret, token, academicAffairs.email, issued + 1000)).toEqual({ ok: false, reason: 'otherUser' });
      expect(render(stepMail({ kind }), links)).toEqual(mail);
    }
  });

  it('an overdue step mailed to the approver and the next level keeps the plain link to the approval', () => {
    const n: ApprovalStepOverdueNotification = {
      ...stepMail(),
      kind: 'approvalStepOverdue',
      to: [collegeLeader, academicAffairs],
      escalatedTo: { zh: '教务部', en: 'Academic Affairs' },
    };
    const mail = render(n, links);
    expect(mail.text).not.toContain('/l/');
    expect(mail.text).toContain('https://onex.example.edu/pilots/P2026-007/approvals/budget-1');
    // Without a signer the step mail links to the approval's page too.
    expect(render(stepMail(), { adminUrl: 'https://onex.example.edu' }).text).toContain(
      'https://onex.example.edu/pilots/P2026-007/approvals/budget-1',
    );
  });
});
