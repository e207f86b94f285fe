import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('the engine fails for good mid-call', () => {
  it('tells the caller, ends the call as failed and keeps the transcript so far', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    engine.speechStarted('user-1');
    engine.speechStopped('user-1');
    engine.userTranscript('user-1', 'Where is my parcel?');
    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 1000);
    engine.textDone('assistant-1', 'It left the depot this morning.');
    engine.responseDone('resp-1');
    call.clock.advance(2000);
    engine.speechStarted('user-2');
    engine.userTranscript('user-2', 'And when will', false);

    engine.fail(new AppError('provider_unavailable', 'The voice provider is unreachable'), false);
    await expect(call.session.ended).resolves.toEqual({ status: 'failed', reason: 'engine_failed' });

    expect(call.transport.noticesOf('error')).toEqual([
      { type: 'error', code: 'provider_unavailable', message: 'The voice provider is unreachable', recoverable: false },
    ]);
    expect(call.sink.transcript.map((t) => [t.role, t.text])).toEqual([
      ['user', 'Where is my parcel?'],
      ['assistant', 'It left the depot this morning.'],
      ['user', 'And when will'],
    ]);
    expect(call.sink.finishes).toMatchObject([{ status: 'failed', reason: 'engine_failed' }]);
    expect(call.transport.noticesOf('call_ended')[0]).toMatchObject({ status: 'failed', reason: 'engine_failed' });
    expect(call.transport.noticesOf('call_ended')[0]?.transcript).toHaveLength(3);
    const types = call.transport.notices.map((n) => n.type);
    expect(types.indexOf('error')).toBeLessThan(types.indexOf('call_ended'));
    expect(engine.closed).toBe(true);
  });

  it('still finishes the call record when its first write fails', async () => {
    const call = await startTestCall();
    call.engineSession.userTranscript('user-1', 'Hello');
    call.sink.failNext('finish', 1);

    call.engineSession.fail(new AppError('provider_error', 'Upstream closed'), false);
    await call.session.ended;

    expect(call.sink.transcript.map((t) => t.text)).toEqual(['Hello']);
    expect(call.sink.finishes).toMatchObject([{ status: 'failed' }]);
  });
});
