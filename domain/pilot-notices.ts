/**
 * The text of every lifecycle notice the pilot workflow sends, one pure builder per topic.
 * Chinese first, English beside; each cites its article. The e-mail activity frames them
 * (activities/templates.ts, kind `pilotNotice`) with the addressees, the pilot and a link.
 */
import { formatShanghai } from './calendar';
import type { ArticleRef, Bilingual, RuleResult } from './errors';
import { citeArticle } from './errors';
import { formatFen, type Fen } from './money';
import type { PilotNoticeTopic } from './notifications';

export interface NoticeText {
  topic: PilotNoticeTopic;
  article: ArticleRef;
  subject: Bilingual;
  paragraphs: Bilingual[];
  action?: Bilingual;
  dueAt?: string;
}

const when = (iso: string) => formatShanghai(Date.parse(iso));

export function provincialRequestedNotice(r: { id: string; title: string; dueAt: string }): NoticeText {
  return {
    topic: 'provincialRequested',
    article: { article: 19, item: 1 },
    subject: { zh: `【省厅材料报送】${r.title}`, en: `Provincial material requested: ${r.title}` },
    paragraphs: [
      {
        zh: `省教育厅要求报送材料“${r.title}”（编号 ${r.id}），截止 ${when(r.dueAt)}。`,
        en: `The provincial education department requests “${r.title}” (id ${r.id}), due ${when(r.dueAt)}.`,
      },
      {
        zh: '连续三次不填报省厅要求报送的材料的，将取消试点。',
        en: 'A pilot that misses three consecutive provincial submissions is cancelled.',
      },
    ],
    action: { zh: '请按时报送，并在管理端登记：', en: 'Please submit it on time and record it in the admin client:' },
    dueAt: r.dueAt,
  };
}

export function provincialReminderNotice(r: { id: string; title: string; dueAt: string }): NoticeText {
  return {
    ...provincialRequestedNotice(r),
    topic: 'provincialReminder',
    subject: {
      zh: `【省厅材料报送提醒】${r.title} 截止 ${when(r.dueAt)}`,
      en: `Reminder: provincial material “${r.title}” due ${when(r.dueAt)}`,
    },
  };
}

export function provincialMissedNotice(r: { id: string; title: string; dueAt: string }, consecutive: number, cancelAt: number): NoticeText {
  const left = cancelAt - consecutive;
  return {
    topic: 'provincialMissed',
    article: { article: 19, item: 1 },
    subject: {
      zh: `【省厅材料逾期】${r.title}：连续第 ${consecutive} 次未报送`,
      en: `Provincial material missed: ${r.title} (${consecutive} in a row)`,
    },
    paragraphs: [
      {
        zh: `省厅要求的材料“${r.title}”已于 ${when(r.dueAt)} 截止，未登记报送，这是连续第 ${consecutive} 次未报送。`,
        en: `“${r.title}” was due ${when(r.dueAt)} and no submission was recorded: ${consecutive} consecutive misses.`,
      },
      left > 0
        ? { zh: `再连续 ${left} 次未报送，试点将被取消。`, en: `${left} more consecutive miss(es) and the pilot is cancelled.` }
        : { zh: '已达取消试点的条件。', en: 'The condition for cancelling the pilot is met.' },
    ],
  };
}

export function inspectionDueNotice(date: string): NoticeText {
  return {
    topic: 'inspectionDue',
    article: { article: 18 },
    subject: { zh: `【定期检查】${date} 试点建设情况检查`, en: `Periodic inspection due ${date}` },
    paragraphs: [
      {
        zh: '学校定期对试点建设情况进行检查，内容包括：（一）试点建设进展情况；（二）经费落实、资金使用情况；（三）试点建设中的主要问题和改进措施。',
        en: 'The school inspects each pilot periodically: (1) progress, (2) funds in place and their use, (3) main problems and improvement measures.',
      },
      {
        zh: '请教务部组织检查并在管理端登记结果；试点负责人请准备材料。',
        en: 'Academic Affairs: please inspect and record the result; pilot lead: please prepare the material.',
      },
    ],
  };
}

export function passRateRestrictedNotice(year: number, rate: string, candidates: number, passed: number): NoticeText {
  return {
    topic: 'passRateRestricted',
    article: { article: 12 },
    subject: { zh: `【通过率低于90%】${year} 年证书通过率 ${rate}`, en: `Pass rate below 90 %: ${rate} in ${year}` },
    paragraphs: [
      {
        zh: `${year} 年度本试点参考 ${candidates} 人次、通过 ${passed} 人次，通过率 ${rate}，低于 90%。`,
        en: `In ${year} the pilot had ${candidates} candidates and ${passed} passes, a pass rate of ${rate}, below 90 %.`,
      },
      {
        zh: `根据规定，将限制 ${year + 1} 年度该专业该证书的试点申报（教务部可书面说明理由予以豁免）。`,
        en: `The same college, major and certificate are restricted from applying in ${year + 1} (Academic Affairs may waive this with a written reason).`,
      },
    ],
  };
}

