/**
 * The admin API's own small state, kept server-side in one SQLite file (better-sqlite3,
 * WAL mode): sessions, sign-in attempts and Idempotency-Key bindings.
 *
 * Why SQLite: a session must end on the server when its user signs out (a copied cookie must
 * stop working), survive an API restart and be seen by every API process of a deployment.
 * One SQLite file on the API's data volume does all three for API processes on one host
 * (WAL lets several processes read and write it safely, with no server to run), and its
 * transactions make the sign-in throttle's count-then-check atomic across concurrent
 * requests. API processes on several hosts would need a shared database instead (noted in
 * the README). better-sqlite3 is synchronous: every call here finishes before the request
 * handler awaits anything, which is what makes "count the attempt before checking the
 * password" hold under concurrency.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface ThrottlePolicy {
  /** Failures of one account (from anywhere) before each further attempt must wait. */
  accountFreeFailures: number;
  /** The longest wait an account's failures can impose: the real user waits at most this. */
  accountMaxDelaySeconds: number;
  /** Failures from one address (any account) in the window before that address is refused. */
  addressMaxFailures: number;
  windowSeconds: number;
}

export const defaultThrottlePolicy: ThrottlePolicy = {
  accountFreeFailures: 5,
  accountMaxDelaySeconds: 60,
  addressMaxFailures: 30,
  windowSeconds: 15 * 60,
};

export type AttemptVerdict = { ok: true; attemptId: number } | { ok: false; retryAfterSeconds: number; reason: 'account' | 'address' };

export type IdempotencyClaim = 'new' | 'replay' | 'conflict';

