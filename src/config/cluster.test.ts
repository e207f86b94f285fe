import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { configMessageOf } from '../testing/config-problems.ts';

const shared = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/switchboard', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('WORKERS', () => {
  it('is 1 by default (one process, nothing forked), with or without a database server', () => {
    expect(parseConfig({}).cluster).toEqual({ workers: 1 });
    expect(parseConfig({ WORKERS: '' }).cluster).toEqual({ workers: 1 });
    expect(parseConfig({ WORKERS: '1' }).cluster).toEqual({ workers: 1 });
  });

  it('reads a count from 1 to 64, and auto as the cores this process may use', () => {
    expect(parseConfig({ ...shared, WORKERS: '2' }).cluster).toEqual({ workers: 2 });
    expect(parseConfig({ ...shared, WORKERS: ' 64 ' }).cluster).toEqual({ workers: 64 });
    expect(parseConfig({ ...shared, WORKERS: 'auto' }).cluster).toEqual({ workers: Math.min(64, availableParallelism()) });
  });

  it('refuses anything else, naming the variable', () => {
    for (const value of ['0', '65', '-1', '1.5', 'two', 'AUTO ALL']) {
      expect(configMessageOf({ ...shared, WORKERS: value }), value).toMatch(/WORKERS: must be an integer from 1 to 64, or auto/);
    }
  });

  it('needs DATABASE_URL and REDIS_URL for more than one worker, and says which are missing', () => {
    expect(configMessageOf({ WORKERS: '2' })).toMatch(/WORKERS: 2 workers need DATABASE_URL and REDIS_URL set/);
    expect(configMessageOf({ WORKERS: '2', REDIS_URL: shared.REDIS_URL })).toMatch(/WORKERS: 2 workers need DATABASE_URL set \(the embedded PGlite database belongs to one process/);
    expect(configMessageOf({ WORKERS: '2', REDIS_URL: shared.REDIS_URL })).not.toMatch(/Redis/);
    expect(configMessageOf({ WORKERS: '3', DATABASE_URL: shared.DATABASE_URL })).toMatch(/WORKERS: 3 workers need REDIS_URL set \(rate limits and call limits must be shared in Redis\)/);
    expect(configMessageOf({ WORKERS: '3', DATABASE_URL: shared.DATABASE_URL })).not.toMatch(/PGlite/);
    expect(configMessageOf({ ...shared, WORKERS: '2' })).toBe('');
  });

  it('applies the same requirement to auto when this machine has more than one core', () => {
    const message = configMessageOf({ WORKERS: 'auto' });
    if (availableParallelism() > 1) expect(message).toMatch(/WORKERS: \d+ workers need DATABASE_URL and REDIS_URL set/);
    else expect(message).toBe('');
  });
});
