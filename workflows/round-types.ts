/**
 * Types of the round, application and programme-registry workflows: their inputs, the
 * messages' payloads, and the state their queries return (shared with the client).
 */
import type { Actor } from '../domain/actor';
import type { Application, ApplicationInput, PassRecord } from '../domain/application';
import type { CalendarWarning } from '../domain/calendar';
import type { Bilingual, RuleResult } from '../domain/errors';
import type { NotificationKind } from '../domain/notifications';
import type { CertificateLevel } from '../domain/pilot';
import type {
  ApplicationStatus,
  ApplicationStep,
  PassRecordInput,
  PublicNotice,
  RoundRecord,
  RoundStage,
  StoredPassRecord,
} from '../domain/round';
import type { Waiver } from '../domain/waivers';
import type { RecipientRole } from '../domain/weekly';

export interface EmailSent {
  eventKey: string;
  kind: NotificationKind;
  to: { role: RecipientRole; email: string }[];
  messageId: string;
  at: string;
  /** Why the mail server refused it for good (then messageId is empty). */
  failed?: string;
}

// ── Round ────────────────────────────────────────────────────────────────────
export interface RoundWorkflowInput {
  round: RoundRecord;
  openedBy: Actor;
}

/** Art. 9(2): a college drafts an application in the round. */
export interface CreateApplicationInput {
  /** The application; `roundId` and `year` are the round's and may be left out. */
  application: Omit<ApplicationInput, 'roundId' | 'year'> & { roundId?: string; year?: number };
  actor: Actor;
}
export interface CreateApplicationResult {
  applicationId: string;
  workflowId: string;
}

/** A round-level waiver, granted before the application exists (Art. 8(2): a second application for a major). */
export interface GrantRoundWaiverInput {
  ruleId: string;
  /** The id the application will have. */
  subjectId: string;
  reason: string;
  actor: Actor;
}

/** Art. 9(2): Academic Affairs confirms the consolidated list for the province. */
export interface ConfirmSubmissionInput {
  applicationIds: string[];
  /** The date the list went to the province (a submission made earlier may be recorded late); today when omitted. */
  submittedOn?: string;
  note?: string;
  actor: Actor;
}
export interface ConfirmSubmissionResult {
  submitted: string[];
  notSubmitted: string[];
  late: boolean;
  confirmedAt: string;
}

/** Art. 9(3): the province's result for one application. */
export interface RecordProvincialResultInput {
  applicationId: string;
  outcome: 'approved' | 'rejected';
  /** Required when rejected. */
  reason?: string;
  actor: Actor;
}

/** Art. 9(3): the province's public notice (公示); it ends after the round's working days. */
export interface RecordPublicNoticeInput {
  /** The first day of the notice (a notice the province started earlier may be recorded late). */
  startDate: string;
  actor: Actor;
}

export interface RecordObjectionInput {
  applicationId: string;
  content: string;
  actor: Actor;
}

export interface ProvincialResultRecord {
  applicationId: string;
  outcome: 'approved' | 'rejected';
  reason?: string;
  by: Actor;
  at: string;
  /** 1 for the first result; +1 when a later result replaces it (e.g. after an objection). */
  revision: number;
}

export interface Objection {
  applicationId: string;
  content: string;
  by: Actor;
  at: string;
}

/** What an application tells its round at each change (signal, child → round). */
export interface ApplicationProgress {
  /** Increases with every progress signal of the application: the round ignores stale ones. */
  seq: number;
  applicationId: string;
  workflowId: string;
  collegeId: string;
  collegeName: string;
  majorName: string;
  /** The major's code where the application gives one (the major's identity; the name is its label). */
  majorCode?: string;
  majorKey: string;
  certificateName: string;
  level: CertificateLevel;
  status: ApplicationStatus;
  dueAt?: string;
  missedInternalDeadline: boolean;
  /** The college leader has signed the current version off. */
  signed: boolean;
  /** Academic Affairs has approved it. */
  reviewed: boolean;
  /** Returned for revision and not yet resubmitted. */
  returned: boolean;
  blocking: string[];
  waived: string[];
  updatedAt: string;
  /** The application as Academic Affairs approved it (from approval on): what a pilot starts with. */
  approved?: Application;
}

