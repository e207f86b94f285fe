import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, startTestApplication, type TestApplication } from '../../testing/test-application.ts';

let app: TestApplication;
beforeAll(async () => {
  app = await startTestApplication();
});
afterAll(async () => {
  await app.close();
});

describe('the handlehome template', () => {
  it('makes an agent whose plan passes the analysis plan validation, with its tools and sink', async () => {
    const admin = await createTestUser(app);
    const res = await app.http.inject({ method: 'POST', url: '/v1/agents', headers: admin.headers, payload: { template: 'handlehome' } });
    expect(res.json()).toMatchObject({ language: 'fr', analysis: { sink: 'handlehome', thresholds: { minChars: 50, minWords: 10, minCallerWords: 5 } } });
    expect(res.statusCode).toBe(201);
  });
});
