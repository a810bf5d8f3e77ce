/**
 * E-mail letters of the pilot's child workflows: approvals (Art. 13 budget, Art. 7 change
 * request, Art. 6(4) examiner-training plan) and rectification after a failed inspection
 * (Art. 18). Pure, like every template: the same notification renders the same mail.
 * Chinese first, then English; each names the pilot, the item, the article, the due date in
 * Beijing time and what to do, and links to the admin client.
 */
import { formatShanghaiMinute } from '../domain/calendar';
import { citeArticle, type Bilingual } from '../domain/errors';
import type {
  ApprovalConcludedNotification,
  ApprovalDecidedNotification,
  ApprovalDelegatedNotification,
  ApprovalNotification,
  ApprovalReturnedNotification,
  ApprovalStepNotification,
  ApprovalStepOverdueNotification,
  RectificationNotification,
  RectificationOpenedNotification,
} from '../domain/notifications';
import { MEASURES, addressees, capitalise, pilotLink, pilotName, type Letter, type TemplateLinks } from './letter';

/** `${adminUrl}/pilots/<pilotId>/approvals/<approvalId>`. */
export function approvalLink(links: TemplateLinks, pilotId: string, approvalId: string): string {
  return `${pilotLink(links, pilotId)}/approvals/${encodeURIComponent(approvalId)}`;
}

const chainText: Record<ApprovalNotification['approvalKind'], Bilingual> = {
  budget: {
    zh: '资金预算方案和经费筹措方案报二级学院及教务部审核，报主管校领导审批',
    en: 'the budget and funding plan is reviewed by the college and Academic Affairs and approved by the school leader in charge',
  },
  changeRequest: {
    zh: '试点建设内容、进度安排及试点负责人确需调整的，须提交书面申请，经审核后报省教育厅备案',
    en: 'a change of content, schedule or lead needs a written request, reviewed and then filed with the provincial education department',
  },
  examinerPlan: {
    zh: '试点负责人制订的考评人员培训计划报二级学院和教务部审核',
    en: "the pilot lead's examiner-training plan is reviewed by the college and Academic Affairs",
  },
};

const outcomeNames: Record<ApprovalDecidedNotification['outcome'] | ApprovalConcludedNotification['outcome'], Bilingual> = {
  approve: { zh: '审核通过', en: 'approved' },
  return: { zh: '退回修改', en: 'returned for revision' },
  reject: { zh: '不予通过', en: 'rejected' },
  approved: { zh: '已审批通过', en: 'approved' },
  rejected: { zh: '未予通过', en: 'rejected' },
  withdrawn: { zh: '已由提交人撤回', en: 'withdrawn by the submitter' },
};

/** The facts every approval mail states. */
function approvalFacts(n: ApprovalNotification) {
  const cite = citeArticle(n.article);
  const name = pilotName(n.pilot);
  return {
    to: addressees(n.to),
    itemZh: `“${name.zh}”试点（编号 ${n.pilot.id}）的${n.itemTitle.zh}`,
    itemEn: `the ${n.itemTitle.en} of the pilot ${pilotName(n.pilot, `id ${n.pilot.id}`).en}`,
    ruleZh: `依据${MEASURES.zh}${cite.zh}，${chainText[n.approvalKind].zh}。`,
    ruleEn: `Under ${cite.en} of ${MEASURES.en}, ${chainText[n.approvalKind].en}.`,
    tagEn: `${n.itemTitle.en}, ${name.en}`,
  };
}

const by = (b: { id: string; onBehalfOf?: string }): Bilingual =>
  b.onBehalfOf ? { zh: `${b.id}（代 ${b.onBehalfOf}）`, en: `${b.id} (on behalf of ${b.onBehalfOf})` } : { zh: b.id, en: b.id };

/**
 * A step mail to one approver carries a signed one-click "approve" link bound to that approver
 * and the approval, expiring relative to the notification's own time (a retried activity
 * renders the same mail); mails to several people, or without a signer, use the plain link.
 */
