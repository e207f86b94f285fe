import { afterEach, describe, expect, it } from 'vitest';
import type { EngineSession } from '../../runtime/ports.ts';
import { FAKE_OPENAI_API_KEY, silenceAudio, startFakeOpenAIRealtime, toneAudio, type FakeRealtimeServer } from '../../testing/fake-openai-realtime/index.ts';
import { createOpenAIRealtimeEngine } from './engine.ts';
import { EventRecorder, MULAW8K, sendInChunks, sessionConfig } from '../../testing/openai-realtime-test-harness.ts';

let fake: FakeRealtimeServer | undefined;
let session: EngineSession | undefined;

afterEach(async () => {
  await session?.close();
  await fake?.close();
});

const pcmu = { type: 'audio/pcmu' } as const;
const utterance = Buffer.concat([toneAudio(400, pcmu), silenceAudio(700, pcmu)]);

describe('a dropped upstream socket', () => {
  it('reconnects, re-seeds the finished turn and keeps the call going', async () => {
    fake = await startFakeOpenAIRealtime({ script: { userSays: ['First question.', 'Second question.'] } });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K }), new AbortController().signal);
    const recorder = new EventRecorder(session);
    sendInChunks(session, utterance, MULAW8K);
    await recorder.next('response_done');

    fake.dropAll();
    const reconnecting = await recorder.next('reconnecting');
    expect(reconnecting.reason).toMatch(/closed \(code 1006\)/);
    const reconnected = await recorder.next('reconnected', () => true, 2_000);
    expect(reconnected.gapMs).toBeLessThan(2_000);

    sendInChunks(session, utterance, MULAW8K);
    const answer = await recorder.next('assistant_text_done', (event) => event.text === 'You said: Second question.');
    expect(answer).toBeDefined();
    const second = await fake.waitForSession(2);
    expect(second.items.slice(0, 2)).toMatchObject([
      { role: 'user', content: [{ type: 'input_text', text: 'First question.' }] },
      { role: 'assistant', content: [{ type: 'output_text', text: 'You said: First question.' }] },
    ]);
    expect(recorder.all('user_transcript').filter((event) => event.final).map((event) => event.text)).toEqual(['First question.', 'Second question.']);
    expect(recorder.all('error')).toEqual([]);
  });
});
