import { describe, expect, it } from 'vitest';
import { configProblemsOf } from '../testing/config-problems.ts';

describe('messages for numeric variables', () => {
  it('say what to write, naming the variable', () => {
    expect(configProblemsOf({ PORT: 'abc' })).toEqual(['PORT: must be an integer']);
    expect(configProblemsOf({ PORT: '80.5' })).toEqual(['PORT: must be an integer']);
    expect(configProblemsOf({ PORT: '70000' })).toEqual(['PORT: must be at most 65535']);
    expect(configProblemsOf({ RATE_LIMIT_SIGNUP_PER_IP: '0' })).toEqual(['RATE_LIMIT_SIGNUP_PER_IP: must be at least 1']);
  });

  it('leave the messages a variable sets itself', () => {
    expect(configProblemsOf({ SMTP_URL: 'http://mail.example.com' })).toEqual([expect.stringMatching(/^SMTP_URL: must be an smtp/)]);
  });
});
