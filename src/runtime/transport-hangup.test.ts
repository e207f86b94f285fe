import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('the caller side ends the call', () => {
  it('ends the call when the caller hangs up, with the transport’s reason as the end reason', async () => {
    const call = await startTestCall();
    call.engineSession.userTranscript('user-1', 'Bye!');
    call.transport.hangUp('caller_disconnected');

    await expect(call.session.ended).resolves.toEqual({ status: 'ended', reason: 'caller_disconnected' });
    expect(call.sink.finishes).toMatchObject([{ status: 'ended', reason: 'caller_disconnected' }]);
    expect(call.transport.noticesOf('call_ended')[0]).toMatchObject({ status: 'ended', reason: 'caller_disconnected' });
    expect(call.sink.events).toMatchObject([{ type: 'caller_hangup', data: { reason: 'caller_disconnected' } }]);
    expect(call.sink.transcript.map((t) => t.text)).toEqual(['Bye!']);
    expect(call.transport.noticesOf('call_ended')[0]?.transcript).toEqual([{ role: 'user', text: 'Bye!', interrupted: false }]);
  });

  it('keeps each hang-up reason distinct', async () => {
    for (const reason of ['caller_ended', 'server_shutdown']) {
      const call = await startTestCall();
      call.transport.hangUp(reason);
      await expect(call.session.ended).resolves.toEqual({ status: 'ended', reason });
    }
  });

  it('ends the call as failed on an unrecoverable transport error', async () => {
    const call = await startTestCall();
    call.transport.fail(new AppError('invalid_audio', 'Garbled frames'), false);

    await expect(call.session.ended).resolves.toEqual({ status: 'failed', reason: 'transport_failed' });
  });

  it('logs a recoverable transport error and carries on', async () => {
    const call = await startTestCall();
    call.transport.fail(new AppError('invalid_audio', 'One bad frame'), true);
    call.transport.pressDigit('5');
    await call.idle();

    expect(call.session.status).toBe('active');
    expect(call.sink.events.map((e) => e.type)).toEqual(['transport_error', 'dtmf']);
  });
});
