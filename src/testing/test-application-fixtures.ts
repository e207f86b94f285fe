import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { beforeAll } from 'vitest';
import { useFileFixture } from './file-fixture.ts';
import { createTestUser, startTestApplication, type TestApplication } from './test-application.ts';

/** The login and sign-up rate limits lifted, for files that register and log in many times from one address. */
export const liftedLoginLimits = { RATE_LIMIT_LOGIN: '1000', RATE_LIMIT_LOGIN_PER_IP: '1000', RATE_LIMIT_SIGNUP_PER_IP: '1000' } as const;

/** The test application of one test file, read inside its tests (`app` throws before the file's `beforeAll`). */
export interface TestApplicationFixture {
  readonly app: TestApplication;
}

/** Registers the file's hooks: `startTestApplication(options)` before its tests, closed after them. */
export function useTestApplication(options?: Parameters<typeof startTestApplication>[0]): TestApplicationFixture {
  const fixture = useFileFixture(
    'the test application',
    () => startTestApplication(options),
    (app) => app.close(),
  );
  return {
    get app() {
      return fixture.value;
    },
  };
}

/** A test application whose requests go in as the admin of a fresh tenant. */
export interface AdminApiFixture extends TestApplicationFixture {
  /** `app.http.inject` with the admin's bearer token; headers given in `options` are added and win. */
  readonly inject: (options: InjectOptions) => Promise<LightMyRequestResponse>;
}

/** {@link useTestApplication} with an admin (`createTestUser`, role admin) made before the file's tests. */
export function useAdminApi(): AdminApiFixture {
  const fixture = useTestApplication();
  let adminHeaders: { readonly authorization: string } | undefined;
  beforeAll(async () => {
    adminHeaders = (await createTestUser(fixture.app, { role: 'admin' })).headers;
  });
  return {
    get app() {
      return fixture.app;
    },
    inject: (options) => fixture.app.http.inject({ ...options, headers: { ...adminHeaders, ...options.headers } }),
  };
}

/** The sign-up surfaces' applications: `app` with the login limits lifted, `closed` with sign-up turned off. */
export interface SignupApplicationsFixture extends TestApplicationFixture {
  readonly closed: TestApplication;
}

export function useSignupApplications(): SignupApplicationsFixture {
  const open = useTestApplication({ env: liftedLoginLimits });
  const closed = useTestApplication({ env: { SIGNUP_ENABLED: 'false' } });
  return {
    get app() {
      return open.app;
    },
    get closed() {
      return closed.app;
    },
  };
}