function approveLink(n: ApprovalStepNotification | ApprovalStepOverdueNotification, links: TemplateLinks, plain: string): string {
  const only = n.to.length === 1 ? n.to[0] : undefined;
  if (!links.signLink || !only) return plain;
  return links.signLink({ email: only.email, action: 'approve', pilotId: n.pilot.id, ref: n.approvalId, issuedAt: n.occurredAt });
}

export function approvalLetter(n: ApprovalNotification, links: TemplateLinks): Letter {
  const link = approvalLink(links, n.pilot.id, n.approvalId);
  switch (n.kind) {
    case 'approvalStepRequested':
    case 'approvalStepReminder':
      return stepLetter(n, approveLink(n, links, link));
    case 'approvalStepOverdue':
      return overdueLetter(n, approveLink(n, links, link));
    case 'approvalReturned':
      return returnedLetter(n, link);
    case 'approvalDecided':
      return decidedLetter(n, link);
    case 'approvalConcluded':
      return concludedLetter(n, link);
    case 'approvalDelegated':
      return delegatedLetter(n, link);
  }
}

function stepLetter(n: ApprovalStepNotification, link: string): Letter {
  const f = approvalFacts(n);
  const due = formatShanghaiMinute(n.dueAt);
  const reminder = n.kind === 'approvalStepReminder';
  return {
    subject: {
      zh: `【1+X试点审批${reminder ? '提醒' : ''}】${n.itemTitle.zh}：“${n.step.title.zh}”截止 ${due}`,
      en: `${reminder ? 'Approval reminder' : 'Approval requested'}: ${f.tagEn}, ${n.step.title.en} due ${due} Beijing time`,
    },
    zh: [
      [f.to.zh],
      [`${f.itemZh}${reminder ? '仍' : '已提交，现'}待您进行“${n.step.title.zh}”，截止时间为 ${due}（北京时间）。${f.ruleZh}`],
      ['请在截止前登录管理端审阅并作出决定（通过或退回修改，须填写意见）：', { href: link }],
      ...(reminder ? [['如已处理，请忽略本提醒。']] : []),
    ],
    en: [
      [f.to.en],
      [
        `${capitalise(f.itemEn)} ${reminder ? 'still awaits' : 'has been submitted and awaits'} your step: ${n.step.title.en}, due ${due} Beijing time. ${f.ruleEn} ` +
          'Please review it in the admin client and decide (approve, or return for revision with comments) before the deadline: ',
        { href: link },
      ],
      ...(reminder ? [['If you have already decided, please ignore this reminder.']] : []),
    ],
  };
}

function overdueLetter(n: ApprovalStepOverdueNotification, link: string): Letter {
  const f = approvalFacts(n);
  const due = formatShanghaiMinute(n.dueAt);
  return {
    subject: {
      zh: `【1+X试点审批逾期督办】${n.itemTitle.zh}：“${n.step.title.zh}”已于 ${due} 逾期`,
      en: `Approval step overdue, escalated to ${n.escalatedTo.en}: ${f.tagEn}, ${n.step.title.en} was due ${due} Beijing time`,
    },
    zh: [
      [f.to.zh],
      [`${f.itemZh}的“${n.step.title.zh}”环节已于 ${due}（北京时间）到期，尚未作出决定，现提请${n.escalatedTo.zh}督办。${f.ruleZh}`],
      ['请审批人尽快登录管理端作出决定：', { href: link }],
    ],
    en: [
      [f.to.en],
      [
        `The step “${n.step.title.en}” of ${f.itemEn} was due ${due} Beijing time and has not been decided; it is escalated to ${n.escalatedTo.en}. ${f.ruleEn} ` +
          'The approver is asked to decide in the admin client as soon as possible: ',
        { href: link },
      ],
    ],
  };
}

