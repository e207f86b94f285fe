/**
 * The measured server of the call benchmarks (relay.ts, phone.ts): its configuration, and listening
 * on the loopback address.
 */
import type { AddressInfo } from 'node:net';
import type { Application } from '../src/app.ts';
import { FAKE_OPENAI_API_KEY } from '../src/testing/fake-openai-realtime/index.ts';

const UNLIMITED = '1000000';

/**
 * Silent logs, the fake upstream's key, a fixed JWT secret (nothing is written under DATA_DIR), and
 * the abuse limits (docs/security.md) lifted: one tenant on one address drives every call.
 */
export function callBenchServerEnv(bench: 'relay' | 'phone') {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: `switchboard-${bench}-bench-jwt-secret-0123456789`,
    OPENAI_API_KEY: FAKE_OPENAI_API_KEY,
    RATE_LIMIT_PER_IP: UNLIMITED,
    RATE_LIMIT_PER_CREDENTIAL: UNLIMITED,
    RATE_LIMIT_CALLS_PER_TENANT: UNLIMITED,
    MAX_CONCURRENT_CALLS_PER_TENANT: UNLIMITED,
  } as const;
}

/** Listens on a free port of 127.0.0.1; returns the server's base URL. */
export async function listenOnLoopback(app: Application): Promise<string> {
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${String((app.http.server.address() as AddressInfo).port)}`;
}
