import { describe, expect, it } from 'vitest';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('maximum call duration (Aero: warn at 4:45, end at 5:00)', () => {
  it('has the agent say the warning at 285 s and ends the call at 300 s', async () => {
    const call = await startTestCall({
      agent: { maxDurationS: 300, warningBeforeEndS: 15, warningMessage: 'I need to go now, see you next time!' },
    });
    const engine = call.engineSession;

    call.clock.advance(284_999);
    expect(engine.said).toEqual([]);
    call.clock.advance(1);
    expect(engine.said).toHaveLength(1);
    expect(engine.said[0]).toContain('I need to go now, see you next time!');
    await call.idle();
    expect(call.sink.events.map((e) => e.type)).toContain('duration_warning');

    call.clock.advance(14_999);
    expect(call.session.status).toBe('active');
    call.clock.advance(1);
    await expect(call.session.ended).resolves.toEqual({ status: 'ended', reason: 'max_duration' });

    expect(call.sink.finishes).toMatchObject([{ status: 'ended', reason: 'max_duration' }]);
    expect(call.transport.noticesOf('call_ended')).toMatchObject([{ status: 'ended', reason: 'max_duration' }]);
    expect(engine.closed).toBe(true);
    expect(call.transport.closeReasons).toEqual(['max_duration']);
  });

  it('ends without a warning when the agent has none', async () => {
    const call = await startTestCall({ agent: { maxDurationS: 60, warningBeforeEndS: 0 } });
    call.clock.advance(60_000);
    await call.session.ended;

    expect(call.engineSession.said).toEqual([]);
    expect(call.sink.finishes[0]?.reason).toBe('max_duration');
  });

  it('words a generic warning when the agent has no message', async () => {
    const call = await startTestCall({ agent: { maxDurationS: 120, warningBeforeEndS: 20, warningMessage: null } });
    call.clock.advance(100_000);

    expect(call.engineSession.said).toHaveLength(1);
    expect(call.engineSession.said[0]).toContain('20 seconds');
  });

  it('cancels both timers when the call ends early', async () => {
    const call = await startTestCall();
    expect(call.clock.pendingTimers).toBe(2);
    await call.session.end('api_request');

    expect(call.clock.pendingTimers).toBe(0);
    call.clock.advance(600_000);
    expect(call.engineSession.said).toEqual([]);
    expect(call.sink.finishes).toHaveLength(1);
  });
});
