import { describe, expect, it, vi } from 'vitest';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('an adapter whose close never completes', () => {
  it('is given up after the close timeout so the call still ends', async () => {
    const call = await startTestCall({ options: { closeTimeoutMs: 5000 } });
    call.engineSession.close = () => new Promise<void>(() => undefined);

    const ended = call.session.end('api_request');
    await vi.waitFor(() => {
      expect(call.clock.pendingTimers).toBe(1);
    });
    call.clock.advance(5000);

    await expect(ended).resolves.toEqual({ status: 'ended', reason: 'api_request' });
    expect(call.sink.finishes).toHaveLength(1);
    expect(call.transport.closed).toBe(true);
    expect(call.clock.pendingTimers).toBe(0);
  });
});
