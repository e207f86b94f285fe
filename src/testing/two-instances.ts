/**
 * Test support: two whole applications on ONE database, as two instances behind a load balancer share
 * PostgreSQL (here, on PGlite, one handle), both listening on 127.0.0.1 with their OpenAI engine pointed
 * at one fake upstream. A credential works on both (same JWT secret, same users). Each instance keeps
 * its log lines.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApplication, type Application } from '../app.ts';
import { parseConfig } from '../config/config.ts';
import type { DatabaseHandle } from '../store/database.ts';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, type FakeRealtimeOptions, type FakeRealtimeServer } from './fake-openai-realtime/index.ts';
import { capturingLogger } from './openai-realtime-test-harness.ts';
import { testJwtSecret } from './test-application.ts';
import { openTestDatabase } from './test-database.ts';

export interface TestInstance {
  readonly app: Application;
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** Every log line of this instance (debug and up), parsed. */
  readonly logs: ReadonlyArray<Record<string, unknown>>;
  /** The `msg` of every log line at `level` or above (pino levels: 30 info, 40 warn, 50 error). */
  messages(minLevel?: number): string[];
}

export interface TwoInstances {
  readonly database: DatabaseHandle;
  readonly fake: FakeRealtimeServer;
  readonly a: TestInstance;
  readonly b: TestInstance;
  close(): Promise<void>;
}

async function startInstance(env: Record<string, string>, database: DatabaseHandle): Promise<TestInstance> {
  const { logger, lines } = capturingLogger();
  const app = await createApplication(parseConfig(env), logger, { database });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    baseUrl: `http://127.0.0.1:${String((app.http.server.address() as AddressInfo).port)}`,
    logs: lines,
    messages: (minLevel = 0) => lines.filter((line) => Number(line['level']) >= minLevel).map((line) => String(line['msg'])),
  };
}

/** Instances A and B (same configuration, `env` added; the engine always on the fake), the fake upstream scripted with `fakeOptions`. */
export async function startTwoInstances(fakeOptions: FakeRealtimeOptions, env: Record<string, string> = {}): Promise<TwoInstances> {
  const database = await openTestDatabase();
  const fake = await startFakeOpenAIRealtime(fakeOptions);
  const shared = {
    NODE_ENV: 'test',
    JWT_SECRET: testJwtSecret,
    REDIS_KEY_PREFIX: `sbtest:${randomUUID()}:`,
    ...env,
    // The fake upstream wins over an env that points the engine elsewhere (e.g. `twilioTestEnv`).
    OPENAI_API_KEY: FAKE_OPENAI_API_KEY,
    OPENAI_BASE_URL: fake.baseUrl,
  };
  const started: TestInstance[] = [];
  try {
    started.push(await startInstance(shared, database));
    started.push(await startInstance(shared, database));
  } catch (error) {
    for (const instance of started) await instance.app.close();
    await fake.close();
    await database.close();
    throw error;
  }
  const [a, b] = started as [TestInstance, TestInstance];
  return {
    database,
    fake,
    a,
    b,
    async close() {
      await a.app.close();
      await b.app.close();
      await fake.close();
      await database.close();
    },
  };
}
