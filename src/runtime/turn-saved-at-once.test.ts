import { describe, expect, it } from 'vitest';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('each finished turn is written at once', () => {
  it('writes every turn as it finishes, long before the call ends', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;

    engine.speechStarted('user-1');
    engine.speechStopped('user-1');
    engine.userTranscript('user-1', 'What time is it?');
    await call.idle();
    expect(call.sink.transcript.map((t) => t.text)).toEqual(['What time is it?']);

    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 200);
    engine.textDone('assistant-1', 'It is noon.');
    await call.idle();
    expect(call.sink.transcript.map((t) => t.text)).toEqual(['What time is it?', 'It is noon.']);
    expect(call.sink.finishes).toEqual([]);
    expect(call.session.status).toBe('active');
  });

  it('writes one at a time, in order, even when the store is slow', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    call.sink.hold();

    engine.userTranscript('user-1', 'One');
    engine.userTranscript('user-2', 'Two');
    engine.userTranscript('user-3', 'Three');
    call.sink.release();
    await call.idle();

    expect(call.sink.maxConcurrentWrites).toBe(1);
    expect(call.sink.turnWrites.map((t) => [t.seq, t.text])).toEqual([
      [0, 'One'],
      [1, 'Two'],
      [2, 'Three'],
    ]);
  });

  it('retries a failed write once and keeps the call going', async () => {
    const call = await startTestCall();
    call.sink.failNext('saveTurn');
    call.engineSession.userTranscript('user-1', 'Hello');
    await call.idle();

    expect(call.sink.failedWrites).toEqual(['saveTurn']);
    expect(call.sink.transcript.map((t) => t.text)).toEqual(['Hello']);
    expect(call.session.status).toBe('active');
  });

  it('gives up a write that fails twice without ending the call or blocking later writes', async () => {
    const call = await startTestCall();
    call.sink.failNext('saveTurn', 2);
    call.engineSession.userTranscript('user-1', 'Lost');
    call.engineSession.userTranscript('user-2', 'Kept');
    await call.idle();

    expect(call.sink.transcript.map((t) => t.text)).toEqual(['Kept']);
    expect(call.session.status).toBe('active');
  });
});
