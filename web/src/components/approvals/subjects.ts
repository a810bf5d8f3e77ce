/**
 * The forms of the three approval kinds (domain/approval-kinds.ts) as the page edits them:
 * a draft per kind (amounts in 分, typed in 元), built empty for a new item or from a
 * returned item's subject for its resubmission, turned into the subject the kind's schema
 * parses, and the field paths (`subject.lines.2.amountFen`) whose refusals land beside them.
 */
import type { Actor } from '../../../../domain/actor';
import type { ApprovalKind } from '../../../../domain/approval-kinds';
import type { BudgetPlan, FundingSource } from '../../../../domain/budget';
import type { ChangeRequest } from '../../../../domain/change';
import type { ExaminerTrainingPlan } from '../../../../domain/examiner';
import type { FundUse } from '../../../../domain/funds';
import { today } from '../../format';

export interface BudgetDraft {
  id: string;
  year: number;
  rationale: string;
  lines: { category: FundUse | ''; description: string; amountFen: number | null; problem?: string | undefined }[];
  funding: { source: FundingSource | ''; amountFen: number | null; note: string; problem?: string | undefined }[];
}
export interface ChangeDraft {
  id: string;
  reason: string;
  content: { on: boolean; text: string };
  schedule: { on: boolean; startDate: string; endDate: string };
  lead: { on: boolean; name: string; email: string; userId: string };
  /** Kept from the item as first submitted (a resubmission names the same request). */
  requestedBy?: Actor;
  requestedAt?: string;
}
export interface ExaminerDraft {
  id: string;
  year: number;
  trainees: { name: string; email: string }[];
  content: string;
  provider: string;
  from: string;
  to: string;
}
export interface Drafts {
  budget: BudgetDraft;
  changeRequest: ChangeDraft;
  examinerPlan: ExaminerDraft;
}
export type AnyDraft = Drafts[ApprovalKind];

const suffix = () => Math.random().toString(36).slice(2, 6);
const thisYear = () => Number(today().slice(0, 4));

export function newDraft<K extends ApprovalKind>(kind: K): Drafts[K] {
  const year = thisYear();
  const drafts: Drafts = {
    budget: {
      id: `YS-${year}-${suffix()}`,
      year,
      rationale: '',
      lines: [{ category: '', description: '', amountFen: null }],
      funding: [{ source: '', amountFen: null, note: '' }],
    },
    changeRequest: {
      id: `BG-${today().replace(/-/g, '')}-${suffix()}`,
      reason: '',
      content: { on: false, text: '' },
      schedule: { on: false, startDate: '', endDate: '' },
      lead: { on: false, name: '', email: '', userId: '' },
    },
    examinerPlan: {
      id: `PX-${year}-${suffix()}`,
      year,
      trainees: [{ name: '', email: '' }],
      content: '',
      provider: '',
      from: '',
      to: '',
    },
  };
  return drafts[kind];
}

/** A returned item's subject as a draft to amend. */
export function draftOf<K extends ApprovalKind>(kind: K, subject: unknown): Drafts[K] {
  if (kind === 'budget') {
    const s = subject as BudgetPlan;
    const d: BudgetDraft = {
      id: s.id,
      year: s.year,
      rationale: s.rationale,
      lines: s.lines.map((l) => ({ category: l.category, description: l.description, amountFen: l.amountFen })),
      funding: s.funding.map((f) => ({ source: f.source, amountFen: f.amountFen, note: f.note ?? '' })),
    };
    return d as Drafts[K];
  }
  if (kind === 'changeRequest') {
    const s = subject as ChangeRequest;
    const c = s.changes;
    const d: ChangeDraft = {
      id: s.id,
      reason: s.reason,
      content: { on: c.content !== undefined, text: c.content ?? '' },
      schedule: { on: c.schedule !== undefined, startDate: c.schedule?.startDate ?? '', endDate: c.schedule?.endDate ?? '' },
      lead: { on: c.lead !== undefined, name: c.lead?.name ?? '', email: c.lead?.email ?? '', userId: c.lead?.userId ?? '' },
      requestedBy: s.requestedBy,
      requestedAt: s.requestedAt,
    };
    return d as Drafts[K];
  }
  const s = subject as ExaminerTrainingPlan;
  const d: ExaminerDraft = {
    id: s.id,
    year: s.year,
    trainees: s.trainees.map((t) => ({ name: t.name, email: t.email })),
    content: s.content,
    provider: s.provider,
    from: s.from,
    to: s.to,
  };
  return d as Drafts[K];
}

