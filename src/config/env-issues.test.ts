import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('messages for numeric variables', () => {
  it('say what to write, naming the variable', () => {
    expect(problemsOf({ PORT: 'abc' })).toEqual(['PORT: must be an integer']);
    expect(problemsOf({ PORT: '80.5' })).toEqual(['PORT: must be an integer']);
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT: must be at most 65535']);
    expect(problemsOf({ RATE_LIMIT_SIGNUP_PER_IP: '0' })).toEqual(['RATE_LIMIT_SIGNUP_PER_IP: must be at least 1']);
  });

  it('leave the messages a variable sets itself', () => {
    expect(problemsOf({ SMTP_URL: 'http://mail.example.com' })).toEqual([expect.stringMatching(/^SMTP_URL: must be an smtp/)]);
  });
});
