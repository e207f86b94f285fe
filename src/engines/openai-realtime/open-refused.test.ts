import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, type FakeRealtimeServer } from '../../testing/fake-openai-realtime/index.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';
import { sessionConfig } from '../../testing/openai-realtime-test-harness.ts';

let fake: FakeRealtimeServer | undefined;

afterEach(async () => {
  await fake?.close();
});

describe('an upstream that refuses the first connection', () => {
  it('makes open() reject with provider_unavailable for a 503, a reset and a closed port', async () => {
    fake = await startFakeOpenAIRealtime();
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    fake.setRefuseConnections(true);
    await expect(engine.open(sessionConfig(), new AbortController().signal)).rejects.toMatchObject({ code: 'provider_unavailable', message: expect.stringMatching(/HTTP 503/) as unknown });
    fake.setRefuseConnections('destroy');
    await expect(engine.open(sessionConfig(), new AbortController().signal)).rejects.toMatchObject({ code: 'provider_unavailable' });

    const baseUrl = fake.baseUrl;
    await fake.close();
    fake = undefined;
    const closed = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl, model: 'gpt-realtime-2' });
    await expect(closed.open(sessionConfig(), new AbortController().signal)).rejects.toMatchObject({ code: 'provider_unavailable' });
  });

  it('rejects when the call is aborted while connecting', async () => {
    fake = await startFakeOpenAIRealtime({ connectDelayMs: 600 });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    const controller = new AbortController();
    const startedAt = Date.now();
    const opening = engine.open(sessionConfig(), controller.signal);
    setTimeout(() => {
      controller.abort();
    }, 50);
    await expect(opening).rejects.toMatchObject({ code: 'provider_unavailable', message: expect.stringMatching(/aborted/) as unknown });
    expect(Date.now() - startedAt).toBeLessThan(500);
  });
});
