import type { InjectOptions } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { transitionCall } from '../../store/queries/calls.ts';
import { upsertTranscriptItem } from '../../store/queries/transcript-items.ts';
import { bookingSchema, bookingTranscript } from '../../testing/analysis-world.ts';
import { json, offSchema, scriptByFormat, startFakeOpenAiChat, text, type FakeOpenAiChat } from '../../testing/fake-openai-chat/index.ts';
import { createTestUser, startTestApplication, type TestApplication, type TestUser } from '../../testing/test-application.ts';

let fake: FakeOpenAiChat;
let app: TestApplication;
let admin: TestUser;
let member: TestUser;
let otherMember: TestUser;
beforeAll(async () => {
  fake = await startFakeOpenAiChat();
  // Workers poll at start and when woken; the tests run the queue themselves with drain().
  app = await startTestApplication({ env: { JOB_POLL_INTERVAL_MS: '60000', OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.baseUrl } });
  admin = await createTestUser(app, { role: 'admin' });
  member = await createTestUser(app, { role: 'member', tenant: admin.tenant });
  otherMember = await createTestUser(app, { role: 'member', tenant: admin.tenant });
});
afterEach(() => {
  fake.respondWith(() => ({ kind: 'error', status: 500, message: 'fake: nothing scripted' }));
});
afterAll(async () => {
  await app.close();
  await fake.close();
});

interface AnalysisDto {
  status: string;
  reason: string | null;
  analysis: { status: string; summary: string | null; extraction: unknown; evaluation: unknown; plan: unknown } | null;
  job: { id: string; status: string } | null;
}

function as(user: TestUser, options: InjectOptions) {
  return app.http.inject({ ...options, headers: { ...user.headers, ...options.headers } });
}

const plan = { summary: {}, extraction: { name: 'booking', schema: bookingSchema } };
const booking = { name: 'Julie Martin', phone: '06 12 34 56 78', partySize: 4 };

async function agentWith(analysis: object): Promise<string> {
  const res = await as(admin, { method: 'POST', url: '/v1/agents', payload: { name: 'Bookings', shared: true, analysis } });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

/** A call of `user` on `agentId` that connected and holds the booking conversation; ended unless told otherwise. */
async function talkedCall(user: TestUser, agentId: string, { end = true } = {}): Promise<string> {
  const id = (await as(user, { method: 'POST', url: '/v1/calls', payload: { agentId } })).json<{ id: string }>().id;
  await transitionCall(app.database.db, { tenantId: admin.tenant.id, callId: id, to: 'active', at: new Date() });
  for (const [seq, [role, content]] of bookingTranscript.entries()) {
    await upsertTranscriptItem(app.database.db, { tenantId: admin.tenant.id, callId: id, seq, role, text: content, startMs: seq * 1000, endMs: null, interrupted: false });
  }
  if (end) expect((await as(user, { method: 'POST', url: `/v1/calls/${id}/end` })).statusCode).toBe(200);
  return id;
}

describe('GET /v1/calls/:callId/analysis', () => {
  it('says pending until the call has ended and its job has run, then returns the stored analysis', async () => {
    const agentId = await agentWith(plan);
    const callId = await talkedCall(member, agentId, { end: false });
    const live = await as(member, { url: `/v1/calls/${callId}/analysis` });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toMatchObject({ callId, status: 'pending', reason: 'the call has not ended yet', analysis: null, job: null });
    await as(member, { method: 'POST', url: `/v1/calls/${callId}/end` });
    fake.respondWith(scriptByFormat({ text: [text('Julie booked a table for four.')], booking: [json(booking)] }));
    await app.jobs.pool.drain();
    const done = await as(member, { url: `/v1/calls/${callId}/analysis` });
    expect(done.json()).toMatchObject({
      status: 'succeeded',
      reason: null,
      analysis: { status: 'succeeded', summary: 'Julie booked a table for four.', extraction: booking, evaluation: null, model: 'gpt-4o-mini', plan },
      job: { kind: 'call-analysis', status: 'succeeded' },
    });
    expect((await as(admin, { url: `/v1/calls/${callId}/analysis` })).statusCode).toBe(200);
    expect((await as(otherMember, { url: `/v1/calls/${callId}/analysis` })).json()).toMatchObject({ code: 'call_not_found' });
  });

  it('is 404 analysis_not_found for a call whose agent has no plan', async () => {
    const agentId = await agentWith({});
    const callId = await talkedCall(member, agentId);
    await app.jobs.pool.drain();
    const res = await as(member, { url: `/v1/calls/${callId}/analysis` });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'analysis_not_found' });
  });

  it('shows a failed run with its reason, beside the previous result it did not replace', async () => {
    const agentId = await agentWith(plan);
    const callId = await talkedCall(member, agentId);
    fake.respondWith(scriptByFormat({ text: [text('First.'), text('Second.')], booking: [json(booking), offSchema({ name: 'J' }), offSchema({ name: 'J' })] }));
    await app.jobs.pool.drain();
    expect((await as(member, { method: 'POST', url: `/v1/calls/${callId}/analysis` })).statusCode).toBe(202);
    await app.jobs.pool.drain();
    const res = (await as(member, { url: `/v1/calls/${callId}/analysis` })).json<AnalysisDto>();
    expect(res.status).toBe('failed');
    expect(res.reason).toContain('does not fit the schema after one retry');
    expect(res.reason).toContain('must have required property');
    expect(res.analysis).toMatchObject({ status: 'succeeded', summary: 'First.', extraction: booking });
  });
});

