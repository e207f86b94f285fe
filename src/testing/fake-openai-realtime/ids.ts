import { randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * An identifier shaped like the real API's (`sess_…`, `item_…`, `resp_…`, `call_…`, `event_…`):
 * a prefix, an underscore and 21 base62 characters.
 */
export function fakeId(prefix: 'sess' | 'conv' | 'item' | 'resp' | 'call' | 'event'): string {
  const bytes = randomBytes(21);
  let suffix = '';
  for (const byte of bytes) suffix += alphabet[byte % alphabet.length] ?? 'A';
  return `${prefix}_${suffix}`;
}
