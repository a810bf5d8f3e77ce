/**
 * E-mail letters for application rounds (domain/round-notifications.ts). Pure, like every
 * template: the same notification renders the same mail. Chinese first, English beside
 * it; each names the round or application, the article, the due date in Beijing time,
 * what to do, and links to the round or application in the admin client.
 */
import { formatShanghaiMinute } from '../domain/calendar';
import { citeArticle, type Bilingual } from '../domain/errors';
import { certificateLevelNames } from '../domain/pilot';
import { stepNames, type AnyStep } from '../domain/round';
import type {
  ApplicationSummary,
  ProvincialResultNotification,
  PublicNoticeStartedNotification,
  ReturnedForRevisionNotification,
  RoundNotification,
  RoundOpenedNotification,
  RoundSummary,
  StepOverdueNotification,
  StepReminderNotification,
} from '../domain/round-notifications';
import { MEASURES, addressees, capitalise, type Letter, type TemplateLinks } from './letter';

/** `${adminUrl}/rounds/<roundId>[/applications/<applicationId>]`. */
export function roundLink(links: TemplateLinks, roundId: string, applicationId?: string): string {
  const base = `${links.adminUrl.replace(/\/+$/, '')}/rounds/${encodeURIComponent(roundId)}`;
  return applicationId === undefined ? base : `${base}/applications/${encodeURIComponent(applicationId)}`;
}

export function roundLetter(n: RoundNotification, links: TemplateLinks): Letter {
  switch (n.kind) {
    case 'roundOpened':
      return roundOpened(n, roundLink(links, n.round.id));
    case 'stepReminder':
      return stepReminder(n, roundLink(links, n.round.id, n.application?.id));
    case 'stepOverdue':
      return stepOverdue(n, roundLink(links, n.round.id, n.application?.id));
    case 'returnedForRevision':
      return returned(n, roundLink(links, n.round.id, n.application.id));
    case 'provincialResult':
      return provincialResult(n, roundLink(links, n.round.id, n.application.id));
    case 'publicNoticeStarted':
      return publicNotice(n, roundLink(links, n.round.id, n.application.id));
  }
}

function roundName(r: RoundSummary): Bilingual {
  return { zh: `${r.year} 年度《${r.title}》（${r.documentNumber}）`, en: `the ${r.year} round "${r.title}" (${r.documentNumber})` };
}

function applicationName(a: ApplicationSummary): Bilingual {
  const level = certificateLevelNames[a.level];
  const bare = `${a.collegeName} ${a.majorName} ${a.certificateName}`;
  return { zh: `“${bare}（${level.zh}）”试点申报（编号 ${a.id}）`, en: `the pilot application ${bare} (${level.en} level, id ${a.id})` };
}

/** What the round or application is, for the opening line. */
function subjectName(n: { round: RoundSummary; application?: ApplicationSummary }): Bilingual {
  const r = roundName(n.round);
  if (!n.application) return r;
  const a = applicationName(n.application);
  return { zh: `${r.zh}中的${a.zh}`, en: `${a.en} in ${r.en}` };
}

function shortName(n: { round: RoundSummary; application?: ApplicationSummary }): Bilingual {
  if (!n.application) return { zh: `${n.round.year} 年度试点申报`, en: `${n.round.year} pilot applications` };
  const a = n.application;
  return { zh: `${a.collegeName} ${a.majorName} ${a.certificateName}`, en: `${a.collegeName} ${a.majorName} ${a.certificateName}` };
}

const whatToDo: Record<AnyStep, Bilingual> = {
  draft: {
    zh: '请完善申报材料并提交二级学院负责人审核签字',
    en: "complete the application and submit it for the college leader's sign-off",
  },
  college: {
    zh: '请审核申报材料并签字，声明对材料真实性负责（第五条（二）），或退回修改',
    en: 'review the application and sign it off, declaring the materials authentic (Art. 5(2)), or return it for revision',
  },
  academicAffairs: {
    zh: '请审核：通过、退回修改，或对“原则上”规则作出豁免（须写明理由）',
    en: 'review it: approve, return it for revision, or waive an "in principle" rule with a written reason',
  },
  consolidation: { zh: '请确认报送省教育厅的汇总名单', en: 'confirm the consolidated list to submit to the province' },
};

