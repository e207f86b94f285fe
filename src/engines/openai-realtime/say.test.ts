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

describe('say() while the assistant is speaking', () => {
  it('waits for the active response to finish, then sends response.create with the instructions', async () => {
    fake = await startFakeOpenAIRealtime({
      script: { replies: [{ type: 'message', text: 'A long answer still playing.', audioMs: 2_000 }] },
      defaultReply: (context) => ({ type: 'message', text: `Said because: ${context.instructions}`, audioMs: 300 }),
    });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K }), new AbortController().signal);
    const recorder = new EventRecorder(session);
    sendInChunks(session, Buffer.concat([toneAudio(400, pcmu), silenceAudio(700, pcmu)]), MULAW8K);
    await recorder.next('assistant_audio');

    session.say('Tell the caller the call ends in one minute.');
    const first = await recorder.next('response_done');
    expect(first.status).toBe('completed');
    const warning = await recorder.next('assistant_text_done', (event) => event.text.startsWith('Said because'));
    expect(warning.text).toBe('Said because: Tell the caller the call ends in one minute.');

    const upstream = await fake.waitForSession();
    const create = upstream.clientEvents.find((event) => event.event?.type === 'response.create');
    expect(create?.event).toMatchObject({ type: 'response.create', response: { instructions: 'Tell the caller the call ends in one minute.' } });
    expect(upstream.serverEvents.filter((event) => event.type === 'error')).toEqual([]);
  });
});
