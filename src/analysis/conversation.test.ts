import { describe, expect, it } from 'vitest';
import { syntheticVoice } from '../testing/analysis-fixtures.ts';
import { computeConversation, conversationFromAnalysers } from './conversation.ts';
import { createSpeechAnalyser } from './speech-analyser.ts';

describe('conversation metrics', () => {
  it('computes talk ratio, interruptions, overlap and shared silence from turns', () => {
    const metrics = computeConversation([
      { side: 'agent', startMs: 0, endMs: 4000 },
      { side: 'caller', startMs: 3000, endMs: 6000 }, // starts 1 s before the agent stops: interruption
      { side: 'agent', startMs: 7000, endMs: 8000 },
      { side: 'caller', startMs: 7900, endMs: 9000 }, // 100 ms overlap: a turn edge, not an interruption
      { side: 'agent', startMs: 8500, endMs: 8600 }, // inside the caller's turn, 100 ms: back-channel
    ]);
    expect(metrics.caller.talkMs).toBe(4100);
    expect(metrics.agent.talkMs).toBe(5100);
    expect(metrics.caller.talkRatio).toBeCloseTo(4100 / 9200, 6);
    expect(metrics.caller.interruptions).toBe(1);
    expect(metrics.agent.interruptions).toBe(0);
    expect(metrics.overlapMs).toBe(1000 + 100 + 100);
    expect(metrics.silenceMs).toBe(1000);
  });

  it('answers null ratios when nobody spoke', () => {
    const metrics = computeConversation([]);
    expect(metrics.caller.talkRatio).toBeNull();
    expect(metrics.silenceMs).toBe(0);
  });

  it('works from one analyser per side on a shared clock', () => {
    const rate = 8000;
    const caller = createSpeechAnalyser({ sampleRateHz: rate });
    const agent = createSpeechAnalyser({ sampleRateHz: rate });
    const voice = syntheticVoice({ sampleRateHz: rate, f0StartHz: 150, bursts: 1, burstMs: 1000, gapMs: 0 }).samples;
    // Agent speaks 0–1 s and 2–3 s; the caller 0.5–1.5 s (barging in) and 3.5–4.5 s.
    agent.push(voice);
    agent.push(new Int16Array(rate));
    agent.push(voice);
    agent.push(new Int16Array(rate * 2));
    caller.push(new Int16Array(rate / 2));
    caller.push(voice);
    caller.push(new Int16Array(rate * 2));
    caller.push(voice);
    caller.push(new Int16Array(rate / 2));
    const metrics = conversationFromAnalysers(caller, agent);
    expect(metrics.caller.interruptions).toBe(1);
    expect(metrics.agent.interruptions).toBe(0);
    expect(metrics.caller.talkRatio).toBeGreaterThan(0.45);
    expect(metrics.caller.talkRatio).toBeLessThan(0.55);
    expect(Math.abs(metrics.overlapMs - 500)).toBeLessThan(80);
  });
});