function rule(n: { article: { article: number; item?: number } }): Bilingual {
  const cite = citeArticle(n.article);
  return { zh: `依据${MEASURES.zh}${cite.zh}。`, en: `Under ${cite.en} of ${MEASURES.en}.` };
}

/** What every letter about an application or the round states: addressees, names, the rule. */
function facts(n: Exclude<RoundNotification, RoundOpenedNotification>) {
  return { to: addressees(n.to), short: shortName(n), name: subjectName(n), ruleLine: rule(n) };
}

function roundOpened(n: RoundOpenedNotification, link: string): Letter {
  const r = roundName(n.round);
  const due = formatShanghaiMinute(n.internalDeadlineAt);
  const to = addressees(n.to);
  const ruleLine = rule(n);
  return {
    subject: {
      zh: `【1+X试点申报通知】${r.zh} 校内截止 ${due}`,
      en: `1+X pilot applications open: ${r.en}, internal deadline ${due} Beijing time`,
    },
    zh: [
      [to.zh],
      [
        `${n.collegeName}：省教育厅已发布${r.zh}，省教育厅截止日期为 ${n.provincialDeadline}。教务部现组织各二级学院（部）开展试点申报，校内截止时间为 ${due}（北京时间）。${ruleLine.zh}`,
      ],
      [`申报要求：${n.requirements}`],
      [
        '每个专业原则上限申报 1 个证书试点（第八条（二）），考证人数原则上不低于 30 人（第八条（三）），须有课程支撑并落实课证融通（第八条（四）、（六））；上一年度通过率低于 90% 的试点限制申报（第十二条）。',
      ],
      ['请登录管理端起草并提交申报：', { href: link }],
    ],
    en: [
      [to.en],
      [
        `${n.collegeName}: the province has issued ${r.en}; its deadline is ${n.provincialDeadline}. Academic Affairs now opens the internal round; the internal deadline is ${due} Beijing time. ${ruleLine.en}`,
      ],
      [`Requirements: ${n.requirements}`],
      [
        'In principle one certificate pilot per major (Art. 8(2)) and at least 30 planned examinees (Art. 8(3)); supporting courses and course–certificate integration are required (Art. 8(4), 8(6)); a pilot whose pass rate last year was below 90 % is restricted (Art. 12).',
      ],
      ['Draft and submit applications in the admin client: ', { href: link }],
    ],
  };
}

function stepReminder(n: StepReminderNotification, link: string): Letter {
  const due = formatShanghaiMinute(n.dueAt);
  const step = stepNames[n.step];
  const { to, short, name, ruleLine } = facts(n);
  return {
    subject: {
      zh: `【1+X试点申报提醒】${short.zh}：${step.zh}将于 ${due} 截止`,
      en: `Reminder: ${short.en}, ${step.en} due ${due} Beijing time`,
    },
    zh: [
      [to.zh],
      [`${name.zh}的“${step.zh}”环节将于 ${due}（北京时间）截止。${ruleLine.zh}`],
      [`${whatToDo[n.step].zh}：`, { href: link }],
      ['如已办理，请忽略本提醒。'],
    ],
    en: [
      [to.en],
      [
        `${capitalise(name.en)}: the step "${step.en}" is due ${due} Beijing time. ${ruleLine.en} Please ${whatToDo[n.step].en}: `,
        { href: link },
      ],
      ['If you have already done so, please ignore this reminder.'],
    ],
  };
}

function stepOverdue(n: StepOverdueNotification, link: string): Letter {
  const due = formatShanghaiMinute(n.dueAt);
  const step = stepNames[n.step];
  const { to, short, name, ruleLine } = facts(n);
  return {
    subject: {
      zh: `【1+X试点申报逾期督办】${short.zh}：${step.zh}已于 ${due} 逾期`,
      en: `Overdue, escalated: ${short.en}, ${step.en} was due ${due} Beijing time`,
    },
    zh: [
      [to.zh],
      [`${name.zh}的“${step.zh}”环节已于 ${due}（北京时间）逾期未办理，现升级至${n.escalatedTo.zh}督办。${ruleLine.zh}`],
      [`请尽快${whatToDo[n.step].zh}：`, { href: link }],
    ],
    en: [
      [to.en],
      [
        `${capitalise(name.en)}: the step "${step.en}" was due ${due} Beijing time and has not been done; it is now escalated to ${n.escalatedTo.en}. ${ruleLine.en} Please ${whatToDo[n.step].en} as soon as possible: `,
        { href: link },
      ],
    ],
  };
}

