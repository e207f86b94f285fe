import { describe, expect, it, vi } from 'vitest';
import type { AudioChunk } from '../audio/format.ts';
import { capturingLogger, MULAW_8K, PCM16_24K, startTestCall, toneChunk } from '../testing/runtime-fakes/index.ts';
import type { CallAudioObserver } from './ports.ts';

type Seen =
  | { readonly kind: 'caller'; readonly chunk: AudioChunk; readonly atMs: number }
  | { readonly kind: 'agent'; readonly itemId: string; readonly chunk: AudioChunk; readonly atMs: number }
  | { readonly kind: 'cleared'; readonly itemId: string; readonly heardMs: number; readonly atMs: number }
  | { readonly kind: 'close'; readonly atMs: number };

/** An observer that remembers every callback. */
function recordingObserver(): CallAudioObserver & { readonly seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    onCallerAudio: (chunk, atMs) => seen.push({ kind: 'caller', chunk, atMs }),
    onAgentAudio: (itemId, chunk, atMs) => seen.push({ kind: 'agent', itemId, chunk, atMs }),
    onAgentAudioCleared: (itemId, heardMs, atMs) => seen.push({ kind: 'cleared', itemId, heardMs, atMs }),
    close: (atMs) => {
      seen.push({ kind: 'close', atMs });
      return Promise.resolve();
    },
  };
}

describe('call audio observers', () => {
  it('see caller audio in the transport format from the start, even before the engine opens', async () => {
    const observer = recordingObserver();
    const call = await startTestCall({
      transport: { inputFormat: MULAW_8K },
      engine: { holdOpen: true, formats: { input: PCM16_24K, output: PCM16_24K } },
      observers: [observer],
      start: false,
    });
    void call.session.start();
    const early = toneChunk(MULAW_8K, 20);
    call.transport.sendCallerAudio(early);
    call.clock.advance(20);
    call.engine.releaseOpen();
    await call.session.start();
    const later = toneChunk(MULAW_8K, 20);
    call.transport.sendCallerAudio(later);

    const caller = observer.seen.filter((s) => s.kind === 'caller');
    expect(caller.map((s) => s.chunk)).toEqual([early, later]);
    expect(caller.map((s) => s.atMs)).toEqual([call.clock.nowMs() - 20, call.clock.nowMs()]);
  });

  it('see agent audio as the transport got it (converted), with the time it was handed over', async () => {
    const observer = recordingObserver();
    const call = await startTestCall({
      transport: { inputFormat: MULAW_8K },
      engine: { formats: { input: PCM16_24K, output: PCM16_24K } },
      observers: [observer],
    });
    call.engineSession.assistantAudio('assistant-1', 200, toneChunk(PCM16_24K, 200));
    call.clock.advance(50);
    call.engineSession.assistantAudio('assistant-1', 200, toneChunk(PCM16_24K, 200));

    const agent = observer.seen.filter((s) => s.kind === 'agent');
    expect(agent.length).toBe(call.transport.sentAudio.length);
    agent.forEach((seen, i) => {
      const sent = call.transport.sentAudio[i];
      expect(seen.chunk).toBe(sent?.chunk);
      expect(seen.chunk.format).toEqual(MULAW_8K);
      expect(seen.atMs).toBe(sent?.atMs);
    });
  });

  it('learn what a barge-in cleared: the item and how much of it was heard', async () => {
    const observer = recordingObserver();
    const call = await startTestCall({ transport: { playbackReports: true }, observers: [observer] });
    const engine = call.engineSession;
    engine.responseStarted('resp-1');
    for (let i = 0; i < 30; i++) engine.assistantAudio('assistant-1', 100);
    engine.responseDone('resp-1');
    call.clock.advance(1300);
    call.transport.reportPlayback('assistant-1', 1230);
    engine.speechStarted('user-2');

    expect(observer.seen.filter((s) => s.kind === 'cleared')).toEqual([
      { kind: 'cleared', itemId: 'assistant-1', heardMs: 1230, atMs: call.clock.nowMs() },
    ]);
  });

  it('are closed with the end time before the call is reported ended, and hear nothing after', async () => {
    const observer = recordingObserver();
    const call = await startTestCall({ observers: [observer] });
    let finishesAtClose = -1;
    const close = observer.close.bind(observer);
    observer.close = async (atMs) => {
      finishesAtClose = call.sink.finishes.length;
      await close(atMs);
    };
    call.clock.advance(1000);
    const endAtMs = call.clock.nowMs();
    await call.session.end('api_request');
    call.transport.sendCallerAudio(toneChunk(PCM16_24K, 20));

    expect(finishesAtClose).toBe(0);
    expect(call.sink.finishes).toHaveLength(1);
    expect(observer.seen.filter((s) => s.kind === 'close')).toEqual([{ kind: 'close', atMs: endAtMs }]);
    expect(observer.seen.at(-1)?.kind).toBe('close');
  });

  it('cannot break the call or each other: throws are caught and logged once per callback', async () => {
    const { logger, lines } = capturingLogger();
    const broken: CallAudioObserver = {
      onCallerAudio: () => {
        throw new Error('observer bug');
      },
      onAgentAudio: () => {
        throw new Error('observer bug');
      },
      close: () => Promise.reject(new Error('close bug')),
    };
    const healthy = recordingObserver();
    const call = await startTestCall({ observers: [broken, healthy], logger });
    for (let i = 0; i < 5; i++) call.transport.sendCallerAudio(toneChunk(PCM16_24K, 20));
    call.engineSession.assistantAudio('assistant-1', 100);
    call.engineSession.assistantAudio('assistant-1', 100);

    await expect(call.session.end('api_request')).resolves.toEqual({ status: 'ended', reason: 'api_request' });
    expect(call.engineSession.audio).toHaveLength(5);
    expect(call.transport.sentAudio).toHaveLength(2);
    expect(healthy.seen.map((s) => s.kind)).toEqual(['caller', 'caller', 'caller', 'caller', 'caller', 'agent', 'agent', 'close']);
    const failures = lines().filter((line) => line.msg === 'call audio observer failed; later failures of this callback are not logged');
    expect(failures.map((line) => line.callback)).toEqual(['onCallerAudio', 'onAgentAudio', 'close']);
  });

  it('that never finish closing are given up after the close timeout', async () => {
    const hanging: CallAudioObserver = {
      onCallerAudio: () => undefined,
      onAgentAudio: () => undefined,
      close: () => new Promise<void>(() => undefined),
    };
    const call = await startTestCall({ observers: [hanging], options: { closeTimeoutMs: 5000 } });
    const ended = call.session.end('api_request');
    await vi.waitFor(() => {
      expect(call.clock.pendingTimers).toBe(1);
    });
    call.clock.advance(5000);
    await expect(ended).resolves.toEqual({ status: 'ended', reason: 'api_request' });
    expect(call.sink.finishes).toHaveLength(1);
  });
});