function returnedLetter(n: ApprovalReturnedNotification, link: string): Letter {
  const f = approvalFacts(n);
  const toSubmitter = n.returnTo.id === 'submitter';
  const due = n.dueAt ? formatShanghaiMinute(n.dueAt) : undefined;
  const who = by(n.by);
  const action: Bilingual = toSubmitter
    ? {
        zh: '请提交人按意见修改后重新提交（只有提交人可以重新提交）；重新提交后将直接回到退回的环节：',
        en: 'Please revise it as the comments ask and resubmit it; the resubmission goes straight back to the step that returned it: ',
      }
    : {
        zh: `请“${n.returnTo.title.zh}”环节${due ? `于 ${due}（北京时间）前` : ''}重新审核；通过后将直接回到退回的环节：`,
        en: `The step “${n.returnTo.title.en}” is asked to review it again${due ? ` by ${due} Beijing time` : ''}; once approved it goes straight back to the step that returned it: `,
      };
  return {
    subject: {
      zh: `【1+X试点审批退回】${n.itemTitle.zh}：“${n.step.title.zh}”退回${toSubmitter ? '修改' : `至“${n.returnTo.title.zh}”`}`,
      en: `Approval returned: ${f.tagEn}, returned by ${n.step.title.en} to ${toSubmitter ? 'the submitter' : n.returnTo.title.en}`,
    },
    zh: [
      [f.to.zh],
      [
        `${f.itemZh}已被“${n.step.title.zh}”环节（${who.zh}）退回${toSubmitter ? '提交人修改' : `至“${n.returnTo.title.zh}”环节`}。意见：${n.comment}`,
      ],
      [f.ruleZh],
      [action.zh, { href: link }],
    ],
    en: [
      [f.to.en],
      [
        `${capitalise(f.itemEn)} was returned by the step “${n.step.title.en}” (${who.en}) to ${toSubmitter ? 'the submitter for revision' : `the step “${n.returnTo.title.en}”`}. Comments: ${n.comment} ${f.ruleEn} ${action.en}`,
        { href: link },
      ],
    ],
  };
}

function decidedLetter(n: ApprovalDecidedNotification, link: string): Letter {
  const f = approvalFacts(n);
  const o = outcomeNames[n.outcome];
  const who = by(n.by);
  return {
    subject: {
      zh: `【1+X试点审批抄送】${n.itemTitle.zh}：“${n.step.title.zh}”${o.zh}`,
      en: `Approval copy: ${f.tagEn}, ${n.step.title.en} ${o.en}`,
    },
    zh: [
      [f.to.zh],
      [`抄送：${f.itemZh}的“${n.step.title.zh}”环节已由 ${who.zh} ${o.zh}。${n.comment ? `意见：${n.comment}` : ''}`],
      [f.ruleZh],
      ['您无需操作；详情请登录管理端查看：', { href: link }],
    ],
    en: [
      [f.to.en],
      [
        `Copy for your information: the step “${n.step.title.en}” of ${f.itemEn} was ${o.en} by ${who.en}.${n.comment ? ` Comments: ${n.comment}` : ''} ${f.ruleEn} No action is needed; details in the admin client: `,
        { href: link },
      ],
    ],
  };
}

function concludedLetter(n: ApprovalConcludedNotification, link: string): Letter {
  const f = approvalFacts(n);
  const o = outcomeNames[n.outcome];
  const filed: Bilingual | undefined = n.filingReference
    ? {
        zh: `省教育厅备案已登记（备案回执/文号：${n.filingReference}），变更自即日起生效。`,
        en: `The provincial filing is recorded (reference ${n.filingReference}); the change takes effect now.`,
      }
    : undefined;
  return {
    subject: { zh: `【1+X试点审批结果】${n.itemTitle.zh}：${o.zh}`, en: `Approval ${o.en}: ${f.tagEn}` },
    zh: [
      [f.to.zh],
      [`${f.itemZh}${o.zh}。${n.comment ? `意见：${n.comment}` : ''}`],
      ...(filed ? [[filed.zh]] : []),
      [f.ruleZh],
      ['审批记录请登录管理端查看：', { href: link }],
    ],
    en: [
      [f.to.en],
      [
        `${capitalise(f.itemEn)} was ${o.en}.${n.comment ? ` Comments: ${n.comment}` : ''}${filed ? ` ${filed.en}` : ''} ${f.ruleEn} The record is in the admin client: `,
        { href: link },
      ],
    ],
  };
}

