import { describe, expect, it } from 'vitest';
import { signatureHeaderValue } from './signature.ts';
import { verifyWebhookSignature } from './verify.ts';

const secret = 'whsec_test-secret-0123456789';
const body = JSON.stringify({ id: '5f0c…', type: 'call.ended', data: { call: { id: 'c1' } } });
const nowMs = Date.UTC(2026, 10, 21, 12, 0, 0);
const nowS = nowMs / 1000;

describe('receiver-side signature verification', () => {
  it('accepts the signature Switchboard sends, on the raw body as a string or as bytes', () => {
    const header = signatureHeaderValue([secret], nowS, body);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(body, header, secret, { nowMs })).toEqual({ ok: true, timestampS: nowS });
    expect(verifyWebhookSignature(Buffer.from(body), header, secret, { nowMs })).toEqual({ ok: true, timestampS: nowS });
  });

  it('refuses a changed body, another secret, or a timestamp moved to a fresh one', () => {
    const header = signatureHeaderValue([secret], nowS, body);
    expect(verifyWebhookSignature(body.replace('c1', 'c2'), header, secret, { nowMs })).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(verifyWebhookSignature(body, header, 'whsec_another', { nowMs })).toEqual({ ok: false, reason: 'signature_mismatch' });
    const replayed = header.replace(`t=${String(nowS)}`, `t=${String(nowS + 600)}`);
    expect(verifyWebhookSignature(body, replayed, secret, { nowMs: nowMs + 600_000 })).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('refuses a signature outside the 5-minute replay window, either way', () => {
    const header = signatureHeaderValue([secret], nowS, body);
    expect(verifyWebhookSignature(body, header, secret, { nowMs: nowMs + 300_000 }).ok).toBe(true);
    expect(verifyWebhookSignature(body, header, secret, { nowMs: nowMs + 301_000 })).toEqual({ ok: false, reason: 'timestamp_out_of_range' });
    expect(verifyWebhookSignature(body, header, secret, { nowMs: nowMs - 301_000 })).toEqual({ ok: false, reason: 'timestamp_out_of_range' });
    expect(verifyWebhookSignature(body, header, secret, { nowMs: nowMs + 3_600_000, toleranceS: 3_600 }).ok).toBe(true);
  });

  it('accepts either secret during a rotation (one v1 per secret)', () => {
    const header = signatureHeaderValue(['whsec_new', 'whsec_old'], nowS, body);
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verifyWebhookSignature(body, header, 'whsec_old', { nowMs }).ok).toBe(true);
    expect(verifyWebhookSignature(body, header, 'whsec_new', { nowMs }).ok).toBe(true);
    expect(verifyWebhookSignature(body, signatureHeaderValue(['whsec_new'], nowS, body), ['whsec_old', 'whsec_new'], { nowMs }).ok).toBe(true);
  });

  it('says what is wrong with a missing or malformed header', () => {
    expect(verifyWebhookSignature(body, undefined, secret, { nowMs })).toEqual({ ok: false, reason: 'missing_header' });
    expect(verifyWebhookSignature(body, '', secret, { nowMs })).toEqual({ ok: false, reason: 'missing_header' });
    expect(verifyWebhookSignature(body, `t=${String(nowS)}`, secret, { nowMs })).toEqual({ ok: false, reason: 'malformed_header' });
    expect(verifyWebhookSignature(body, 'v1=abc', secret, { nowMs })).toEqual({ ok: false, reason: 'malformed_header' });
    expect(verifyWebhookSignature(body, `t=soon,v1=${'0'.repeat(64)}`, secret, { nowMs })).toEqual({ ok: false, reason: 'malformed_header' });
  });
});
