/**
 * Two instances on one database; a caller is connected to A. `POST /v1/calls/:id/end` that the load
 * balancer sends to B must end the call on A (the caller hears the end, the engine socket closes, the
 * turn so far is stored, the requested reason is the call's), not just mark the record ended while A
 * keeps the caller talking to the agent. Runs on PGlite, and on PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fixtureWords, sleep, speech } from '../../e2e/socket-io-kit.ts';
import { connectWebSocket, streamBinary, type ServerMessage } from '../../e2e/websocket-kit.ts';
import { transitionCall } from '../../store/queries/calls.ts';
import { createTestUser } from '../../testing/test-application.ts';
import { startTwoInstances, type TwoInstances } from '../../testing/two-instances.ts';
import { CALL_CONTROL_CHANNEL } from './messages.ts';

const reply = 'Tell me more about what you would like to practise today, and we will start right there.';
const ACK_MS = 400;
const WAIT_MS = 8_000;

let instances: TwoInstances;
let tenantId: string;
let credential: Record<string, string>;
let headers: Record<string, string>;
beforeAll(async () => {
  instances = await startTwoInstances(
    { pacing: { speedFactor: 4 }, script: { userSays: [fixtureWords], replies: [{ type: 'message', text: reply, audioMs: 8_000 }] } },
    { CALL_END_ACK_MS: String(ACK_MS), CALL_END_WAIT_MS: String(WAIT_MS) },
  );
  // One admin's credential works on both instances: same users, same JWT secret.
  const admin = await createTestUser(instances.a.app, { role: 'admin' });
  tenantId = admin.tenant.id;
  credential = { ...admin.headers };
  headers = { ...credential, 'content-type': 'application/json' };
});
afterAll(async () => {
  await instances.close();
});

interface EndAnswer {
  readonly call: { readonly id: string; readonly status: string; readonly endReason: string | null };
  readonly transcript: ReadonlyArray<{ readonly role: string; readonly text: string }>;
}

async function createCall(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/calls`, { method: 'POST', headers, body: '{}' });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function endOn(baseUrl: string, callId: string, reason: string): Promise<{ answer: EndAnswer; tookMs: number }> {
  const startedAt = Date.now();
  const response = await fetch(`${baseUrl}/v1/calls/${callId}/end`, { method: 'POST', headers, body: JSON.stringify({ reason }) });
  const tookMs = Date.now() - startedAt;
  expect(response.status).toBe(200);
  return { answer: (await response.json()) as EndAnswer, tookMs };
}

describe('ending a call on the instance that does not run it', () => {
  it('ends the live session on A when B is asked: caller told, engine closed, turn stored, requested reason', async () => {
    const { a, b, fake } = instances;
    const callId = await createCall(b.baseUrl);
    const caller = await connectWebSocket(a.baseUrl, credential);
    const started = caller.next('started');
    caller.sendJson({ type: 'start', callId });
    await started;
    expect([a.app.liveCalls.runs(callId), b.app.liveCalls.runs(callId)]).toEqual([true, false]);

    // The caller speaks; the agent's 8 s reply is still playing when the call is ended.
    const heard = caller.next<ServerMessage & { text: string }>('user_transcript', (m) => m['final'] === true, 20_000);
    const replying = caller.next('audio', () => true, 20_000);
    await streamBinary(caller, speech.samples, 4);
    await streamBinary(caller, new Int16Array(24_000), 4);
    expect((await heard).text).toBe(fixtureWords);
    await replying;
    // Part of the reply has been heard: the turn in progress is stored as far as it was heard.
    await sleep(1_500);
    const session = await fake.waitForSession(1);
    expect(session.closed).toBe(false);

    const ended = caller.next<ServerMessage & { status: string; reason: string; transcript: Array<{ role: string; text: string }> }>('ended');
    const { answer, tookMs } = await endOn(b.baseUrl, callId, 'supervisor_hung_up');

    // B answers with the call as A's session finished it.
    expect(answer.call).toMatchObject({ id: callId, status: 'ended', endReason: 'supervisor_hung_up' });
    expect(answer.transcript.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(answer.transcript[0]?.text).toBe(fixtureWords);
    // Cut to what the caller heard of it.
    expect(answer.transcript[1]?.text).not.toBe('');
    expect(reply.startsWith(answer.transcript[1]?.text ?? '')).toBe(true);
    expect(answer.transcript[1]?.text).not.toBe(reply);
    expect(tookMs).toBeLessThan(WAIT_MS);
    // A's caller got the end, with the same reason and transcript, then the socket closed normally.
    const end = await ended;
    expect(end).toMatchObject({ callId, status: 'ended', reason: 'supervisor_hung_up' });
    expect(end.transcript.map((t) => [t.role, t.text])).toEqual(answer.transcript.map((t) => [t.role, t.text]));
    expect(await caller.closed).toBe(1000);
    await eventually(() => session.closed, 5_000);
    expect(a.app.liveCalls.runs(callId)).toBe(false);
    expect(a.messages(30)).toContain('call ended at the request of another instance');
    // B never had to end the record itself.
    expect(b.messages().filter((msg) => msg.includes('record was ended here'))).toEqual([]);
  }, 60_000);

  it('ends the record after the acknowledgement window when no instance runs the call (its instance is gone)', async () => {
    const { a, b, database } = instances;
    const callId = await createCall(a.baseUrl);
    // Active in the database, as a crashed instance leaves it: no session anywhere.
    const activated = await transitionCall(database.db, { tenantId, callId, to: 'active', at: new Date() });
    expect(activated.ok).toBe(true);

    const { answer, tookMs } = await endOn(b.baseUrl, callId, 'orphan_cleanup');
    expect(answer.call).toMatchObject({ status: 'ended', endReason: 'orphan_cleanup' });
    expect(tookMs).toBeGreaterThanOrEqual(ACK_MS - 20);
    expect(tookMs).toBeLessThan(WAIT_MS);
    expect(b.messages(40)).toContain('no instance runs this call in progress (its instance is gone?); its record was ended here');
    expect(a.messages(40).filter((msg) => msg.includes('record was ended here'))).toEqual([]);
  }, 30_000);

  it('ignores malformed notifications on the channel (logged, never thrown) and keeps serving', async () => {
    const { a, b, database } = instances;
    const malformed = ['not json', '{"type":"end","callId":"not-a-uuid","reason":"x","requestId":"y"}', '{"type":"reboot"}', '[]'];
    for (const payload of malformed) await database.notify(CALL_CONTROL_CHANNEL, payload);
    const count = (messages: string[]) => messages.filter((msg) => msg === 'malformed call control message ignored').length;
    await eventually(() => count(a.messages(40)) === malformed.length && count(b.messages(40)) === malformed.length, 5_000);

    // Both still answer each other: a call live on B is ended from A.
    const callId = await createCall(a.baseUrl);
    const caller = await connectWebSocket(b.baseUrl, credential);
    const started = caller.next('started');
    caller.sendJson({ type: 'start', callId });
    await started;
    const ended = caller.next('ended');
    const { answer } = await endOn(a.baseUrl, callId, 'after_garbage');
    expect(answer.call).toMatchObject({ status: 'ended', endReason: 'after_garbage' });
    expect(await ended).toMatchObject({ reason: 'after_garbage' });
    expect(b.app.liveCalls.runs(callId)).toBe(false);
  }, 30_000);
});
