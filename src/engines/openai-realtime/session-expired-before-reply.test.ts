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

describe('session_expired after the caller spoke but before the reply', () => {
  it('closes the lost response, re-seeds the caller turn and asks the new session for the reply', async () => {
    fake = await startFakeOpenAIRealtime({
      pacing: { firstDeltaDelayMs: 400 },
      script: {
        userSays: ['What are your opening hours?'],
        replies: [{ type: 'message', text: 'Never heard.', audioMs: 300 }, { type: 'message', text: 'We open at nine.', audioMs: 300 }],
      },
    });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K }), new AbortController().signal);
    const recorder = new EventRecorder(session);
    sendInChunks(session, Buffer.concat([toneAudio(400, pcmu), silenceAudio(700, pcmu)]), MULAW8K);
    await recorder.next('user_transcript', (event) => event.final);
    const lost = await recorder.next('response_started');

    fake.expireSession('all');
    await recorder.next('reconnected');
    expect(await recorder.next('response_done')).toMatchObject({ responseId: lost.responseId, status: 'incomplete', usage: null });

    const answer = await recorder.next('assistant_text_done');
    expect(answer.text).toBe('We open at nine.');
    const second = await fake.waitForSession(2);
    expect(second.clientEvents.map((event) => event.event?.type)).toEqual(['session.update', 'conversation.item.create', 'response.create']);
    expect(second.items[0]).toMatchObject({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What are your opening hours?' }] });
    expect(recorder.all('assistant_text_done').map((event) => event.text)).toEqual(['We open at nine.']);
    expect(recorder.all('error')).toEqual([]);
  });
});
