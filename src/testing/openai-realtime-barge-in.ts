/**
 * The set-up of the OpenAI Realtime engine's barge-in tests (src/engines/openai-realtime/barge-in*.test.ts):
 * a μ-law 8 kHz session against the fake upstream at 8× real time, the caller's utterance, and the
 * steps to the moment a reply is playing and the caller talks over it.
 */
import { afterEach } from 'vitest';
import { createOpenAIRealtimeEngine } from '../engines/openai-realtime/engine.ts';
import type { EngineSession, EngineSessionConfig } from '../runtime/ports.ts';
import { FAKE_OPENAI_API_KEY, silenceAudio, startFakeOpenAIRealtime, toneAudio, type FakeRealtimeServer, type TurnScript } from './fake-openai-realtime/index.ts';
import { assistantAudioBytes, EventRecorder, MULAW8K, sendInChunks, sessionConfig } from './openai-realtime-test-harness.ts';

const pcmu = { type: 'audio/pcmu' } as const;
/** One caller turn to the fake's VAD: 300 ms of tone, then 600 ms of silence. */
export const utterance = Buffer.concat([toneAudio(300, pcmu), silenceAudio(600, pcmu)]);

export interface MulawSession {
  readonly fake: FakeRealtimeServer;
  readonly session: EngineSession;
  readonly recorder: EventRecorder;
}

/**
 * Registers an `afterEach` that closes the test's session and fake; returns the function that opens
 * them: a fake at 8× real time with `script`, and a μ-law 8 kHz session with these engine `options`.
 */
export function useMulawSessions(): (script: TurnScript, options?: EngineSessionConfig['options']) => Promise<MulawSession> {
  let fake: FakeRealtimeServer | undefined;
  let session: EngineSession | undefined;
  afterEach(async () => {
    await session?.close();
    await fake?.close();
    session = undefined;
    fake = undefined;
  });
  return async (script, options = {}) => {
    fake = await startFakeOpenAIRealtime({ pacing: { speedFactor: 8 }, script });
    const engine = createOpenAIRealtimeEngine({ apiKey: FAKE_OPENAI_API_KEY, baseUrl: fake.baseUrl, model: 'gpt-realtime-2' });
    session = await engine.open(sessionConfig({ inputFormat: MULAW8K, outputFormat: MULAW8K, options }), new AbortController().signal);
    return { fake, session, recorder: new EventRecorder(session) };
  };
}

/** The caller says {@link utterance}; resolves with the reply's item once `generatedMs` of its audio has arrived. */
export async function replyUnderway({ session, recorder }: MulawSession, generatedMs: number): Promise<string> {
  sendInChunks(session, utterance, MULAW8K);
  const { itemId } = await recorder.next('assistant_audio');
  await recorder.next('assistant_audio', () => assistantAudioBytes(recorder, itemId) >= generatedMs * 8);
  return itemId;
}

/** The caller talks over the reply: after the first turn's `speech_started`, the utterance again, up to its own `speech_started`. */
export async function callerTalksOver({ session, recorder }: MulawSession): Promise<void> {
  await recorder.next('speech_started');
  sendInChunks(session, utterance, MULAW8K);
  await recorder.next('speech_started');
}
