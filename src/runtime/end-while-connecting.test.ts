import { describe, expect, it } from 'vitest';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('the caller leaves while the engine is still connecting', () => {
  it('aborts the open, ends the call and reports no engine failure', async () => {
    const call = await startTestCall({ engine: { holdOpen: true }, start: false });
    const started = call.session.start();
    call.transport.hangUp('caller_left');

    await started;
    await expect(call.session.ended).resolves.toEqual({ status: 'ended', reason: 'caller_left' });

    expect(call.engine.sessions).toEqual([]);
    expect(call.transport.noticesOf('error')).toEqual([]);
    expect(call.transport.noticesOf('call_started')).toEqual([]);
    expect(call.sink.activeAtMs).toBeNull();
    expect(call.sink.finishes).toMatchObject([{ status: 'ended', reason: 'caller_left' }]);
    expect(call.sink.events).toMatchObject([{ type: 'caller_hangup', data: { reason: 'caller_left' } }]);
    expect(call.clock.pendingTimers).toBe(0);
    expect(call.transport.events.listenerCount).toBe(0);
  });
});
