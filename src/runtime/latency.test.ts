import { describe, expect, it } from 'vitest';
import { startTestCall } from '../testing/runtime-fakes/index.ts';
import { initialLatencyState, reduceLatency, summarizeLatency, type LatencyEvent } from './latency.ts';

function reduce(events: LatencyEvent[]): ReturnType<typeof summarizeLatency> {
  return summarizeLatency(events.reduce(reduceLatency, initialLatencyState));
}

describe('per-turn latency', () => {
  it('measures from the end of caller speech to the first assistant audio sent', () => {
    const summary = reduce([
      { type: 'caller_turn_ended', atMs: 1000 },
      { type: 'assistant_audio_sent', atMs: 1400 },
      { type: 'assistant_audio_sent', atMs: 1500 },
      { type: 'caller_turn_ended', atMs: 5000 },
      { type: 'assistant_audio_sent', atMs: 5900 },
    ]);
    expect(summary).toEqual({ turns: 2, p50Ms: 400, p95Ms: 900, maxMs: 900, meanMs: 650 });
  });

  it('does not measure audio nobody asked for, and restarts at a later end of speech', () => {
    const summary = reduce([
      { type: 'assistant_audio_sent', atMs: 100 },
      { type: 'caller_turn_ended', atMs: 1000 },
      { type: 'caller_turn_ended', atMs: 3000 },
      { type: 'assistant_audio_sent', atMs: 3250 },
    ]);
    expect(summary).toEqual({ turns: 1, p50Ms: 250, p95Ms: 250, maxMs: 250, meanMs: 250 });
  });

  it('summarises nothing as nulls', () => {
    expect(reduce([])).toEqual({ turns: 0, p50Ms: null, p95Ms: null, maxMs: null, meanMs: null });
  });

  it('uses nearest-rank percentiles', () => {
    const events: LatencyEvent[] = [];
    for (let i = 1; i <= 20; i++) {
      events.push({ type: 'caller_turn_ended', atMs: i * 10_000 });
      events.push({ type: 'assistant_audio_sent', atMs: i * 10_000 + i * 100 });
    }
    expect(reduce(events)).toEqual({ turns: 20, p50Ms: 1000, p95Ms: 1900, maxMs: 2000, meanMs: 1050 });
  });

  it('is stored on the call after each response and when it ends', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    for (const [turn, delayMs] of [
      [1, 600],
      [2, 900],
    ] as const) {
      engine.speechStarted(`user-${turn}`);
      call.clock.advance(1000);
      engine.speechStopped(`user-${turn}`);
      engine.responseStarted(`resp-${turn}`);
      call.clock.advance(delayMs);
      engine.assistantAudio(`assistant-${turn}`, 500);
      engine.responseDone(`resp-${turn}`);
      call.clock.advance(1000);
    }
    await call.idle();
    expect(call.sink.metrics.map((m) => m.latency.turns)).toEqual([1, 2]);

    await call.session.end('api_request');
    expect(call.sink.finishes[0]?.latency).toEqual({ turns: 2, p50Ms: 600, p95Ms: 900, maxMs: 900, meanMs: 750 });
  });
});
