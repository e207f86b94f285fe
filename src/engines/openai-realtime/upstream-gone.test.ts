import { afterEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../../runtime/ports.ts';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, type FakeRealtimeServer } from '../../testing/fake-openai-realtime/index.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';
import { EventRecorder, MULAW8K, sessionConfig } from '../../testing/openai-realtime-test-harness.ts';

let fake: FakeRealtimeServer | undefined;
let session: EngineSession | undefined;

afterEach(async () => {
  await session?.close();
  await fake?.close();
});

describe('the upstream gone for good', () => {
  it('gives up after the configured attempts with a non-recoverable error', async () => {
    fake = await startFakeOpenAIRealtime();
    const engine = createOpenAIRealtimeEngine({
      apiKey: FAKE_OPENAI_API_KEY,
      baseUrl: fake.baseUrl,
      model: 'gpt-realtime-2',
      reconnect: { maxAttempts: 3, backoffMs: 20 },
    });
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K }), new AbortController().signal);
    const recorder = new EventRecorder(session);

    fake.setRefuseConnections(true);
    fake.dropAll();
    await recorder.next('reconnecting');
    const failure = await recorder.next('error');
    expect(failure.recoverable).toBe(false);
    expect(failure.error).toMatchObject({ code: 'provider_unavailable' });
    expect(failure.error.message).toMatch(/in 3 attempts.*HTTP 503/);
    expect(fake.rejectedUpgrades.map((rejection) => rejection.status)).toEqual([503, 503, 503]);
    expect(recorder.all('reconnected')).toEqual([]);

    // The session is inert afterwards: nothing throws, nothing reconnects.
    session.sendAudio({ format: MULAW8K, data: new Uint8Array(160).fill(0xff) });
    session.say('Goodbye.');
    fake.setRefuseConnections(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.sessions).toHaveLength(1);
  });
});