export function cancellationRiskNotice(reason: Bilingual): NoticeText {
  return {
    topic: 'cancellationRisk',
    article: { article: 19 },
    subject: { zh: '【取消试点风险】', en: 'Cancellation risk' },
    paragraphs: [
      reason,
      {
        zh: '请二级学院督促整改；教务部将视情况依第十九条取消试点。',
        en: 'The college should see to the rectification; Academic Affairs may cancel the pilot under Art. 19.',
      },
    ],
  };
}

export function leadChangedNotice(
  from: { name: string; email: string },
  to: { name: string; email: string },
  filingRef: string,
): NoticeText {
  return {
    topic: 'leadChanged',
    article: { article: 7 },
    subject: { zh: `【试点负责人变更】${from.name} → ${to.name}`, en: `Pilot lead changed: ${from.name} → ${to.name}` },
    paragraphs: [
      {
        zh: `经审核并报省教育厅备案（${filingRef}），试点负责人由 ${from.name}（${from.email}）变更为 ${to.name}（${to.email}）。此后的提醒邮件发送给新负责人。`,
        en: `Approved and filed with the province (${filingRef}): the pilot lead changes from ${from.name} (${from.email}) to ${to.name} (${to.email}). Later reminders go to the new lead.`,
      },
    ],
  };
}

export function cancelledNotice(grounds: RuleResult[]): NoticeText {
  return {
    topic: 'pilotCancelled',
    article: grounds[0]?.article ?? { article: 19 },
    subject: { zh: '【试点已取消】', en: 'Pilot cancelled' },
    paragraphs: [
      {
        zh: '根据第十九条，本试点已取消，所有进行中的审批与整改流程一并关闭。取消依据：',
        en: 'Under Art. 19 this pilot is cancelled; every approval and rectification in progress is closed. Grounds:',
      },
      ...grounds.map((g) => {
        const c = g.article ? citeArticle(g.article) : { zh: '', en: '' };
        return { zh: `· ${c.zh} ${g.message.zh}`, en: `· ${c.en} ${g.message.en}` };
      }),
    ],
  };
}

export function completedNotice(
  assessed: number,
  approvedTask: number | undefined,
  accountability: RuleResult | null,
  balanceFen: Fen,
): NoticeText {
  const bal = formatFen(balanceFen);
  return {
    topic: 'pilotCompleted',
    article: { article: 20 },
    subject: accountability
      ? { zh: '【试点结项：考核任务未完成】', en: 'Pilot completed: assessment task not met' }
      : { zh: '【试点结项】', en: 'Pilot completed' },
    paragraphs: [
      {
        zh: `试点已到期结项：累计考核 ${assessed} 人次${approvedTask === undefined ? '' : `，批准任务 ${approvedTask} 人次`}；专项资金余额 ${bal.zh}。`,
        en: `The pilot has reached its end date: ${assessed} assessed${approvedTask === undefined ? '' : ` of ${approvedTask} approved`}; special-fund balance ${bal.en}.`,
      },
      ...(accountability
        ? [accountability.message]
        : [{ zh: '已完成省厅批准的考核任务。', en: 'The approved assessment task is complete.' }]),
    ],
  };
}

export function manualReminderNotice(items: Bilingual[], note: string | undefined): NoticeText {
  return {
    topic: 'manualReminder',
    article: { article: 5 },
    subject: { zh: '【教务部提醒】试点待办事项', en: 'Reminder from Academic Affairs: items due' },
    paragraphs: [
      {
        zh: '教务部提醒，以下事项已逾期或即将到期，请尽快办理：',
        en: 'Academic Affairs reminds you that these items are overdue or due soon:',
      },
      ...items.map((i) => ({ zh: `· ${i.zh}`, en: `· ${i.en}` })),
      ...(note ? [{ zh: `备注：${note}`, en: `Note: ${note}` }] : []),
    ],
  };
}

export function deadlineExtendedNotice(what: Bilingual, from: string, to: string, reason: string): NoticeText {
  return {
    topic: 'deadlineExtended',
    article: { article: 4 },
    subject: { zh: `【截止时间调整】${what.zh}`, en: `Deadline extended: ${what.en}` },
    paragraphs: [
      {
        zh: `${what.zh}的截止时间由 ${when(from)} 调整为 ${when(to)}。理由：${reason}`,
        en: `The deadline of ${what.en} moves from ${when(from)} to ${when(to)}. Reason: ${reason}`,
      },
    ],
    dueAt: to,
  };
}