describe('POST /v1/calls/:callId/analysis', () => {
  it('re-runs as a new job, refuses a second while it is queued, and replaces the stored result', async () => {
    const agentId = await agentWith(plan);
    const callId = await talkedCall(admin, agentId);
    fake.respondWith(scriptByFormat({ text: [text('First summary.'), text('Second summary.')], booking: [json(booking), json({ ...booking, partySize: 5 })] }));
    await app.jobs.pool.drain();
    const firstJob = (await as(admin, { url: `/v1/calls/${callId}/analysis` })).json<AnalysisDto>().job?.id;
    const rerun = await as(admin, { method: 'POST', url: `/v1/calls/${callId}/analysis` });
    expect(rerun.statusCode).toBe(202);
    const queued = rerun.json<AnalysisDto>();
    expect(queued).toMatchObject({ status: 'pending', analysis: { summary: 'First summary.' }, job: { status: 'queued' } });
    expect(queued.job?.id).not.toBe(firstJob);
    const again = await as(admin, { method: 'POST', url: `/v1/calls/${callId}/analysis` });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'analysis_in_progress' });
    await app.jobs.pool.drain();
    expect((await as(admin, { url: `/v1/calls/${callId}/analysis` })).json()).toMatchObject({ status: 'succeeded', analysis: { summary: 'Second summary.', extraction: { partySize: 5 } } });
  });

  it('serialises simultaneous re-runs of one call: one is queued, the other is 409', async () => {
    const agentId = await agentWith({ summary: {} });
    const callId = await talkedCall(admin, agentId);
    fake.respondWith(() => text('A summary.'));
    await app.jobs.pool.drain();
    const both = await Promise.all([0, 1].map(() => as(admin, { method: 'POST', url: `/v1/calls/${callId}/analysis` })));
    expect(both.map((r) => r.statusCode).sort()).toEqual([202, 409]);
    const jobs = (await as(admin, { url: `/v1/calls/${callId}/jobs` })).json<{ items: { kind: string }[] }>().items;
    expect(jobs.filter((j) => j.kind === 'call-analysis')).toHaveLength(2);
    await app.jobs.pool.drain();
  });

  it('follows the agent’s current plan with {"plan":"agent"}, and explains what cannot be re-run', async () => {
    const agentId = await agentWith({});
    const callId = await talkedCall(member, agentId);
    await app.jobs.pool.drain();
    const noPlan = await as(member, { method: 'POST', url: `/v1/calls/${callId}/analysis` });
    expect(noPlan.statusCode).toBe(409);
    expect(noPlan.json()).toMatchObject({ code: 'analysis_not_configured' });
    expect((await as(member, { method: 'POST', url: `/v1/calls/${callId}/analysis`, payload: { plan: 'agent' } })).json()).toMatchObject({ code: 'analysis_not_configured' });

    const evaluation = { type: 'pass_fail', criteria: 'The booking was confirmed.' };
    await as(admin, { method: 'PATCH', url: `/v1/agents/${agentId}`, payload: { analysis: { evaluation } } });
    fake.respondWith(scriptByFormat({ evaluation: [json({ passed: true, reason: 'Confirmed at the end.' })] }));
    const rerun = await as(member, { method: 'POST', url: `/v1/calls/${callId}/analysis`, payload: { plan: 'agent' } });
    expect(rerun.statusCode).toBe(202);
    await app.jobs.pool.drain();
    expect((await as(member, { url: `/v1/calls/${callId}/analysis` })).json()).toMatchObject({
      status: 'succeeded',
      analysis: { summary: null, evaluation: { type: 'pass_fail', passed: true, reason: 'Confirmed at the end.' }, plan: { evaluation } },
    });

    const live = await talkedCall(member, agentId, { end: false });
    expect((await as(member, { method: 'POST', url: `/v1/calls/${live}/analysis` })).json()).toMatchObject({ code: 'call_in_progress' });
    expect((await as(member, { method: 'POST', url: `/v1/calls/${callId}/analysis`, payload: { plan: 'mine' } })).statusCode).toBe(400);
  });
});