/** What the round tells an application (signal, round → child). */
export type RoundDecision =
  | { kind: 'submittedToProvince'; at: string; by: Actor }
  | { kind: 'notSubmitted'; at: string; reason: Bilingual }
  | { kind: 'provincialResult'; at: string; by: Actor; outcome: 'approved' | 'rejected'; reason?: string }
  | { kind: 'objection'; at: string; by: Actor; content: string }
  | { kind: 'publicNotice'; at: string; notice: PublicNotice }
  | { kind: 'pilotStarted'; at: string; pilotId: string; workflowId: string }
  | { kind: 'closed'; at: string };

export interface RoundCounts {
  drafted: number;
  signed: number;
  reviewed: number;
  returned: number;
  submitted: number;
  approved: number;
  withdrawn: number;
  rejected: number;
}

export interface CollegeOverview {
  collegeId: string;
  name: string;
  counts: RoundCounts;
  applications: ApplicationProgress[];
}

export interface RoundTimelineEntry {
  at: string;
  event:
    | 'opened'
    | 'applicationCreated'
    | 'waived'
    | 'internalDeadline'
    | 'confirmationReminder'
    | 'confirmationOverdue'
    | 'submissionConfirmed'
    | 'provincialResult'
    | 'publicNotice'
    | 'objection'
    | 'pilotStarted'
    | 'pilotStartFailed'
    | 'closed';
  actor?: Actor;
  applicationId?: string;
  text?: string;
}

export interface PilotStarted {
  applicationId: string;
  pilotId: string;
  workflowId: string;
  startedAt: string;
  /** Set when the pilot could not be started (e.g. its id already exists). */
  error?: string;
}

export interface RoundState {
  round: RoundRecord;
  workflowId: string;
  stage: RoundStage;
  stageName: Bilingual;
  openedAt: string;
  openedBy: Actor;
  internalDeadlineAt: string;
  noticeWorkingDays: number;
  confirmation: {
    dueAt: string;
    remindAt: string;
    reminded: boolean;
    overdue: boolean;
    confirmedAt?: string;
    by?: Actor;
    late?: boolean;
    submittedOn?: string;
    applicationIds?: string[];
    note?: string;
  };
  totals: RoundCounts;
  colleges: CollegeOverview[];
  results: ProvincialResultRecord[];
  publicNotice?: PublicNotice & { recordedBy: Actor; recordedAt: string };
  objections: Objection[];
  pilots: PilotStarted[];
  waivers: Waiver[];
  timeline: RoundTimelineEntry[];
  emails: EmailSent[];
  calendarWarnings: CalendarWarning[];
  waitingOn: Bilingual;
}

export interface RoundOutcome {
  roundId: string;
  submitted: number;
  approved: number;
  rejected: number;
  pilots: string[];
}

// ── Application ──────────────────────────────────────────────────────────────
export interface ApplicationContacts {
  collegeLeader: { name: string; email: string; userId?: string | undefined };
  collegeStaff: { name: string; email: string; userId?: string | undefined }[];
  academicAffairs: { name: string; email: string; userId?: string | undefined };
  schoolLeader: { name: string; email: string; userId?: string | undefined };
}

export interface ApplicationWorkflowInput {
  application: Application;
  round: Pick<RoundRecord, 'id' | 'year' | 'provincialCall' | 'documentNumber' | 'internalDeadline' | 'rulesVersion'>;
  contacts: ApplicationContacts;
  createdBy: Actor;
  /** Waivers granted on the round before the application existed (Art. 8(2)). */
  waivers: Waiver[];
  /** Other live applications of the round for the same major (only with an Art. 8(2) waiver). */
  sameRound: Pick<Application, 'id' | 'roundId' | 'college' | 'major'>[];
}

/** Fields the college may change while drafting; identity (id, round, college, major) is fixed. */
export type ApplicationChanges = Partial<Omit<ApplicationInput, 'id' | 'roundId' | 'year' | 'college' | 'major'>>;

