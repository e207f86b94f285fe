import { describe, expect, it } from 'vitest';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('barge-in without playback reports (paced estimate)', () => {
  it('estimates what was heard as real-time playback from the first audio sent', async () => {
    const call = await startTestCall({ transport: { playbackReports: false } });
    const engine = call.engineSession;
    engine.responseStarted('resp-1');
    // 4 s of audio generated in the first 400 ms.
    for (let i = 0; i < 4; i++) {
      engine.assistantAudio('assistant-1', 1000);
      call.clock.advance(100);
    }
    engine.textDone('assistant-1', 'one two three four five six seven eight');
    engine.responseDone('resp-1');
    call.clock.advance(1100);

    engine.speechStarted('user-1');
    await call.idle();

    // Sent from t=0; 1500 ms of wall clock have passed, so 1500 ms were heard.
    expect(call.engineSession.interrupts).toEqual([{ itemId: 'assistant-1', heardMs: 1500 }]);
    expect(call.transport.clears).toBe(1);
    // 1500 / 4000 of 39 characters = 14 → "one two three " ends on a space: three whole words.
    expect(call.sink.transcript[0]).toMatchObject({ text: 'one two three', interrupted: true });
  });

  it('lets the queue run dry when the engine is slower than real time', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 500);
    // A 1 s stall: the caller heard 500 ms, then silence.
    call.clock.advance(1500);
    engine.assistantAudio('assistant-1', 500);
    call.clock.advance(200);

    engine.speechStarted('user-1');

    expect(call.engineSession.interrupts).toEqual([{ itemId: 'assistant-1', heardMs: 700 }]);
  });

  it('plays a second item only after the first one in the queue', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 1000);
    engine.assistantAudio('assistant-2', 1000);
    call.clock.advance(1250);

    engine.speechStarted('user-1');

    expect(call.engineSession.interrupts).toEqual([{ itemId: 'assistant-2', heardMs: 250 }]);
  });
});