function returned(n: ReturnedForRevisionNotification, link: string): Letter {
  const due = formatShanghaiMinute(n.dueAt);
  const by = stepNames[n.returnedBy];
  const toStep = stepNames[n.returnedTo];
  const { to, short, name, ruleLine } = facts(n);
  return {
    subject: {
      zh: `【1+X试点申报退回修改】${short.zh}：${by.zh}退回，请于 ${due} 前处理`,
      en: `Returned for revision: ${short.en} (by ${by.en}), due ${due} Beijing time`,
    },
    zh: [
      [to.zh],
      [`${name.zh}已由“${by.zh}”退回至“${toStep.zh}”修改。${ruleLine.zh}`],
      [`退回意见：${n.comment}`],
      [`请于 ${due}（北京时间）前修改并重新提交；重新提交后将直接回到“${by.zh}”环节：`, { href: link }],
    ],
    en: [
      [to.en],
      [`${capitalise(name.en)} was returned by "${by.en}" to "${toStep.en}" for revision. ${ruleLine.en}`],
      [`Comment: ${n.comment}`],
      [`Please revise and resubmit it by ${due} Beijing time; it then goes straight back to "${by.en}": `, { href: link }],
    ],
  };
}

function provincialResult(n: ProvincialResultNotification, link: string): Letter {
  const { to, short, name, ruleLine } = facts(n);
  if (n.outcome === 'approved') {
    return {
      subject: {
        zh: `【1+X试点立项】${short.zh}：省教育厅批准，试点 ${n.pilotId ?? ''} 已启动`,
        en: `Pilot approved: ${short.en}; pilot ${n.pilotId ?? ''} started`,
      },
      zh: [
        [to.zh],
        [`${name.zh}经省教育厅评审批准，公示期满无异议，已确定立项。${ruleLine.zh}`],
        [`试点实施流程已启动（试点编号 ${n.pilotId ?? '—'}），请试点负责人按第五条按周报送工作周报。申报详情：`, { href: link }],
      ],
      en: [
        [to.en],
        [`${capitalise(name.en)} was approved by the province and its public notice has ended: the pilot is approved. ${ruleLine.en}`],
        [
          `The pilot workflow has started (pilot id ${n.pilotId ?? '—'}); the pilot lead files weekly work reports under Art. 5. The application: `,
          { href: link },
        ],
      ],
    };
  }
  return {
    subject: { zh: `【1+X试点申报结果】${short.zh}：省教育厅不予批准`, en: `Pilot application not approved: ${short.en}` },
    zh: [[to.zh], [`${name.zh}未获省教育厅批准。${ruleLine.zh}`], [`理由：${n.reason ?? '—'}`], ['申报详情：', { href: link }]],
    en: [
      [to.en],
      [`${capitalise(name.en)} was not approved by the province. ${ruleLine.en}`],
      [`Reason: ${n.reason ?? '—'}`],
      ['The application: ', { href: link }],
    ],
  };
}

function publicNotice(n: PublicNoticeStartedNotification, link: string): Letter {
  const { to, short, name, ruleLine } = facts(n);
  return {
    subject: { zh: `【1+X试点公示】${short.zh}：公示期 ${n.start} 至 ${n.end}`, en: `Public notice: ${short.en}, ${n.start} to ${n.end}` },
    zh: [
      [to.zh],
      [`${name.zh}已获省教育厅评审通过，现进入公示期：${n.start} 至 ${n.end}（${n.workingDays} 个工作日，节假日不计）。${ruleLine.zh}`],
      ['公示期满无异议后，系统将自动启动试点实施流程。公示期内如有异议，由教务部录入。详情：', { href: link }],
    ],
    en: [
      [to.en],
      [
        `${capitalise(name.en)} passed the province's review and is under public notice from ${n.start} to ${n.end} (${n.workingDays} working days; holidays do not count). ${ruleLine.en}`,
      ],
      [
        'When the notice ends without a sustained objection, the pilot workflow starts on its own; Academic Affairs records any objection during the notice. Details: ',
        { href: link },
      ],
    ],
  };
}
