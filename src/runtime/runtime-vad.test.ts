import { describe, expect, it } from 'vitest';
import { MULAW_8K, silenceChunk, startTestCall, toneChunk, type TestCall } from '../testing/runtime-fakes/index.ts';

/** Sends `ms` of caller audio in 20 ms frames, advancing the clock with it. */
function speak(call: TestCall, ms: number, voiced: boolean): void {
  for (let t = 0; t < ms; t += 20) {
    call.transport.sendCallerAudio(voiced ? toneChunk(MULAW_8K, 20) : silenceChunk(MULAW_8K, 20));
    call.clock.advance(20);
  }
}

function engineWithoutVad(): Promise<TestCall> {
  return startTestCall({
    transport: { inputFormat: MULAW_8K },
    engine: { capabilities: { serverVad: false, inputTranscription: true } },
  });
}

describe('turn detection by the runtime for an engine without server VAD', () => {
  it('finds the caller turn, commits it to the engine and orders it before the reply', async () => {
    const call = await engineWithoutVad();
    const engine = call.engineSession;

    speak(call, 200, false);
    speak(call, 500, true);
    expect(engine.commits).toEqual([]);
    speak(call, 700, false);
    expect(engine.commits).toEqual(['runtime-turn-1']);

    // The engine answers, then transcribes the committed audio under its own item id.
    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 300);
    engine.textDone('assistant-1', 'Hi!');
    engine.responseDone('resp-1');
    engine.userTranscript('engine-item-7', 'Hello');
    await call.idle();

    expect(call.sink.transcript).toMatchObject([
      { seq: 0, role: 'user', text: 'Hello', startMs: 200, endMs: 700 },
      { seq: 1, role: 'assistant', text: 'Hi!' },
    ]);
    // All caller audio still reaches the engine.
    expect(engine.receivedAudioMs).toBe(1400);
  });

  it('uses the runtime turn id when the engine echoes it in its transcript', async () => {
    const call = await engineWithoutVad();
    const engine = call.engineSession;
    speak(call, 300, true);
    speak(call, 700, false);
    speak(call, 300, true);
    speak(call, 700, false);
    expect(engine.commits).toEqual(['runtime-turn-1', 'runtime-turn-2']);

    // Transcripts in reverse order, each under the id given at commit.
    engine.userTranscript('runtime-turn-2', 'Second');
    engine.userTranscript('runtime-turn-1', 'First');
    await call.idle();

    expect(call.sink.transcript.map((t) => [t.seq, t.text])).toEqual([
      [0, 'First'],
      [1, 'Second'],
    ]);
  });

  it('interrupts the agent when the caller talks over it', async () => {
    const call = await engineWithoutVad();
    const engine = call.engineSession;
    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 3000);
    engine.textDone('assistant-1', 'This is a rather long answer to a short question.');

    speak(call, 400, false);
    speak(call, 120, true);

    expect(engine.interrupts).toHaveLength(1);
    expect(engine.interrupts[0]?.itemId).toBe('assistant-1');
    // Voice from 400 ms; the fifth 20 ms frame completes the 100 ms minimum when it arrives at 480 ms.
    expect(engine.interrupts[0]?.heardMs).toBe(480);
    expect(call.transport.clears).toBe(1);
  });

  it('ignores a click shorter than the minimum speech', async () => {
    const call = await engineWithoutVad();
    speak(call, 40, true);
    speak(call, 1000, false);

    expect(call.engineSession.commits).toEqual([]);
  });

  it('does not run its own detector when the engine has server VAD', async () => {
    const call = await startTestCall({ transport: { inputFormat: MULAW_8K } });
    speak(call, 500, true);
    speak(call, 1000, false);

    expect(call.engineSession.commits).toEqual([]);
  });
});
