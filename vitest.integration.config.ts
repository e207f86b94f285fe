import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * The integration run: the whole suite against real servers (tests that need Redis skip themselves
 * when REDIS_URL is unset). Test databases are created on the PostgreSQL server named by
 * DATABASE_URL and dropped afterwards.
 */
if (!process.env.DATABASE_URL) {
  throw new Error('npm run test:integration needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)');
}

export default mergeConfig(base, defineConfig({ test: {} }));
