import { describe, expect, it } from 'vitest';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('caller speaks after the reply has finished playing', () => {
  it('does not clear, interrupt or cut anything', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 2000);
    engine.textDone('assistant-1', 'All of this was heard.');
    engine.responseDone('resp-1');
    call.clock.advance(2500);

    engine.speechStarted('user-1');
    await call.idle();

    expect(call.transport.clears).toBe(0);
    expect(call.engineSession.interrupts).toEqual([]);
    expect(call.transport.noticesOf('interrupted')).toEqual([]);
    expect(call.sink.transcript[0]).toMatchObject({ text: 'All of this was heard.', interrupted: false });
  });

  it('does not cut with reports either once the caller heard it all', async () => {
    const call = await startTestCall({ transport: { playbackReports: true } });
    const engine = call.engineSession;
    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 2000);
    engine.textDone('assistant-1', 'All of this was heard.');
    engine.responseDone('resp-1');
    call.transport.reportPlayback('assistant-1', 2000);

    engine.speechStarted('user-1');
    await call.idle();

    expect(call.engineSession.interrupts).toEqual([]);
    expect(call.sink.transcript[0]).toMatchObject({ interrupted: false });
  });

  it('cancels a response that has not produced audio yet, without truncating', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    engine.responseStarted('resp-1');

    engine.speechStarted('user-1');
    engine.assistantAudio('assistant-1', 300);
    engine.responseDone('resp-1', 'cancelled');

    expect(call.engineSession.interrupts).toEqual([{ itemId: null, heardMs: 0 }]);
    expect(call.transport.sentAudio).toEqual([]);
  });

  it('leaves a played-out reply alone when the next response is still thinking', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    engine.responseStarted('resp-1');
    engine.assistantAudio('assistant-1', 1000);
    engine.textDone('assistant-1', 'First answer.');
    engine.responseDone('resp-1');
    call.clock.advance(1500);
    engine.responseStarted('resp-2');

    engine.speechStarted('user-1');
    await call.idle();

    expect(engine.interrupts).toEqual([{ itemId: null, heardMs: 0 }]);
    expect(call.transport.clears).toBe(0);
    expect(call.sink.transcript[0]).toMatchObject({ text: 'First answer.', interrupted: false });
  });
});
