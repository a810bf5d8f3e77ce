/**
 * A pilot's timeline: its audit trail, with every event of its approvals (each step opened,
 * approved, returned, resubmitted with its note, delegated, copied, the filing, reminders and
 * escalations) and its documents' uploads and restricted downloads, in time order. Pure; the
 * API merges (client/routes/pilots.ts) and the page and the exports read the result. For a
 * pilot whose workflow keeps no audit trail: its weekly reports and e-mails in order.
 */
import type { Role } from '../../domain/actor';
import { approvalKindSpec, provincialFilingStep } from '../../domain/approval-kinds';
import { documentKindNames } from '../../domain/documents';
import type { Bilingual } from '../../domain/errors';
import { nameOf } from '../../domain/names';
import type { ApprovalState } from '../../workflows/approval-types';
import type { AuditEntry, PilotState } from '../../workflows/pilot-state';
import type { DocumentAccess } from '../documents/store';

/** One line of the timeline: an audit entry, whose actor may be known by id only (an approval's events). */
export type TimelineEntry = Omit<AuditEntry, 'actor'> & { actor?: { id: string; role?: Role; college?: string; onBehalfOf?: string } };

/** The pilot's state as the API answers it: with its merged timeline. */
export type PilotWithTimeline = PilotState & { timeline?: TimelineEntry[] };

/** Approval events the pilot's own audit already records (submission, conclusion) or that are plumbing. */
const recordedByThePilot = new Set(['submitted', 'concluded', 'parentSignalled']);

function approvalEntries(a: ApprovalState): TimelineEntry[] {
  const steps = [...approvalKindSpec(a.kind).chain.steps, provincialFilingStep];
  const kind = nameOf('approvalKind', a.kind);
  return a.timeline
    .filter((e) => !recordedByThePilot.has(e.event))
    .map((e) => {
      const event = nameOf('auditAction', `approval.${e.event}`);
      const step = steps.find((x) => x.id === e.stepId)?.title;
      const summary: Bilingual = {
        zh: `${kind.zh}「${a.title.zh}」${event.zh}${step ? `（${step.zh}）` : ''}${e.note ? `：${e.note}` : ''}`,
        en: `${kind.en} “${a.title.en}”: ${event.en}${step ? ` (${step.en})` : ''}${e.note ? `: ${e.note}` : ''}`,
      };
      return {
        seq: 0,
        at: e.at,
        action: `approval.${e.event}`,
        ...(e.actor ? { actor: { id: e.actor, ...(e.onBehalfOf ? { onBehalfOf: e.onBehalfOf } : {}) } } : {}),
        summary,
      };
    });
}

function documentEntries(access: readonly DocumentAccess[]): TimelineEntry[] {
  return access.map((d) => {
    const kind = documentKindNames[d.kind];
    return {
      seq: 0,
      at: d.at,
      action: `document.${d.action}`,
      actor: d.actor,
      summary:
        d.action === 'upload'
          ? { zh: `上传材料「${d.name}」（${kind.zh}）`, en: `document “${d.name}” uploaded (${kind.en})` }
          : { zh: `下载受限材料「${d.name}」（${kind.zh}）`, en: `restricted document “${d.name}” downloaded (${kind.en})` },
    };
  });
}

/** The audit trail with the approvals' events and the documents' access, in time order, numbered. */
export function mergeTimeline(
  audit: readonly AuditEntry[],
  approvals: readonly ApprovalState[],
  access: readonly DocumentAccess[],
): TimelineEntry[] {
  return [...audit, ...approvals.flatMap(approvalEntries), ...documentEntries(access)]
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.at.localeCompare(y.e.at) || x.i - y.i)
    .map(({ e }, i) => ({ ...e, seq: i + 1 }));
}

export function timelineOf(s: PilotWithTimeline): TimelineEntry[] {
  if (s.timeline) return s.timeline;
  if (s.audit) return s.audit;
  const entries: TimelineEntry[] = [];
  for (const p of s.periods) {
    if (p.submittedAt)
      entries.push({
        seq: 0,
        at: p.submittedAt,
        action: 'weeklyReport.submit',
        ...(p.by ? { actor: p.by } : {}),
        summary: {
          zh: `提交 ${p.id} 工作周报（${p.outcome === 'late' ? '迟交' : '按时'}）`,
          en: `weekly report for ${p.id} submitted (${p.outcome === 'late' ? 'late' : 'on time'})`,
        },
      });
    else if (p.outcome === 'missed')
      entries.push({
        seq: 0,
        at: p.dueAt,
        action: 'weeklyReport.missed',
        summary: { zh: `${p.id} 工作周报未按时提交`, en: `weekly report for ${p.id} missed` },
      });
  }
  for (const e of s.emails) {
    const kind = nameOf('emailKind', e.kind);
    entries.push({
      seq: 0,
      at: e.at,
      action: `email.${e.kind}`,
      summary: {
        zh: `发送邮件（${kind.zh}）→ ${e.to.map((t) => t.email).join('、')}`,
        en: `e-mail (${kind.en}) to ${e.to.map((t) => t.email).join(', ')}`,
      },
    });
  }
  return entries.sort((a, b) => a.at.localeCompare(b.at)).map((e, i) => ({ ...e, seq: i + 1 }));
}
