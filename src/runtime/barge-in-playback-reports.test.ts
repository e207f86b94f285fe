import { describe, expect, it } from 'vitest';
import { startTestCall, type TestCall } from '../testing/runtime-fakes/index.ts';

const REPLY = 'The quick brown fox jumps over the lazy dog near the river bank today.';

/** A caller turn, then a 3 s reply generated at once (the engine is far ahead of playback). */
async function callWithReplyPlaying(): Promise<TestCall> {
  const call = await startTestCall({ transport: { playbackReports: true } });
  const engine = call.engineSession;
  engine.speechStarted('user-1');
  engine.speechStopped('user-1');
  engine.userTranscript('user-1', 'Tell me a sentence.');
  engine.responseStarted('resp-1');
  for (let i = 0; i < 30; i++) engine.assistantAudio('assistant-1', 100);
  engine.textDone('assistant-1', REPLY);
  engine.responseDone('resp-1');
  await call.idle();
  return call;
}

describe('barge-in with playback reports', () => {
  it('clears the transport and truncates the engine at the reported position', async () => {
    const call = await callWithReplyPlaying();
    call.clock.advance(1300);
    call.transport.reportPlayback('assistant-1', 500);
    call.transport.reportPlayback('assistant-1', 1230);

    call.engineSession.speechStarted('user-2');
    await call.idle();

    expect(call.transport.clears).toBe(1);
    expect(call.engineSession.interrupts).toHaveLength(1);
    const [interrupt] = call.engineSession.interrupts;
    expect(interrupt?.itemId).toBe('assistant-1');
    expect(Math.abs((interrupt?.heardMs ?? 0) - 1230)).toBeLessThanOrEqual(60);
    expect(Number.isInteger(interrupt?.heardMs)).toBe(true);
    expect(call.transport.noticesOf('interrupted')).toEqual([{ type: 'interrupted', itemId: 'assistant-1', heardMs: 1230 }]);
  });

  it('stores only the heard text, cut at a word boundary, marked interrupted', async () => {
    const call = await callWithReplyPlaying();
    call.transport.reportPlayback('assistant-1', 1230);
    call.engineSession.speechStarted('user-2');
    await call.idle();

    // 1230 of 3000 ms heard → 41 % of 70 characters = 28, "…jumps ov" backs off to the last whole word.
    const assistant = call.sink.transcript.find((t) => t.role === 'assistant');
    expect(assistant).toMatchObject({ seq: 1, text: 'The quick brown fox jumps', interrupted: true });
    expect(call.transport.noticesOf('assistant_text_done').at(-1)).toEqual({
      type: 'assistant_text_done',
      itemId: 'assistant-1',
      text: 'The quick brown fox jumps',
      interrupted: true,
    });
    expect(call.sink.events.find((e) => e.type === 'barge_in')?.data).toEqual({
      itemId: 'assistant-1',
      heardMs: 1230,
      sentMs: 3000,
      generatedMs: 3000,
    });
  });

  it('never forwards late audio or text of the interrupted response', async () => {
    const call = await startTestCall({ transport: { playbackReports: true } });
    const engine = call.engineSession;
    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 1000);
    engine.textDelta('assistant-1', 'Once upon a time ');
    call.transport.reportPlayback('assistant-1', 400);
    engine.speechStarted('user-1');
    const sentBefore = call.transport.sentAudio.length;
    const deltasBefore = call.transport.noticesOf('assistant_text_delta').length;

    // In flight when the engine cancelled: the rest of the item, and a second item of the same response.
    engine.assistantAudio('assistant-1', 500);
    engine.textDelta('assistant-1', 'there was a fox.');
    engine.assistantAudio('assistant-1b', 500);
    engine.textDone('assistant-1', 'Once upon a time there was a fox.');
    engine.responseDone('resp-1', 'cancelled');
    await call.idle();

    expect(call.transport.sentAudio).toHaveLength(sentBefore);
    expect(call.transport.noticesOf('assistant_text_delta')).toHaveLength(deltasBefore);
    expect(call.sink.transcript.find((t) => t.role === 'assistant')).toMatchObject({ text: 'Once', interrupted: true });

    // The next response plays normally.
    engine.responseStarted('resp-2');
    engine.assistantAudio('assistant-2', 200);
    expect(call.transport.sentMs('assistant-2')).toBe(200);
  });

  it('ignores a playback report from before the clear (stale generation)', async () => {
    const call = await callWithReplyPlaying();
    call.transport.reportPlayback('assistant-1', 1000);
    call.engineSession.speechStarted('user-2');
    expect(call.transport.generation).toBe(1);

    const engine = call.engineSession;
    engine.responseStarted('resp-2');
    engine.assistantAudio('assistant-2', 2000);
    engine.textDone('assistant-2', REPLY);
    engine.responseDone('resp-2');
    // An acknowledgement still carrying generation 0 must not move the new item's position.
    call.transport.reportPlayback('assistant-2', 1900, 0);
    call.transport.reportPlayback('assistant-2', 700, 1);
    engine.speechStarted('user-3');
    await call.idle();

    expect(call.engineSession.interrupts.at(-1)).toEqual({ itemId: 'assistant-2', heardMs: 700 });
    expect(call.sink.transcript.find((t) => t.seq === 3)).toMatchObject({
      role: 'assistant',
      // 700 of 2000 ms → 24 characters, "…fox jump" backs off to "…fox".
      text: 'The quick brown fox',
      interrupted: true,
    });
  });
});
