import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { configMessageOf } from '../testing/config-problems.ts';

const sid = `AC${'a1'.repeat(16)}`;
const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) };

describe('twilio configuration', () => {
  it('defaults to no Twilio account and the real REST endpoint', () => {
    expect(parseConfig({}).twilio).toEqual({ accountSid: undefined, authToken: undefined, apiBaseUrl: 'https://api.twilio.com' });
  });

  it('checks the account SID format and wants the token beside it', () => {
    expect(configMessageOf({ TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 't' })).toContain('TWILIO_ACCOUNT_SID: must be an account SID');
    expect(configMessageOf({ TWILIO_ACCOUNT_SID: sid })).toContain('TWILIO_AUTH_TOKEN: is required when TWILIO_ACCOUNT_SID is set');
    expect(parseConfig({ TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: 't', TWILIO_API_BASE_URL: 'http://127.0.0.1:4010/' }).twilio).toEqual({
      accountSid: sid,
      authToken: 't',
      apiBaseUrl: 'http://127.0.0.1:4010',
    });
  });

  it('wants an https PUBLIC_URL in production once Twilio is configured (media streams are wss:// only)', () => {
    expect(configMessageOf({ ...production, TWILIO_AUTH_TOKEN: 't' })).toContain('PUBLIC_URL: must be an https URL');
    expect(configMessageOf({ ...production, TWILIO_AUTH_TOKEN: 't', PUBLIC_URL: 'http://voice.example.com' })).toContain('PUBLIC_URL');
    expect(configMessageOf({ ...production, TWILIO_AUTH_TOKEN: 't', PUBLIC_URL: 'https://voice.example.com' })).toBe('');
    // Development may use http (local tools); production without Twilio is not concerned.
    expect(configMessageOf({ TWILIO_AUTH_TOKEN: 't' })).toBe('');
    expect(configMessageOf(production)).toBe('');
  });
});
