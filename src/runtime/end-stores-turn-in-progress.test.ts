import { describe, expect, it } from 'vitest';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('the turn in progress when the call ends', () => {
  it('keeps only the heard part of a reply that was still playing', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 2000);
    engine.textDone('assistant-1', 'first second third fourth');
    call.clock.advance(1000);

    await call.session.end('caller_hangup');

    // 1000 of 2000 ms → 12 of 25 characters: "first second" ends exactly at a space.
    expect(call.sink.transcript).toMatchObject([{ role: 'assistant', text: 'first second', interrupted: true }]);
    expect(call.transport.noticesOf('call_ended')[0]?.transcript).toEqual([
      { role: 'assistant', text: 'first second', interrupted: true },
    ]);
  });

  it('stores the text so far of turns that never finished', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    engine.speechStarted('user-1');
    engine.userTranscript('user-1', 'I was saying', false);

    await call.session.end('api_request');

    expect(call.sink.transcript).toMatchObject([{ role: 'user', text: 'I was saying', interrupted: false }]);
    // The transcript is written before the call is finished.
    const kinds = call.sink.writes.map((w) => w.kind);
    expect(kinds.indexOf('saveTurn')).toBeLessThan(kinds.indexOf('finish'));
  });
});
