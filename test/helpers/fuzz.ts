/**
 * Arbitraries for the fuzz tests: random junk, and valid inputs with exactly one thing
 * broken, each labelled with the field a refusal must name. Every generated case is
 * invalid by construction (never a valid input by luck), so "refused" is always the right
 * answer and a test that sees one accepted has found a bug.
 */
import fc from 'fast-check';
import type { PilotRecord } from '../../domain/pilot';
import { ruleTables } from '../../domain/tables';

/** `Broken.field` when any named field is a clear enough refusal. */
export const ANY_FIELD = '*';

export interface Broken<T = unknown> {
  payload: T;
  /** The field a refusal must name (exactly, or as the prefix of a nested path), or ANY_FIELD. */
  field: string;
  /** What was broken, for the failure report. */
  what: string;
}

const noise = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !['__proto__', 'constructor', 'prototype', 'actor'].includes(k)),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 3 },
);

/** Any JSON value that is not an object (a payload that is not even shaped). */
export const notAnObject = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.string({ maxLength: 30 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
);

/** A value of the wrong type for a string field. */
const notAString = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);

const blank = fc.array(fc.constantFrom(' ', '\t', '\n', '\r', '\u3000'), { maxLength: 6 }).map((a) => a.join(''));

/** A string that is not an ISO week id such as 2026-W08, even after trimming. */
const notAWeekId = fc.string({ maxLength: 20 }).filter((s) => !/^\d{4}-W\d{2}$/.test(s.trim()));

/** Sets `value` at a dotted path in a deep copy (undefined deletes the key). */
export function withField<T>(base: T, path: string, value: unknown): T {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split('.');
  let obj = copy;
  for (const k of keys.slice(0, -1)) obj = obj[k] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete obj[last];
  else obj[last] = value;
  return copy as T;
}

function broken<T>(base: T, field: string, what: string, value: fc.Arbitrary<unknown>, path = field): fc.Arbitrary<Broken<T>> {
  // No extra fields here: an undeclared field is a refusal of its own (see withUnknownField).
  return value.map((v) => ({ payload: withField(base, path, v), field, what }));
}

/** A valid payload plus one field no schema declares: refused, naming that field. */
export function withUnknownField<T extends object>(base: T): fc.Arbitrary<Broken<T>> {
  return fc
    .tuple(
      fc
        .string({ minLength: 1, maxLength: 8 })
        .filter((k) => /^[A-Za-z][A-Za-z0-9]*$/.test(k) && !(k in base) && !['__proto__', 'constructor', 'prototype'].includes(k)),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(([k, v]) => ({ payload: { ...base, [k]: v } as T, field: k, what: `an unknown field ${k}` }));
}

export interface ReportContext {
  /** The open period a valid report names. */
  openPeriod: string;
  /** A valid report from the pilot's lead. */
  valid: Record<string, unknown>;
  /** The pilot's lead (user id and e-mail) and college, which the validator admits. */
  leadId: string;
  leadEmail: string;
  college: string;
}

/** Reports broken in shape (any layer refuses them: the API with 400, the update validator). */
export function malformedReports(c: ReportContext): fc.Arbitrary<Broken> {
  return fc.oneof(
    notAnObject.map((payload) => ({ payload, field: '(root)', what: 'not an object' })),
    broken(c.valid, 'periodId', 'periodId missing', fc.constant(undefined)),
    broken(c.valid, 'periodId', 'periodId not a string', notAString),
    broken(c.valid, 'periodId', 'periodId not a week id', notAWeekId),
    broken(c.valid, 'content', 'content missing', fc.constant(undefined)),
    broken(c.valid, 'content', 'content not a string', notAString),
    broken(c.valid, 'content', 'content blank', blank),
    broken(
      c.valid,
      'content',
      'content over 5,000 characters',
      fc.integer({ min: 5001, max: 6000 }).map((n) => '周'.repeat(n)),
    ),
    broken(c.valid, 'actor', 'actor missing', fc.constant(undefined)),
    broken(c.valid, 'actor', 'actor not an object', notAnObject),
    broken(
      c.valid,
      'actor',
      'actor role unknown',
      fc
        .string({ maxLength: 12 })
        .filter((r) => !['academicAffairs', 'collegeStaff', 'collegeLeader', 'pilotLead', 'schoolLeader', 'admin'].includes(r)),
      'actor.role',
    ),
    broken(c.valid, 'actor', 'actor id blank', blank, 'actor.id'),
    broken(c.valid, 'actor', 'college role without a college', fc.constantFrom('collegeStaff', 'collegeLeader'), 'actor.role'),
    withUnknownField(c.valid),
  );
}

/** Well-formed reports the workflow must refuse: a period that is not open, an actor who may not report. */
export function refusedReports(c: ReportContext): fc.Arbitrary<Broken> {
  const id = fc
    .string({ minLength: 1, maxLength: 20 })
    .filter((s) => s.trim() !== '' && s.trim() !== c.leadId && s.trim().toLowerCase() !== c.leadEmail.toLowerCase());
  const otherCollege = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== '' && s.trim() !== c.college);
  const foreignActor = fc.oneof(
    id.map((i) => ({ id: i, role: 'pilotLead' })),
    fc.tuple(id, fc.constantFrom('collegeStaff', 'collegeLeader'), otherCollege).map(([i, role, college]) => ({ id: i, role, college })),
    id.map((i) => ({ id: i, role: 'academicAffairs' })), // without onBehalfOf
    fc.tuple(id, fc.constantFrom('schoolLeader', 'admin')).map(([i, role]) => ({ id: i, role, onBehalfOf: c.leadId })),
  );
  const closedWeek = fc
    .tuple(fc.integer({ min: 1990, max: 2099 }), fc.integer({ min: 1, max: 53 }))
    .map(([y, w]) => `${y}-W${String(w).padStart(2, '0')}`)
    .filter((p) => p !== c.openPeriod);
  return fc.oneof(
    broken(c.valid, 'periodId', 'a period that is not open', closedWeek),
    broken(c.valid, 'actor', 'an actor who may not report for this pilot', foreignActor),
  );
}