export interface EditApplicationInput {
  changes: ApplicationChanges;
  actor: Actor;
}
export interface SubmitApplicationInput {
  actor: Actor;
  note?: string;
}
export interface WithdrawApplicationInput {
  actor: Actor;
  reason?: string;
}
/** Art. 5(2): the college leader signs off (declaring the materials authentic) or returns it. */
export interface SignOffInput {
  outcome: 'approve' | 'return';
  /** Must be true to sign off. */
  declareAuthentic?: boolean;
  comment?: string;
  actor: Actor;
}
/** Academic Affairs reviews: approve, return to a chosen step, or reject. */
export interface ReviewInput {
  outcome: 'approve' | 'return' | 'reject';
  comment?: string;
  /** Where a return goes: `draft` (the college's drafters) or `college` (the college leader). */
  returnTo?: 'draft' | 'college';
  actor: Actor;
}
export interface WaiveRuleInput {
  ruleId: string;
  field?: string;
  reason: string;
  actor: Actor;
}

export interface OpenStep {
  step: ApplicationStep;
  openedAt: string;
  dueAt: string;
  remindAt: string;
  reminded: boolean;
  overdue: boolean;
}

export interface ApplicationTimelineEntry {
  at: string;
  event:
    | 'created'
    | 'edited'
    | 'submitted'
    | 'withdrawn'
    | 'abandoned'
    | 'signedOff'
    | 'returned'
    | 'approved'
    | 'rejected'
    | 'waived'
    | 'reminded'
    | 'overdue'
    | 'submittedToProvince'
    | 'notSubmitted'
    | 'provincialResult'
    | 'objection'
    | 'publicNotice'
    | 'pilotStarted'
    | 'closed';
  actor?: Actor;
  step?: ApplicationStep;
  to?: ApplicationStep;
  comment?: string;
  ruleId?: string;
}

export interface ApplicationState {
  workflowId: string;
  roundId: string;
  application: Application;
  status: ApplicationStatus;
  statusName: Bilingual;
  step?: OpenStep;
  openReturn?: { by: ApplicationStep; to: ApplicationStep; comment: string; at: string; actor: Actor };
  submittedBy?: Actor;
  submissions: number;
  signedOff?: { by: Actor; at: string; declaration: Bilingual };
  reviewedBy?: { by: Actor; at: string };
  evaluation: { blocking: RuleResult[]; waived: { result: RuleResult; waiverId: string }[]; advisories: RuleResult[] };
  waivers: Waiver[];
  /** Last year's pass records of this college, major and certificate (Art. 12). */
  passRecords: PassRecord[];
  missedInternalDeadline: boolean;
  provincial?: { outcome: 'approved' | 'rejected'; reason?: string; at: string; by: Actor };
  publicNotice?: PublicNotice;
  objections: { content: string; by: Actor; at: string }[];
  pilot?: { pilotId: string; workflowId: string };
  timeline: ApplicationTimelineEntry[];
  emails: EmailSent[];
  calendarWarnings: CalendarWarning[];
  waitingOn: Bilingual;
}

export interface ApplicationOutcome {
  applicationId: string;
  status: ApplicationStatus;
  pilotId?: string;
}

// ── Programme registry (Art. 12 pass records) ────────────────────────────────
/** What a pilot workflow reports at the end of an assessment year (signal). */
export interface PassRecordReport {
  pilotId: string;
  record: PassRecordInput;
}

export interface RegistryWorkflowInput {
  records?: StoredPassRecord[];
  rejectedReports?: { at: string; pilotId: string; errors: RuleResult[] }[];
  runIndex?: number;
  continueAsNewAfterEvents?: number;
}

export interface RegistryState {
  records: StoredPassRecord[];
  rejectedReports: { at: string; pilotId: string; errors: RuleResult[] }[];
  runIndex: number;
}

/** Which pass records an application needs: last year's, of its college, major and certificate. */
export interface PassRecordLookup {
  year: number;
  collegeId: string;
  major: { code?: string | undefined; name: string };
  certificate: { name: string; evaluationOrg: string };
}
