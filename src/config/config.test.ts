import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

describe('parseConfig', () => {
  it('applies the documented defaults on an empty environment', () => {
    const config = parseConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.http.publicUrl).toBe('http://localhost:3000');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.openai.baseUrl).toBe('https://api.openai.com/v1');
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.nodeEnv).toBe('development');
  });

  it('returns a deeply frozen object', () => {
    const config = parseConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('names every bad variable in one error', () => {
    let caught: unknown;
    try {
      parseConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', OPENAI_BASE_URL: 'ftp://x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('OPENAI_BASE_URL');
  });

  it('treats empty strings as unset and strips trailing slashes from URLs', () => {
    const config = parseConfig({
      DATABASE_URL: '',
      OPENAI_API_KEY: ' ',
      OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1/',
      PUBLIC_URL: 'https://voice.example.com/',
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.openai.apiKey).toBeUndefined();
    expect(config.openai.baseUrl).toBe('http://127.0.0.1:9999/v1');
    expect(config.http.publicUrl).toBe('https://voice.example.com');
  });

  it('parses LOG_PRETTY as a boolean string', () => {
    expect(parseConfig({ LOG_PRETTY: 'true' }).log.pretty).toBe(true);
    expect(() => parseConfig({ LOG_PRETTY: 'maybe' })).toThrow(/LOG_PRETTY/);
  });
});