function delegatedLetter(n: ApprovalDelegatedNotification, link: string): Letter {
  const f = approvalFacts(n);
  const until = formatShanghaiMinute(n.validUntil);
  const due = formatShanghaiMinute(n.dueAt);
  return {
    subject: {
      zh: `【1+X试点审批委托】${n.delegatorId} 委托您审批${n.itemTitle.zh}（有效期至 ${until}）`,
      en: `Approval delegated to you by ${n.delegatorId}: ${f.tagEn} (valid until ${until} Beijing time)`,
    },
    zh: [
      [f.to.zh],
      [
        `${n.delegatorId} 将${f.itemZh}的“${n.step.title.zh}”环节委托您代为审批，委托有效期至 ${until}（北京时间）；该环节截止时间为 ${due}。审批记录将注明“代 ${n.delegatorId}”。${f.ruleZh}`,
      ],
      ['请在有效期内登录管理端审批：', { href: link }],
    ],
    en: [
      [f.to.en],
      [
        `${n.delegatorId} delegated the step “${n.step.title.en}” of ${f.itemEn} to you until ${until} Beijing time; the step is due ${due}. The record will show that you decided on behalf of ${n.delegatorId}. ${f.ruleEn} ` +
          'Please decide in the admin client while the delegation is valid: ',
        { href: link },
      ],
    ],
  };
}

// ── Rectification (Art. 18) ──────────────────────────────────────────────────────────

const contentNames: Record<RectificationOpenedNotification['failed'][number], Bilingual & { item: number }> = {
  progress: { item: 1, zh: '试点建设进展情况', en: 'progress of the pilot' },
  funds: { item: 2, zh: '经费落实、资金使用情况', en: 'funds in place and their use' },
  problems: { item: 3, zh: '试点建设中的主要问题和改进措施', en: 'main problems and improvement measures' },
};

const RECTIFICATION_RULE: Bilingual = {
  zh: '学校定期对试点建设情况进行检查，检查不合格的，将给予通报并要求试点在规定期限内完成整改',
  en: 'the school inspects each pilot periodically; a pilot that fails is given a notice (通报) and must complete a rectification within the set period',
};

