import { describe, expect, it } from 'vitest';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('turn ordering', () => {
  it('keeps the caller turn before the reply when its transcript arrives after the reply', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;

    call.clock.advance(1000);
    engine.speechStarted('user-1');
    call.clock.advance(1500);
    engine.speechStopped('user-1');
    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 400);
    engine.textDone('assistant-1', 'Sure, I can help with that.');
    engine.responseDone('resp-1');
    // The transcription model is slower than the reply.
    call.clock.advance(300);
    engine.userTranscript('user-1', 'Can you help me?');
    await call.idle();

    expect(call.sink.transcript.map((t) => [t.seq, t.role, t.text])).toEqual([
      [0, 'user', 'Can you help me?'],
      [1, 'assistant', 'Sure, I can help with that.'],
    ]);
    const [user, assistant] = call.sink.transcript;
    expect(user?.startMs).toBe(1000);
    expect(user?.endMs).toBe(2500);
    expect(assistant?.startMs).toBe(2500);
    // The reply was written before the caller's transcript existed.
    expect(call.sink.turnWrites.map((t) => t.role)).toEqual(['assistant', 'user']);
  });

  it('gives a transcript without a speech start its own turn at the time it arrives', async () => {
    const call = await startTestCall();
    call.clock.advance(2000);
    call.engineSession.userTranscript('typed-1', 'Hello there');
    await call.idle();

    expect(call.sink.transcript).toEqual([
      { seq: 0, role: 'user', text: 'Hello there', startMs: 2000, endMs: null, interrupted: false },
    ]);
  });

  it('does not store an empty final transcript (noise)', async () => {
    const call = await startTestCall();
    call.engineSession.speechStarted('user-1');
    call.engineSession.speechStopped('user-1');
    call.engineSession.userTranscript('user-1', '  ');
    await call.idle();

    expect(call.sink.transcript).toEqual([]);
  });
});
