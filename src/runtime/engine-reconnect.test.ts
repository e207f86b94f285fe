import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('engine trouble the engine recovers from', () => {
  it('logs a reconnect as call events and keeps the call going', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    engine.emit({ type: 'reconnecting', reason: 'session_expired' });
    call.clock.advance(350);
    engine.emit({ type: 'reconnected', gapMs: 350 });
    await call.idle();

    expect(call.sink.events.map((e) => [e.type, e.data])).toEqual([
      ['engine_reconnecting', { reason: 'session_expired' }],
      ['engine_reconnected', { gapMs: 350 }],
    ]);
    expect(call.session.status).toBe('active');
    expect(call.transport.noticesOf('error')).toEqual([]);
  });

  it('passes a recoverable error on to the caller without ending the call', async () => {
    const call = await startTestCall();
    call.engineSession.fail(new AppError('rate_limited', 'Slow down'), true);
    await call.idle();

    expect(call.transport.noticesOf('error')).toEqual([
      { type: 'error', code: 'rate_limited', message: 'Slow down', recoverable: true },
    ]);
    expect(call.sink.events).toMatchObject([{ type: 'engine_error', data: { code: 'rate_limited', recoverable: true } }]);
    expect(call.session.status).toBe('active');
    expect(call.sink.finishes).toEqual([]);
  });
});