export class ApiStateStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS sessions (sid_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, ip TEXT);
      CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);
      CREATE TABLE IF NOT EXISTS signin_attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, address TEXT NOT NULL, at_ms INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS attempts_account ON signin_attempts(account, at_ms);
      CREATE INDEX IF NOT EXISTS attempts_address ON signin_attempts(address, at_ms);
      CREATE TABLE IF NOT EXISTS idempotency (key_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, route TEXT NOT NULL, body_hash TEXT NOT NULL, created_ms INTEGER NOT NULL);
    `);
  }

  close(): void {
    this.db.close();
  }

  // ── Sessions ───────────────────────────────────────────────────────────────
  createSession(sid: string, userId: string, expiresMs: number, ip: string, nowMs = Date.now()): void {
    this.db.prepare('DELETE FROM sessions WHERE expires_ms <= ?').run(nowMs);
    this.db
      .prepare('INSERT INTO sessions (sid_hash, user_id, created_ms, expires_ms, ip) VALUES (?, ?, ?, ?, ?)')
      .run(sha256(sid), userId, nowMs, expiresMs, ip);
  }

  /**
   * True while the session exists on the server, belongs to `userId`, has not expired and
   * was opened at or after `notBeforeMs` (the user's sessionsValidFrom, to the millisecond).
   */
  sessionAlive(sid: string, userId: string, notBeforeMs = 0, nowMs = Date.now()): boolean {
    const row = this.db.prepare('SELECT user_id, created_ms, expires_ms FROM sessions WHERE sid_hash = ?').get(sha256(sid)) as
      { user_id: string; created_ms: number; expires_ms: number } | undefined;
    return row !== undefined && row.user_id === userId && row.expires_ms > nowMs && row.created_ms >= notBeforeMs;
  }

  endSession(sid: string): void {
    this.db.prepare('DELETE FROM sessions WHERE sid_hash = ?').run(sha256(sid));
  }

  /** Ends every session of a user; returns how many there were. */
  endUserSessions(userId: string): number {
    return this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
  }

  activeSessions(userId: string, nowMs = Date.now()): number {
    return (this.db.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ? AND expires_ms > ?').get(userId, nowMs) as { n: number })
      .n;
  }

  // ── Sign-in throttle ───────────────────────────────────────────────────────
  /**
   * Counts a sign-in attempt *before* the password is checked, atomically: the attempt is
   * recorded as a failure at once and {@link signInSucceeded} takes it back. Per account
   * (every alias resolved to one id by the caller): after `accountFreeFailures` failures each
   * further attempt waits 2^(n-free) seconds after the last one, at most
   * `accountMaxDelaySeconds`, so someone else's guesses delay the real user by at most that
   * and never lock them out. Per address: `addressMaxFailures` in the window, then refused
   * until the window passes.
   */
  signInAttempt(account: string, address: string, policy: ThrottlePolicy = defaultThrottlePolicy, nowMs = Date.now()): AttemptVerdict {
    return this.db.transaction((): AttemptVerdict => {
      const since = nowMs - policy.windowSeconds * 1000;
      this.db.prepare('DELETE FROM signin_attempts WHERE at_ms < ?').run(since);
      const byAddress = this.db
        .prepare('SELECT count(*) AS n, min(at_ms) AS first FROM signin_attempts WHERE address = ? AND at_ms >= ?')
        .get(address, since) as { n: number; first: number | null };
      if (byAddress.n >= policy.addressMaxFailures) {
        return {
          ok: false,
          reason: 'address',
          retryAfterSeconds: Math.max(1, Math.ceil(((byAddress.first ?? nowMs) + policy.windowSeconds * 1000 - nowMs) / 1000)),
        };
      }
      const byAccount = this.db
        .prepare('SELECT count(*) AS n, max(at_ms) AS last FROM signin_attempts WHERE account = ? AND at_ms >= ?')
        .get(account, since) as { n: number; last: number | null };
      if (byAccount.n >= policy.accountFreeFailures && byAccount.last !== null) {
        const delayMs = Math.min(2 ** (byAccount.n - policy.accountFreeFailures), policy.accountMaxDelaySeconds) * 1000;
        const waitMs = byAccount.last + delayMs - nowMs;
        if (waitMs > 0) return { ok: false, reason: 'account', retryAfterSeconds: Math.ceil(waitMs / 1000) };
      }
      const id = this.db
        .prepare('INSERT INTO signin_attempts (account, address, at_ms) VALUES (?, ?, ?)')
        .run(account, address, nowMs).lastInsertRowid;
      return { ok: true, attemptId: Number(id) };
    })();
  }

  /** The attempt was right: it is not a failure, and the account's earlier failures are forgiven. */
  signInSucceeded(attemptId: number, account: string): void {
    this.db.prepare('DELETE FROM signin_attempts WHERE id = ? OR account = ?').run(attemptId, account);
  }

  // ── Idempotency keys ───────────────────────────────────────────────────────
  /**
   * Binds an Idempotency-Key to who sent it, to which route and with which body. The first
   * use claims it ('new'); the same user, route and body again is a 'replay'; anything else
   * with the same key is a 'conflict'. Keys are kept for `ttlMs` (default 7 days).
   */
  claimIdempotencyKey(
    userId: string,
    key: string,
    route: string,
    body: string,
    nowMs = Date.now(),
    ttlMs = 7 * 24 * 3600_000,
  ): IdempotencyClaim {
    return this.db.transaction((): IdempotencyClaim => {
      this.db.prepare('DELETE FROM idempotency WHERE created_ms < ?').run(nowMs - ttlMs);
      const keyHash = sha256(key);
      const bodyHash = sha256(body);
      const row = this.db.prepare('SELECT user_id, route, body_hash FROM idempotency WHERE key_hash = ?').get(keyHash) as
        { user_id: string; route: string; body_hash: string } | undefined;
      if (!row) {
        this.db
          .prepare('INSERT INTO idempotency (key_hash, user_id, route, body_hash, created_ms) VALUES (?, ?, ?, ?, ?)')
          .run(keyHash, userId, route, bodyHash, nowMs);
        return 'new';
      }
      return row.user_id === userId && row.route === route && row.body_hash === bodyHash ? 'replay' : 'conflict';
    })();
  }

  /** A request that was refused (4xx) did nothing: its key is free again, as if never sent. */
  releaseIdempotencyKey(key: string): void {
    this.db.prepare('DELETE FROM idempotency WHERE key_hash = ?').run(sha256(key));
  }
}
