import { describe, expect, it } from 'vitest';
import { parseConfig } from './config/config.ts';
import { isLoopbackUrl } from './config/twilio.ts';
import { reportTwilio } from './telephony.ts';
import { capturingLogger } from './testing/runtime-fakes/test-logger.ts';

const LOCALHOST_WARNING = /^TWILIO_AUTH_TOKEN is set but PUBLIC_URL is a localhost address/;

function startupLines(env: Record<string, string>): Record<string, unknown>[] {
  const { logger, lines } = capturingLogger('info');
  reportTwilio(parseConfig(env), logger);
  return lines();
}

function warnsOfLocalhost(env: Record<string, string>): boolean {
  return startupLines(env).some((line) => typeof line.msg === 'string' && LOCALHOST_WARNING.test(line.msg));
}

describe('start-up report of the Twilio configuration', () => {
  it('warns when a token is set and PUBLIC_URL is left at its localhost default: every signature check would fail', () => {
    const lines = startupLines({ TWILIO_AUTH_TOKEN: 'token' });
    const warning = lines.find((line) => typeof line.msg === 'string' && LOCALHOST_WARNING.test(line.msg));
    expect(warning).toMatchObject({ level: 40, publicUrl: 'http://localhost:3000' });
    expect(warnsOfLocalhost({ TWILIO_AUTH_TOKEN: 'token', PUBLIC_URL: 'http://127.0.0.1:8080' })).toBe(true);
  });

  it('says nothing of it for a public PUBLIC_URL, or without a token (that has its own warning)', () => {
    expect(warnsOfLocalhost({ TWILIO_AUTH_TOKEN: 'token', PUBLIC_URL: 'https://voice.example.com' })).toBe(false);
    expect(warnsOfLocalhost({})).toBe(false);
  });

  it('recognises loopback URLs only', () => {
    for (const url of ['http://localhost:3000', 'https://LOCALHOST', 'http://app.localhost', 'http://127.0.0.1:3000', 'http://127.1.2.3', 'http://[::1]:3000']) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
    for (const url of ['https://voice.example.com', 'https://localhost.example.com', 'http://10.0.0.5:3000', 'not a url']) {
      expect(isLoopbackUrl(url), url).toBe(false);
    }
  });
});
