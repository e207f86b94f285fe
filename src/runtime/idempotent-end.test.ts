import { describe, expect, it } from 'vitest';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('ending a call is idempotent', () => {
  it('finishes once when ended twice at the same time; the first reason wins', async () => {
    const call = await startTestCall();
    const first = call.session.end('api_request');
    const second = call.session.end('caller_hangup', 'failed');

    expect(second).toBe(first);
    await expect(Promise.all([first, second])).resolves.toEqual([
      { status: 'ended', reason: 'api_request' },
      { status: 'ended', reason: 'api_request' },
    ]);
    expect(call.sink.finishes).toHaveLength(1);
    expect(call.transport.noticesOf('call_ended')).toHaveLength(1);
    expect(call.engineSession.closeCount).toBe(1);
    expect(call.transport.closeReasons).toEqual(['api_request']);
    expect(call.session.status).toBe('ended');
  });

  it('ignores a hang-up and further ends after the call has ended', async () => {
    const call = await startTestCall();
    await call.session.end('api_request');
    call.transport.hangUp();
    await call.session.end('again');

    expect(call.sink.finishes).toHaveLength(1);
    expect(call.sink.finishes[0]?.reason).toBe('api_request');
  });
});
