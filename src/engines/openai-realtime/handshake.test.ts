import { afterEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../../runtime/ports.ts';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, type FakeRealtimeServer } from '../../testing/fake-openai-realtime/index.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';
import { sessionConfig } from '../../testing/openai-realtime-test-harness.ts';

let fake: FakeRealtimeServer | undefined;
let session: EngineSession | undefined;

afterEach(async () => {
  await session?.close();
  await fake?.close();
});

describe('opening a session', () => {
  it('connects with a bearer key and no beta header, and the fake accepts one GA session.update', async () => {
    fake = await startFakeOpenAIRealtime();
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    const tool = { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object', properties: { id: { type: 'string' } } } };
    session = await engine.open(sessionConfig({ instructions: 'Be brief.', voice: 'cedar', tools: [tool] }), new AbortController().signal);

    const upstream = await fake.waitForSession();
    expect(upstream.model).toBe('gpt-realtime-2');
    expect(upstream.requestHeaders['authorization']).toBe(`Bearer ${FAKE_OPENAI_API_KEY}`);
    expect(upstream.requestHeaders['openai-beta']).toBeUndefined();
    expect(upstream.requestHeaders['sec-websocket-protocol']).toBeUndefined();

    // open() resolved after session.updated: the update was the first client event and was accepted.
    expect(upstream.clientEvents.map((event) => event.event?.type ?? 'rejected')).toEqual(['session.update']);
    expect(upstream.clientEvents[0]?.error).toBeNull();
    expect(upstream.serverEvents.some((event) => event.type === 'error')).toBe(false);
    expect(upstream.config).toMatchObject({
      type: 'realtime',
      instructions: 'Be brief.',
      output_modalities: ['audio'],
      tool_choice: 'auto',
      tools: [{ type: 'function', name: 'lookup_order', description: 'Find an order' }],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24_000 },
          transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' },
          turn_detection: { type: 'server_vad', interrupt_response: true, create_response: true },
          noise_reduction: null,
        },
        output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'cedar' },
      },
    });
  });
});
