import { afterEach, describe, expect, it } from 'vitest';
import { connectTestClient, startFakeOpenAIRealtime, type FakeRealtimeServer } from './index.ts';
import { openPhoneSession } from './scenario.ts';
import { UpgradeRejectedError } from './test-client.ts';

let server: FakeRealtimeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('failure injection', () => {
  it('expires a session with the real session_expired error and a 1001 close', async () => {
    server = await startFakeOpenAIRealtime();
    const client = await connectTestClient(server);
    const session = await server.waitForSession();
    server.expireSession(session.id);
    const error = await client.next('error');
    expect(error.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'session_expired',
      message: 'Your session hit the maximum duration of 60 minutes.',
    });
    expect((await client.closed).code).toBe(1001);
    expect(session.closed).toBe(true);
  });

  it('expires sessions on its own after a configured maximum duration', async () => {
    server = await startFakeOpenAIRealtime({ maxSessionDurationMs: 150 });
    const client = await connectTestClient(server);
    const created = await client.next('session.created');
    expect(created.session.expires_at).toBeGreaterThan(0);
    expect((await client.next('error', 2_000)).error.code).toBe('session_expired');
    expect((await client.closed).code).toBe(1001);
  });

  it('drops sockets without a close frame', async () => {
    server = await startFakeOpenAIRealtime();
    const first = await connectTestClient(server);
    const second = await connectTestClient(server);
    await server.waitForSession(2);
    server.dropAll();
    expect((await first.closed).code).toBe(1006);
    expect((await second.closed).code).toBe(1006);
    expect(server.sessions.every((session) => session.closed)).toBe(true);
  });

  it('refuses new connections with 503 or a reset until told otherwise', async () => {
    server = await startFakeOpenAIRealtime();
    server.setRefuseConnections(true);
    await expect(connectTestClient(server)).rejects.toMatchObject({ status: 503 });
    server.setRefuseConnections('destroy');
    const reset = connectTestClient(server);
    await expect(reset).rejects.toBeInstanceOf(Error);
    await expect(reset).rejects.not.toBeInstanceOf(UpgradeRejectedError);
    server.setRefuseConnections(false);
    await (await connectTestClient(server)).next('session.created');
    expect(server.rejectedUpgrades.map((rejection) => rejection.status)).toEqual([503, 0]);
    expect(server.sessions).toHaveLength(1);
  });

  it('lets a reconnecting client re-seed the conversation with message items', async () => {
    server = await startFakeOpenAIRealtime({ pacing: { speedFactor: Number.POSITIVE_INFINITY } });
    const first = await openPhoneSession(server);
    server.expireSession('all');
    await first.closed;
    const second = await openPhoneSession(server);
    const session = await server.waitForSession(2);
    second.send({ type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Summary: caller wants a refund.' }] } });
    second.send({ type: 'conversation.item.create', item: { id: 'item_seed_user', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'I want a refund.' }] } });
    second.send({ type: 'conversation.item.create', item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'I can help with that.' }] } });
    second.send({ type: 'conversation.item.create', previous_item_id: 'root', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'First.' }] } });
    for (let i = 0; i < 4; i += 1) await second.next('conversation.item.done');
    expect(session.items.map((item) => (item.type === 'message' ? item.role : item.type))).toEqual(['system', 'system', 'user', 'assistant']);

    second.send({ type: 'conversation.item.create', item: { type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'x' }] } });
    expect((await second.next('error')).error).toMatchObject({ code: 'invalid_value' });
    second.send({ type: 'conversation.item.create', previous_item_id: 'item_nope', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] } });
    expect((await second.next('error')).error).toMatchObject({ code: 'item_not_found', param: 'previous_item_id' });
    second.send({ type: 'conversation.item.create', item: { id: 'item_seed_user', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'again' }] } });
    expect((await second.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'item.id' });
    second.send({ type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'output_text', text: 'x' }] } });
    expect((await second.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'item.content[0].type' });

    second.send({ type: 'response.create' });
    expect((await second.next('response.output_audio_transcript.done')).transcript).toBe('You said: I want a refund.');
  });

  it('records every client event and lets tests await any event', async () => {
    server = await startFakeOpenAIRealtime();
    const client = await openPhoneSession(server);
    client.send({ type: 'response.cancel', event_id: 'evt_x' });
    const observed = await server.waitFor((event) => event.direction === 'client' && event.event.event?.type === 'response.cancel');
    expect(observed.direction).toBe('client');
    const error = await server.waitForServerEvent('error');
    expect(error.error.event_id).toBe('evt_x');
    const session = await server.waitForSession();
    expect(session.clientEvents.map((event) => event.event?.type)).toEqual(['session.update', 'response.cancel']);
    await expect(server.waitForServerEvent('response.done', { timeoutMs: 50 })).rejects.toThrow(/within 50 ms/);
  });
});