/** An actor that no schema accepts: not an object, or an object without a valid id and role. */
const junkActor = fc.oneof(
  notAnObject,
  fc.record({ id: fc.oneof(blank, notAString), role: fc.constantFrom('pilotLead', 'academicAffairs') }),
  fc.record({
    id: fc.string({ minLength: 1, maxLength: 10 }),
    role: fc
      .string({ maxLength: 12 })
      .filter((r) => !['academicAffairs', 'collegeStaff', 'collegeLeader', 'pilotLead', 'schoolLeader', 'admin'].includes(r)),
  }),
);

/**
 * Payloads for any Update whose input carries an actor (every human action does): not an
 * object at all, or random fields with the actor missing or malformed.
 */
export function anyUpdatePayload(fieldNames: readonly string[] = []): fc.Arbitrary<Broken> {
  const fields = fc.dictionary(fc.constantFrom(...fieldNames, 'id', 'outcome', 'comment', 'reason'), fc.jsonValue({ maxDepth: 2 }), {
    maxKeys: 4,
  });
  // Validators report the first problem they check, which differs per Update: any named field will do.
  return fc.oneof(
    notAnObject.map((payload) => ({ payload, field: ANY_FIELD, what: 'not an object' })),
    fc.tuple(noise, fields).map(([extra, f]) => ({ payload: { ...extra, ...f }, field: ANY_FIELD, what: 'no actor' })),
    fc
      .tuple(noise, fields, junkActor)
      .map(([extra, f, actor]) => ({ payload: { ...extra, ...f, actor }, field: ANY_FIELD, what: 'a malformed actor' })),
  );
}

/** Pilot-start bodies with exactly one field of the pilot broken (400 from the API). */
export function malformedPilots(valid: PilotRecord & Record<string, unknown>): fc.Arbitrary<Broken> {
  const badEmail = fc.oneof(
    fc.string({ maxLength: 20 }).filter((s) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s)),
    notAString,
  );
  const badDate = fc.oneof(
    fc.string({ maxLength: 12 }).filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s.trim())),
    fc.constantFrom('2026-02-30', '2026-13-01', '2026-00-10', '2025-02-29'),
    notAString,
  );
  const badId = fc.oneof(
    fc.constant(''),
    fc.string({ minLength: 65, maxLength: 80, unit: fc.constantFrom('a', '1', '-') }).map((s) => `a${s}`),
    fc
      .tuple(fc.string({ maxLength: 10 }), fc.constantFrom(' x', '"', "'", '/', '\\', '?', '#', '%', '中', ':'))
      .map(([s, bad]) => `a${s}${bad}`),
    fc.constantFrom('-starts-with-dash', '.dot', '_under'),
    notAString,
  );
  const p = (field: string, what: string, value: fc.Arbitrary<unknown>) =>
    broken({ pilot: valid }, `pilot.${field}`, what, value).map((b) => ({
      ...b,
      payload: { ...(b.payload as object), actor: { id: 'jwb', role: 'academicAffairs' } },
    }));
  return fc.oneof(
    notAnObject.map((payload) => ({ payload, field: '(root)', what: 'not an object' })),
    p('id', 'id malformed', badId),
    p('college', 'college missing', fc.constant(undefined)),
    p('lead.email', 'lead e-mail invalid', badEmail),
    p('collegeLeaderEmail', 'college leader e-mail invalid', badEmail),
    p('startDate', 'start date invalid', badDate),
    p(
      'endDate',
      'end date not after the start',
      fc.integer({ min: 0, max: 400 }).map((n) => new Date(Date.parse(valid.startDate) - n * 86_400_000).toISOString().slice(0, 10)),
    ),
    p(
      'reportPolicy.weekday',
      'weekday outside 1–5',
      fc.oneof(
        fc.integer({ min: -5, max: 0 }),
        fc.integer({ min: 6, max: 99 }),
        fc.double({ min: 1.1, max: 4.9, noNaN: true }).filter((d) => !Number.isInteger(d)),
        notAString,
      ),
    ),
    p(
      'reportPolicy.time',
      'time not HH:mm',
      fc.oneof(
        fc.string({ maxLength: 8 }).filter((s) => !/^([01]\d|2[0-3]):[0-5]\d$/.test(s.trim())),
        notAString,
      ),
    ),
    p(
      'reportPolicy.reminderLeadHours',
      'reminder lead outside 0–168',
      fc.oneof(fc.integer({ min: -100, max: -1 }), fc.integer({ min: 169, max: 10_000 }), notAString),
    ),
    p(
      'certificate.level',
      'certificate level unknown',
      fc.string({ maxLength: 12 }).filter((s) => !['elementary', 'intermediate', 'advanced'].includes(s)),
    ),
    p(
      'rulesVersion',
      'rule-table version unknown',
      fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !ruleTables.some((t) => t.version === s)),
    ),
  );
}