const opt = (s: string) => (s.trim() ? s.trim() : undefined);

/** The subject the kind's schema parses (the server fills in the pilot, and who asks and when). */
export function subjectOf(kind: ApprovalKind, draft: AnyDraft): Record<string, unknown> {
  if (kind === 'budget') {
    const d = draft as BudgetDraft;
    return {
      id: d.id.trim(),
      year: d.year,
      rationale: d.rationale,
      lines: d.lines.map((l) => ({ category: l.category, description: l.description, amountFen: l.amountFen })),
      funding: d.funding.map((f) => ({ source: f.source, amountFen: f.amountFen, ...(opt(f.note) ? { note: f.note.trim() } : {}) })),
    };
  }
  if (kind === 'changeRequest') {
    const d = draft as ChangeDraft;
    const schedule = {
      ...(d.schedule.startDate ? { startDate: d.schedule.startDate } : {}),
      ...(d.schedule.endDate ? { endDate: d.schedule.endDate } : {}),
    };
    return {
      id: d.id.trim(),
      reason: d.reason,
      changes: {
        ...(d.content.on ? { content: d.content.text } : {}),
        ...(d.schedule.on ? { schedule } : {}),
        ...(d.lead.on
          ? { lead: { name: d.lead.name, email: d.lead.email.trim(), ...(opt(d.lead.userId) ? { userId: d.lead.userId } : {}) } }
          : {}),
      },
      ...(d.requestedBy ? { requestedBy: d.requestedBy } : {}),
      ...(d.requestedAt ? { requestedAt: d.requestedAt } : {}),
    };
  }
  const d = draft as ExaminerDraft;
  return {
    id: d.id.trim(),
    year: d.year,
    trainees: d.trainees.map((t) => ({ name: t.name, email: t.email.trim() })),
    content: d.content,
    provider: d.provider,
    from: d.from,
    to: d.to,
  };
}

/** Amount fields whose text is not an amount (the form says so beside them; nothing is sent). */
export function amountProblems(kind: ApprovalKind, draft: AnyDraft): boolean {
  if (kind !== 'budget') return false;
  const d = draft as BudgetDraft;
  return [...d.lines, ...d.funding].some((l) => l.problem !== undefined);
}

/** Every field path of the forms (a refusal naming one is shown beside it; the rest above the form). */
export function subjectFields(prefix = 'subject'): string[] {
  const f = (s: string) => `${prefix}.${s}`;
  const out = [
    'id',
    'year',
    'rationale',
    'lines',
    'funding',
    'reason',
    'reason.(root)',
    'changes',
    'changes.(root)',
    'trainees',
    'content',
    'provider',
    'from',
    'to',
  ].map(f);
  for (let i = 0; i < 200; i++) {
    out.push(f(`lines.${i}.category`), f(`lines.${i}.description`), f(`lines.${i}.amountFen`));
    out.push(f(`trainees.${i}.name`), f(`trainees.${i}.email`), f(`trainees.${i}`));
  }
  for (let i = 0; i < 50; i++) out.push(f(`funding.${i}.source`), f(`funding.${i}.amountFen`), f(`funding.${i}.note`));
  out.push(
    ...['content', 'schedule', 'schedule.startDate', 'schedule.endDate', 'lead', 'lead.name', 'lead.email', 'lead.userId'].map((s) =>
      f(`changes.${s}`),
    ),
  );
  return out;
}
