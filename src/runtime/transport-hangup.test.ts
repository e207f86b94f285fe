import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('the caller side ends the call', () => {
  it('ends the call when the caller hangs up, keeping the transport reason as an event', async () => {
    const call = await startTestCall();
    call.engineSession.userTranscript('user-1', 'Bye!');
    call.transport.hangUp('socket_closed');

    await expect(call.session.ended).resolves.toEqual({ status: 'ended', reason: 'caller_hangup' });
    expect(call.sink.events).toMatchObject([{ type: 'caller_hangup', data: { reason: 'socket_closed' } }]);
    expect(call.sink.transcript.map((t) => t.text)).toEqual(['Bye!']);
    expect(call.transport.noticesOf('call_ended')[0]?.transcript).toEqual([{ role: 'user', text: 'Bye!', interrupted: false }]);
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
