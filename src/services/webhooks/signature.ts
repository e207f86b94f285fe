import { createHmac } from 'node:crypto';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=…]`: one `v1` per secret in use (two during a rotation). */
export const signatureHeader = 'switchboard-signature';
/** The event's id: the same on every attempt and redelivery; receivers dedupe by it. */
export const eventIdHeader = 'switchboard-event-id';
export const eventTypeHeader = 'switchboard-event-type';
/** 1 for the first attempt of a delivery job. */
export const attemptHeader = 'switchboard-delivery-attempt';

/** Hex HMAC-SHA256, keyed by the endpoint's secret (its UTF-8 bytes), over `${timestampS}.${body}`. */
export function signPayload(secret: string, timestampS: number, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${String(timestampS)}.`);
  hmac.update(body);
  return hmac.digest('hex');
}

/** The value of the signature header for `body` sent at `timestampS`, signed with each of `secrets`. */
export function signatureHeaderValue(secrets: readonly string[], timestampS: number, body: string): string {
  return [`t=${String(timestampS)}`, ...secrets.map((secret) => `v1=${signPayload(secret, timestampS, body)}`)].join(',');
}
