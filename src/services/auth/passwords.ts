import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost: N = 2^ln, block size r, parallelism p. Stored with each hash so they can be raised later. */
export interface ScryptParams {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/**
 * N=2^15, r=8, p=3: one of OWASP's equivalent scrypt minimums (Password Storage Cheat Sheet), with
 * 32 MiB per hash instead of the 128 MiB of N=2^17 p=1, which matters when logins arrive together.
 */
export const currentScryptParams: ScryptParams = { ln: 15, r: 8, p: 3 };

const saltBytes = 16;
const keyBytes = 32;
const phcPattern = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, params: ScryptParams, length: number): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** params.ln, r: params.r, p: params.p, maxmem: 256 * 2 ** params.ln * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/** A PHC-style string: `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (unpadded base64). */
export async function hashPassword(password: string, params: ScryptParams = currentScryptParams): Promise<string> {
  const salt = randomBytes(saltBytes);
  const key = await derive(password, salt, params, keyBytes);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

interface ParsedHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parse(stored: string): ParsedHash | undefined {
  const m = phcPattern.exec(stored);
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 10 || params.ln > 22 || params.r < 1 || params.p < 1) return undefined;
  return { params, salt: Buffer.from(m[4] ?? '', 'base64'), key: Buffer.from(m[5] ?? '', 'base64') };
}

/** Whether `password` matches the stored hash, compared with `timingSafeEqual`. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.key.length < 16) return false;
  const key = await derive(password, parsed.salt, parsed.params, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/** Whether a stored hash was made with weaker parameters than today's (rehash it at the next login). */
export function needsRehash(stored: string, params: ScryptParams = currentScryptParams): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.ln < params.ln || parsed.params.r < params.r || parsed.params.p < params.p;
}

let dummyHash: Promise<string> | undefined;

/** Computes (once, in the background) the hash {@link verifyAgainstDummy} verifies against. */
export function prepareDummyHash(): Promise<string> {
  dummyHash ??= hashPassword('switchboard-dummy-password');
  return dummyHash;
}

/**
 * Spends the time of one real verification and returns `false`: called when the account does not
 * exist (or has no password), so response time does not tell which emails have accounts.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(password, await prepareDummyHash());
  return false;
}
