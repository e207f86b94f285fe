import { describe, expect, it } from 'vitest';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('the caller keeps talking while the cancelled response winds down', () => {
  it('interrupts once, however many speech starts follow before the response is done', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 2000);
    call.clock.advance(500);

    engine.speechStarted('user-1');
    engine.speechStarted('user-2');
    engine.responseDone('resp-1', 'cancelled');
    engine.speechStarted('user-3');
    await call.idle();

    expect(engine.interrupts).toEqual([{ itemId: 'assistant-1', heardMs: 500 }]);
    expect(call.transport.clears).toBe(1);
    expect(call.sink.events.filter((e) => e.type === 'barge_in')).toHaveLength(1);
  });
});
