import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, type FakeRealtimeServer } from '../../testing/fake-openai-realtime/index.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';
import { EventRecorder, MULAW8K, sessionConfig, waitUntil } from '../../testing/openai-realtime-test-harness.ts';

let fake: FakeRealtimeServer | undefined;

afterEach(async () => {
  await fake?.close();
});

describe('closing a session', () => {
  it('closes the socket with 1000 once, never reconnects, and ignores later calls', async () => {
    fake = await startFakeOpenAIRealtime();
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    const controller = new AbortController();
    const session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K }), controller.signal);
    const recorder = new EventRecorder(session);
    const upstream = await fake.waitForSession();

    const first = session.close();
    expect(session.close()).toBe(first);
    await first;
    controller.abort();
    expect(upstream.closed).toBe(true);
    session.sendAudio({ format: MULAW8K, data: new Uint8Array(160) });
    session.interrupt({ itemId: 'item_x', heardMs: 10 });
    session.sendToolResult({ callId: 'call_x', output: '{}' });
    session.say('Hello?');
    session.commitUserTurn();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.sessions).toHaveLength(1);
    expect(upstream.clientEvents.map((event) => event.event?.type)).toEqual(['session.update']);
    expect(recorder.events).toEqual([]);
  });

  it('closes when the call aborts its signal', async () => {
    fake = await startFakeOpenAIRealtime();
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    const controller = new AbortController();
    const session = await engine.open(sessionConfig(), controller.signal);
    const recorder = new EventRecorder(session);
    controller.abort();
    await session.close();
    const upstream = await fake.waitForSession();
    await waitUntil(() => upstream.closed);
    expect(recorder.all('reconnecting')).toEqual([]);
  });
});
