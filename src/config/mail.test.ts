import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { configProblemsOf } from '../testing/config-problems.ts';

describe('mail config', () => {
  it('has no transport and no reset page by default, and a sender at the host of PUBLIC_URL', () => {
    const { mail } = parseConfig({ PUBLIC_URL: 'https://voice.example.com/' });
    expect(mail).toEqual({ smtpUrl: undefined, from: 'Switchboard <no-reply@voice.example.com>', passwordResetUrl: undefined });
  });

  it('needs PASSWORD_RESET_URL with SMTP_URL: this server has no reset page to default to', () => {
    expect(configProblemsOf({ SMTP_URL: 'smtp://mail.example.com:587' })).toEqual([expect.stringMatching(/^PASSWORD_RESET_URL: is required when SMTP_URL is set/)]);
  });

  it('takes an SMTP URL, a sender and a reset page', () => {
    const { mail } = parseConfig({ SMTP_URL: 'smtps://u:p@mail.example.com:465', MAIL_FROM: 'Lydia <hello@example.com>', PASSWORD_RESET_URL: 'https://app.example.com/reset?t={token}' });
    expect(mail).toEqual({ smtpUrl: 'smtps://u:p@mail.example.com:465', from: 'Lydia <hello@example.com>', passwordResetUrl: 'https://app.example.com/reset?t={token}' });
  });

  it('refuses a non-SMTP URL and a reset page without {token}, naming the variable', () => {
    expect(configProblemsOf({ SMTP_URL: 'http://mail.example.com' })).toEqual([expect.stringMatching(/^SMTP_URL: .*smtp/)]);
    expect(configProblemsOf({ PASSWORD_RESET_URL: 'https://app.example.com/reset' })).toEqual([expect.stringMatching(/^PASSWORD_RESET_URL: must contain \{token\}/)]);
  });
});
