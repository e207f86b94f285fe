import { pino } from 'pino';
import { createApplication, type Application } from '../app.ts';
import { parseConfig, type Config } from '../config/config.ts';
import type { Clock } from '../core/clock.ts';
import type { DatabaseHandle } from '../store/database.ts';
import { openTestDatabase } from './test-database.ts';

export interface TestApplication extends Application {
  readonly config: Config;
}

/** The whole application on a fresh test database, silent logs, ready for `http.inject()`. */
export async function startTestApplication(options: { clock?: Clock; env?: Record<string, string> } = {}): Promise<TestApplication> {
  const database: DatabaseHandle = await openTestDatabase();
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...options.env });
  const app = await createApplication(config, pino({ level: 'silent' }), {
    database,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    ...app,
    config,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