export function rectificationLetter(n: RectificationNotification, links: TemplateLinks): Letter {
  const link = pilotLink(links, n.pilot.id);
  const cite = citeArticle(n.article);
  const name = pilotName(n.pilot);
  const due = formatShanghaiMinute(n.dueAt);
  const to = addressees(n.to);
  const pilotZh = `“${name.zh}”试点（编号 ${n.pilot.id}）`;
  const pilotEn = `the pilot ${pilotName(n.pilot, `id ${n.pilot.id}`).en}`;
  const ruleZh = `依据${MEASURES.zh}${cite.zh}，${RECTIFICATION_RULE.zh}。`;
  const ruleEn = `Under ${cite.en} of ${MEASURES.en}, ${RECTIFICATION_RULE.en}.`;
  switch (n.kind) {
    case 'rectificationOpened': {
      const failedZh = n.failed
        .map((k) => `${citeArticle({ article: 18, item: contentNames[k].item }).zh}${contentNames[k].zh}`)
        .join('；');
      const failedEn = n.failed
        .map((k) => `${citeArticle({ article: 18, item: contentNames[k].item }).en} ${contentNames[k].en}`)
        .join('; ');
      const again = n.round > 1;
      return {
        subject: {
          zh: `【1+X试点${again ? '复查不合格' : '检查通报'}】${name.zh}：须于 ${due} 前完成整改`,
          en: `${again ? 'Re-inspection failed' : 'Inspection notice'}: ${name.en}, rectification due ${due} Beijing time`,
        },
        zh: [
          [to.zh],
          [
            `通报：${pilotZh}于 ${n.inspectedOn} 的${again ? '复查' : '检查'}（${again ? '复查' : '检查'}编号 ${n.inspectionId}）不合格，不合格内容：${failedZh}。${ruleZh}`,
          ],
          [`请于 ${due}（北京时间）前完成整改，并报教务部复查${again ? `（第 ${n.round} 次整改期限）` : ''}：`, { href: link }],
        ],
        en: [
          [to.en],
          [
            `Notice: ${pilotEn} failed the ${again ? 're-inspection' : 'inspection'} of ${n.inspectedOn} (id ${n.inspectionId}). Unsatisfactory: ${failedEn}. ${ruleEn} ` +
              `Please complete the rectification by ${due} Beijing time and ask Academic Affairs for a re-inspection${again ? ` (rectification period ${n.round})` : ''}: `,
            { href: link },
          ],
        ],
      };
    }
    case 'rectificationReminder':
      return {
        subject: {
          zh: `【1+X试点整改提醒】${name.zh}：整改截止 ${due}`,
          en: `Rectification reminder: ${name.en}, due ${due} Beijing time`,
        },
        zh: [
          [to.zh],
          [`${pilotZh}的整改（检查编号 ${n.inspectionId}）将于 ${due}（北京时间）到期，尚未经复查合格。${ruleZh}`],
          ['请按期完成整改并报教务部复查：', { href: link }],
        ],
        en: [
          [to.en],
          [
            `The rectification of ${pilotEn} (inspection ${n.inspectionId}) is due ${due} Beijing time and has not passed a re-inspection yet. ${ruleEn} Please complete it and ask Academic Affairs for a re-inspection: `,
            { href: link },
          ],
        ],
      };
    case 'rectificationOverdue':
      return {
        subject: {
          zh: `【1+X试点整改逾期督办】${name.zh}：整改已于 ${due} 逾期`,
          en: `Rectification overdue, escalated: ${name.en}, was due ${due} Beijing time`,
        },
        zh: [
          [to.zh],
          [
            `${pilotZh}的整改（检查编号 ${n.inspectionId}）已于 ${due}（北京时间）到期，未经复查合格，现报教务部和主管校领导督办。逾期未整改记为取消试点风险。${ruleZh}`,
          ],
          ['请教务部督促整改并安排复查：', { href: link }],
        ],
        en: [
          [to.en],
          [
            `The rectification of ${pilotEn} (inspection ${n.inspectionId}) was due ${due} Beijing time and has not passed a re-inspection: it is escalated to Academic Affairs and the school leader, and recorded as a cancellation risk. ${ruleEn} ` +
              'Academic Affairs is asked to follow it up and schedule the re-inspection: ',
            { href: link },
          ],
        ],
      };
    case 'rectificationClosed':
      return {
        subject: {
          zh: `【1+X试点整改完成】${name.zh}：复查合格，整改关闭`,
          en: `Rectification closed: ${name.en} passed the re-inspection`,
        },
        zh: [
          [to.zh],
          [`${pilotZh}于 ${n.reinspectedOn} 复查合格（复查编号 ${n.reinspectionId}），检查 ${n.inspectionId} 的整改已关闭。${ruleZh}`],
          ['详情请登录管理端查看：', { href: link }],
        ],
        en: [
          [to.en],
          [
            `${capitalise(pilotEn)} passed the re-inspection of ${n.reinspectedOn} (id ${n.reinspectionId}); the rectification of inspection ${n.inspectionId} is closed. ${ruleEn} Details in the admin client: `,
            { href: link },
          ],
        ],
      };
  }
}
