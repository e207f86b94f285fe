import { createHash, timingSafeEqual } from 'node:crypto';

/** Hex SHA-256 of a secret: what we store instead of a token or key. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * Compares two secrets in time that does not depend on where they differ (nor on their lengths: both
 * are hashed to 32 bytes first). Every secret comparison in the server goes through here.
 */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Compares a presented secret with a stored hex SHA-256 of the expected one, in constant time. */
export function secretMatchesHash(presented: string, storedHex: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = Buffer.from(storedHex, 'hex');
  return b.length === a.length && timingSafeEqual(a, b);
}
