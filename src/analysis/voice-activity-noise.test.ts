import { describe, expect, it } from 'vitest';
import { syntheticVoice } from '../testing/analysis-fixtures.ts';
import { createSpeechAnalyser } from './speech-analyser.ts';

/** Deterministic white noise at `dbfs` RMS. */
function noise(length: number, dbfs: number, seed = 3): Int16Array {
  let state = seed;
  const random = (): number => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const sigma = 32768 * 10 ** (dbfs / 20);
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.round(Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random()) * sigma);
  return out;
}

function mix(a: Int16Array, b: Int16Array): Int16Array {
  const out = new Int16Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.max(-32768, Math.min(32767, (a[i] ?? 0) + (b[i] ?? 0)));
  return out;
}

describe('voice activity over an adaptive noise floor', () => {
  it('tracks the noise floor and measures SNR over it', () => {
    const voice = syntheticVoice({ sampleRateHz: 16000, f0StartHz: 130, bursts: 8, gapMs: 400 }).samples;
    const analyser = createSpeechAnalyser({ sampleRateHz: 16000 });
    analyser.push(mix(voice, noise(voice.length, -45)));
    const report = analyser.report();
    expect(report.noise.noiseFloorDbfs).toBeGreaterThan(-47);
    expect(report.noise.noiseFloorDbfs).toBeLessThan(-43);
    // Bursts of 400 ms between 400 ms gaps (pauses): speech time close to 8 × 400 ms.
    expect(Math.abs(report.voiceActivity.speakingMs - 8 * 400)).toBeLessThan(8 * 60);
    expect(report.noise.snrDb).toBeGreaterThan(15);
  });

  it('finds speech at the very start of a stream', () => {
    const voice = syntheticVoice({ sampleRateHz: 16000, f0StartHz: 180, bursts: 2, gapMs: 300 }).samples.subarray(16000 * 0.3);
    const analyser = createSpeechAnalyser({ sampleRateHz: 16000 });
    analyser.push(voice);
    expect(analyser.segments()[0]?.startMs).toBeLessThan(60);
  });

  it('does not take noise that gets louder and stays loud for speech once it has lasted 3 s', () => {
    const analyser = createSpeechAnalyser({ sampleRateHz: 16000 });
    analyser.push(noise(16000 * 2, -60));
    analyser.push(noise(16000 * 6, -30, 9));
    const report = analyser.report();
    expect(report.noise.noiseFloorDbfs).toBeGreaterThan(-33);
    // At most the first 3 s of the louder noise counted as speech before the floor caught up.
    expect(report.voiceActivity.speakingMs).toBeLessThanOrEqual(3600);
    expect(analyser.window().voiceActivity.ratio).toBe(0);
  });

  it('keeps quiet digital silence and dither out of speech', () => {
    const analyser = createSpeechAnalyser({ sampleRateHz: 8000 });
    analyser.push(noise(8000 * 3, -80));
    expect(analyser.report().voiceActivity.speakingMs).toBe(0);
  });
});
