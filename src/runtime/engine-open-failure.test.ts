import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('the engine cannot be opened', () => {
  it('tells the caller and ends the call as failed', async () => {
    const call = await startTestCall({
      engine: { openError: new AppError('provider_unavailable', 'The voice provider is unreachable') },
    });

    await expect(call.session.ended).resolves.toEqual({ status: 'failed', reason: 'engine_unavailable' });
    expect(call.transport.noticesOf('error')).toEqual([
      { type: 'error', code: 'provider_unavailable', message: 'The voice provider is unreachable', recoverable: false },
    ]);
    expect(call.transport.noticesOf('call_started')).toEqual([]);
    expect(call.sink.activeAtMs).toBeNull();
    expect(call.sink.finishes).toMatchObject([{ status: 'failed', reason: 'engine_unavailable' }]);
    expect(call.transport.closed).toBe(true);
    expect(call.clock.pendingTimers).toBe(0);
  });
});
