/**
 * Test helpers that play Twilio calling our webhooks: form-encoded, signed over the public URL.
 */
import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { twilioSignatureOf } from '../services/telephony/twilio-signature.ts';

/** Credentials and public URL the test application is configured with. */
export const TEST_TWILIO_AUTH_TOKEN = 'twilio-auth-token-for-tests-0123456789';
export const TEST_TWILIO_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const TEST_PUBLIC_URL = 'https://voice.switchboard.test';

/** Environment for `startTestApplication` with Twilio configured (signatures checked). */
export const twilioTestEnv: Readonly<Record<string, string>> = {
  TWILIO_AUTH_TOKEN: TEST_TWILIO_AUTH_TOKEN,
  TWILIO_ACCOUNT_SID: TEST_TWILIO_ACCOUNT_SID,
  PUBLIC_URL: TEST_PUBLIC_URL,
  // Phone calls are answered only when their agent's engine can run. Nothing listens here: a test
  // that really opens the engine spreads this first and points OPENAI_BASE_URL at a fake.
  OPENAI_API_KEY: 'sk-test',
  OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
};

export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

/** Twilio's voice-webhook parameters for a call from `from` to `to` (plus geo fields, as Twilio sends them). */
export function voiceParams(options: { to: string; from?: string; callSid?: string }): Record<string, string> {
  return {
    AccountSid: TEST_TWILIO_ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    CallSid: options.callSid ?? newCallSid(),
    CallStatus: 'ringing',
    Called: options.to,
    Caller: options.from ?? '+33612345678',
    Direction: 'inbound',
    From: options.from ?? '+33612345678',
    FromCity: 'PARIS',
    FromCountry: 'FR',
    To: options.to,
    ToCountry: 'FR',
  };
}

/**
 * `inject()` options for a Twilio POST to `pathAndQuery`, signed over `publicUrl + pathAndQuery`
 * (`signature: null` sends none; a string sends that one).
 */
export function twilioPost(
  pathAndQuery: string,
  params: Readonly<Record<string, string>>,
  options: { readonly signature?: string | null; readonly authToken?: string; readonly publicUrl?: string } = {},
): InjectOptions {
  const signature =
    options.signature === undefined
      ? twilioSignatureOf(options.authToken ?? TEST_TWILIO_AUTH_TOKEN, `${options.publicUrl ?? TEST_PUBLIC_URL}${pathAndQuery}`, params)
      : options.signature;
  return {
    method: 'POST',
    url: pathAndQuery,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
    payload: new URLSearchParams(params).toString(),
  };
}
