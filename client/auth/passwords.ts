/**
 * Password hashing with scrypt (node:crypto), a memory-hard KDF: a 16-byte random salt per
 * user, N = 2^15, r = 8, p = 1 (32 MiB and ~50–100 ms per guess on a server core), 32-byte
 * key. Stored as `scrypt$N$r$p$salt$key` (base64url), so parameters can be raised later
 * without invalidating existing hashes; {@link needsRehash} tells when to.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Bilingual } from '../../domain/errors';

export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const;

/**
 * The password policy, one for the CLI, the API and the page: at least 8 characters, and at
 * most 1,024 (what sign-in accepts, so every password set can also be typed at sign-in).
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;

/** Why a password breaks the policy, or null when it keeps it. */
export function passwordProblem(password: string): Bilingual | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return { zh: `密码至少 ${PASSWORD_MIN_LENGTH} 个字符`, en: `a password needs at least ${PASSWORD_MIN_LENGTH} characters` };
  if (password.length > PASSWORD_MAX_LENGTH)
    return { zh: `密码最多 ${PASSWORD_MAX_LENGTH} 个字符`, en: `a password has at most ${PASSWORD_MAX_LENGTH} characters` };
  return null;
}

/** Capital letters and digits without the look-alikes (0/O, 1/I/L): easy to read out and to type on a phone. */
const GENERATED_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * A first or reset password, shown once: four groups of five characters (`K7QM2-XW9PB-…`),
 * about 98 bits of randomness from the system's CSPRNG.
 */
export function generatePassword(): string {
  const group = () => Array.from({ length: 5 }, () => GENERATED_ALPHABET[randomInt(GENERATED_ALPHABET.length)]).join('');
  return [group(), group(), group(), group()].join('-');
}

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new Error(`${problem.zh} / ${problem.en}`);
  const { N, r, p, keyLength } = SCRYPT_PARAMS;
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, r, p, keyLength);
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

export function isPasswordHash(s: string): boolean {
  return FORMAT.test(s);
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = FORMAT.exec(stored);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Refuse absurd parameters from a tampered file rather than burn the server.
  if (N > 2 ** 20 || r > 32 || p > 16) return false;
  const want = Buffer.from(m[5]!, 'base64url');
  const key = await derive(password, Buffer.from(m[4]!, 'base64url'), N, r, p, want.length);
  return key.length === want.length && timingSafeEqual(key, want);
}

/** A hash to verify against when the user does not exist, so both cases take the same time. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('onex-dummy-password-for-timing');
  return dummy;
}

export function needsRehash(stored: string): boolean {
  const m = FORMAT.exec(stored);
  return !m || Number(m[1]) < SCRYPT_PARAMS.N || Number(m[2]) < SCRYPT_PARAMS.r;
}
