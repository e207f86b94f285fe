import { describe, expect, it } from 'vitest';
import { createSpeechAnalyser } from '../../analysis/index.ts';
import { syntheticVoice } from '../../testing/analysis-fixtures.ts';
import { CallTalkTracker } from './call-talk-tracker.ts';

const RATE = 8000;
const FRAME = RATE / 50; // 20 ms of caller audio per chunk, as a phone sends it
const voice = syntheticVoice({ sampleRateHz: RATE, f0StartHz: 140, bursts: 1, burstMs: 1000, gapMs: 0 }).samples;

/** `ms` of caller audio: speech during [speechFromMs, speechToMs) of the call, silence elsewhere. */
function callerSignal(ms: number, speech: readonly (readonly [number, number])[]): Int16Array {
  const out = new Int16Array((ms * RATE) / 1000);
  for (const [from, to] of speech) {
    for (let at = from; at < to; at += 1000) {
      const start = (at * RATE) / 1000;
      out.set(voice.subarray(0, Math.min(voice.length, ((to - at) * RATE) / 1000)), start);
    }
  }
  return out;
}

/**
 * A scripted call on a millisecond clock: the caller's audio arrives in real time (20 ms chunks, each
 * at the end of the time it covers); `events` run when the clock reaches their time.
 */
function runCall(totalMs: number, speech: readonly (readonly [number, number])[], events: Record<number, (tracker: CallTalkTracker) => void>, startAtMs = 10_000) {
  const analyser = createSpeechAnalyser({ sampleRateHz: RATE });
  const tracker = new CallTalkTracker(analyser);
  const signal = callerSignal(totalMs, speech);
  for (let t = 0; t < totalMs; t += 20) {
    for (const [at, run] of Object.entries(events)) if (Number(at) >= t && Number(at) < t + 20) run(tracker);
    const chunk = signal.subarray((t * RATE) / 1000, ((t + 20) * RATE) / 1000);
    analyser.push(chunk);
    tracker.callerAudio(FRAME, startAtMs + t + 20);
  }
  return tracker.finish(startAtMs + totalMs);
}

describe('CallTalkTracker', () => {
  it('counts a caller barging in over the agent, and the agent only as long as it was heard', () => {
    const at = (ms: number): number => 10_000 + ms;
    // Caller speaks 0–2 s and barges in at 3.5 s (to 5 s); the agent's 3 s answer is handed over at
    // 2.5 s in 100 ms chunks faster than real time (it would play 2.5–5.5 s) and cleared at 3.9 s,
    // 1.4 s into the item.
    const metrics = runCall(6000, [
      [0, 2000],
      [3500, 5000],
    ], {
      2500: (tracker) => {
        for (let i = 0; i < 30; i++) tracker.agentAudio('item-1', 100, at(2500));
      },
      3900: (tracker) => {
        tracker.agentCleared('item-1', 1400, at(3900));
      },
    });
    expect(metrics.caller.interruptions).toBe(1);
    expect(metrics.agent.interruptions).toBe(0);
    expect(metrics.agent.talkMs).toBe(1400);
    expect(metrics.caller.talkMs).toBeGreaterThan(3400);
    expect(metrics.caller.talkMs).toBeLessThan(3600);
    expect((metrics.caller.talkRatio ?? 0) + (metrics.agent.talkRatio ?? 0)).toBeCloseTo(1, 9);
    expect(metrics.caller.talkRatio).toBeCloseTo(metrics.caller.talkMs / (metrics.caller.talkMs + 1400), 9);
    // Overlap: the agent played on 3.5–3.9 s over the caller.
    expect(metrics.overlapMs).toBeGreaterThan(350);
    expect(metrics.overlapMs).toBeLessThan(450);
  });

  it('counts the agent starting while the caller speaks, places agent audio after the audio queued before it, and cuts what the end of the call left unplayed', () => {
    const at = (ms: number): number => 10_000 + ms;
    // Caller speaks 0–3 s; the agent's first item (1 s) is handed over at 2 s and plays 2–3 s: an
    // interruption by the agent. Its second item (2 s), handed over at 2.2 s, plays after it, 3–5 s,
    // but the call ends at 4.5 s.
    const metrics = runCall(4500, [[0, 3000]], {
      2000: (tracker) => {
        tracker.agentAudio('item-1', 1000, at(2000));
      },
      2200: (tracker) => {
        tracker.agentAudio('item-2', 2000, at(2200));
      },
    });
    expect(metrics.agent.interruptions).toBe(1);
    expect(metrics.caller.interruptions).toBe(0);
    expect(metrics.agent.talkMs).toBe(2500);
    expect(metrics.overlapMs).toBeGreaterThan(950);
    expect(metrics.overlapMs).toBeLessThan(1050);
    expect(metrics.silenceMs).toBe(0);
  });

  it('keeps a long call in bounded memory and counts every turn', () => {
    const analyser = createSpeechAnalyser({ sampleRateHz: RATE });
    const tracker = new CallTalkTracker(analyser);
    // 10 minutes: each 10 s, the caller speaks 0–3 s, the agent answers 4–7 s (sent at once at 4 s).
    const signal = callerSignal(10_000, [[0, 3000]]);
    for (let t = 0; t < 600_000; t += 20) {
      if (t % 10_000 === 4000) tracker.agentAudio(`item-${String(t)}`, 3000, t);
      const offset = ((t % 10_000) * RATE) / 1000;
      analyser.push(signal.subarray(offset, offset + FRAME));
      tracker.callerAudio(FRAME, t + 20);
    }
    expect(tracker.heldSpans).toBeLessThan(6);
    const metrics = tracker.finish(600_000);
    expect(metrics.agent.talkMs).toBe(60 * 3000);
    expect(metrics.caller.talkMs).toBeGreaterThan(60 * 2900);
    expect(metrics.caller.talkMs).toBeLessThan(60 * 3100);
    expect(metrics.caller.interruptions + metrics.agent.interruptions).toBe(0);
  });
});
