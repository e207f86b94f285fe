import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleCoaching } from '../../coaching/rules.ts';
import { emptySnapshot } from '../../coaching/snapshot-merge.ts';
import { upsertCallCoachingReport } from '../../store/queries/call-coaching-reports.ts';
import { createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';

let app: TestApplication;
let owner: TestUser;
let other: TestUser;
beforeAll(async () => {
  app = await startTestApplication();
  owner = await createTestUser(app, { role: 'member', externalId: 'caller-1' });
  other = await createTestUser(app, { role: 'member', tenant: owner.tenant });
});
afterAll(async () => {
  await app.close();
});

describe('GET /v1/calls/:callId/coaching and the agent’s coaching setting', () => {
  it('validates coaching on agents', async () => {
    const bad = await app.http.inject({ method: 'POST', url: '/v1/agents', headers: owner.headers, payload: { name: 'Coach', coaching: { enabled: 'yes', pace: 3 } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ details: { path: string }[] }>().details.map((d) => d.path)).toEqual(expect.arrayContaining(['body.coaching.enabled', 'body.coaching.pace']));
    const agent = await app.http.inject({ method: 'POST', url: '/v1/agents', headers: owner.headers, payload: { name: 'Coach', coaching: { enabled: true, language: 'fr' } } });
    expect(agent.statusCode, agent.body).toBe(201);
    expect(agent.json()).toMatchObject({ coaching: { enabled: true, language: 'fr' } });
  });

  it('answers the stored report to whoever may read the call; 404 without one, or for others’ calls', async () => {
    const call = await app.http.inject({ method: 'POST', url: '/v1/calls', headers: owner.headers, payload: { userId: 'caller-1' } });
    const { id } = call.json<{ id: string }>();
    const url = `/v1/calls/${id}/coaching`;
    const none = await app.http.inject({ url, headers: owner.headers });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ code: 'coaching_report_not_found' });
    const snapshot = { ...emptySnapshot, durationMs: 10_000, speechMs: 8000, levelDbfs: -20, snrDb: 30, pitchMedianHz: 110, pitchVariabilitySt: 3, monotone: false, syllablesPerSecond: 4.2 };
    await upsertCallCoachingReport(app.database.db, { callId: id, tenantId: owner.tenant.id, language: 'en', analysis: { analysedMs: 10_000 }, snapshot, coaching: ruleCoaching(snapshot, 'en', null), at: new Date() });
    const res = await app.http.inject({ url, headers: owner.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ callId: id, language: 'en', metrics: { duration_ms: 10_000, pitch_median_hz: 110 }, coaching: { source: 'rules', scores: { overall: expect.any(Number) as number } }, analysis: { analysedMs: 10_000 } });
    // A report stored before conversation metrics existed answers null; a current one answers them.
    expect(res.json()).toMatchObject({ conversation: null });
    const conversation = { caller: { talkMs: 6000, talkRatio: 0.75, interruptions: 1 }, agent: { talkMs: 2000, talkRatio: 0.25, interruptions: 0 }, overlapMs: 400, silenceMs: 1500 };
    await upsertCallCoachingReport(app.database.db, { callId: id, tenantId: owner.tenant.id, language: 'en', analysis: { analysedMs: 10_000, conversation }, snapshot, coaching: ruleCoaching(snapshot, 'en', null), at: new Date() });
    expect((await app.http.inject({ url, headers: owner.headers })).json()).toMatchObject({ conversation });
    expect((await app.http.inject({ url, headers: other.headers })).statusCode).toBe(404);
    expect((await app.http.inject({ url })).statusCode).toBe(401);
  });
});
