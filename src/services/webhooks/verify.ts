import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Receiver-side verification of a Switchboard webhook (docs/webhooks.md). Self-contained (only
 * `node:crypto`), so a receiver can import it or copy it.
 *
 * ```ts
 * const result = verifyWebhookSignature(rawBody, req.headers['switchboard-signature'], process.env.SWITCHBOARD_WEBHOOK_SECRET);
 * if (!result.ok) return res.status(400).end();
 * if (await seen(req.headers['switchboard-event-id'])) return res.status(200).end(); // a retry or a redelivery
 * ```
 *
 * `rawBody` must be the exact bytes received, before any JSON parsing. A signature older (or newer)
 * than `toleranceS` (5 minutes) is refused, so a captured request cannot be replayed later; within
 * that window, dedupe by the `Switchboard-Event-Id` header.
 */
export type WebhookVerification =
  | { readonly ok: true; readonly timestampS: number }
  | { readonly ok: false; readonly reason: 'missing_header' | 'malformed_header' | 'timestamp_out_of_range' | 'signature_mismatch' };

export interface VerifyOptions {
  /** Largest accepted distance between the signature's timestamp and now, in seconds; 300 by default. */
  readonly toleranceS?: number;
  /** Now, in milliseconds since the epoch (tests); `Date.now()` by default. */
  readonly nowMs?: number;
}

const hexSignature = /^[0-9a-f]{64}$/;

export function verifyWebhookSignature(
  rawBody: string | Uint8Array,
  header: string | readonly string[] | null | undefined,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): WebhookVerification {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (typeof value !== 'string' || value.trim() === '') return { ok: false, reason: 'missing_header' };
  let timestampS: number | undefined;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const [key, ...rest] = part.trim().split('=');
    const item = rest.join('=');
    if (key === 't' && /^\d{1,12}$/.test(item)) timestampS = Number(item);
    else if (key === 'v1' && hexSignature.test(item)) signatures.push(item);
  }
  if (timestampS === undefined || signatures.length === 0) return { ok: false, reason: 'malformed_header' };
  const toleranceS = options.toleranceS ?? 300;
  const nowS = Math.floor((options.nowMs ?? Date.now()) / 1000);
  if (Math.abs(nowS - timestampS) > toleranceS) return { ok: false, reason: 'timestamp_out_of_range' };
  const secrets = typeof secret === 'string' ? [secret] : secret;
  for (const key of secrets) {
    const hmac = createHmac('sha256', key);
    hmac.update(`${String(timestampS)}.`);
    hmac.update(rawBody);
    const expected = Buffer.from(hmac.digest('hex'));
    if (signatures.some((candidate) => timingSafeEqual(expected, Buffer.from(candidate)))) return { ok: true, timestampS };
  }
  return { ok: false, reason: 'signature_mismatch' };
}
