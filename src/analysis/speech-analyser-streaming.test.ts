import { describe, expect, it } from 'vitest';
import { loadFixtureSamples, syntheticVoice } from '../testing/analysis-fixtures.ts';
import { createSpeechAnalyser } from './speech-analyser.ts';
import { SILENCE_DBFS, type SpeechAnalyser } from './types.ts';

function feed(analyser: SpeechAnalyser, samples: Int16Array, chunk: number): SpeechAnalyser {
  for (let i = 0; i < samples.length; i += chunk) analyser.push(samples.subarray(i, i + chunk));
  return analyser;
}

describe('speech analyser streaming', () => {
  const speech = loadFixtureSamples('speech-en-150.wav');

  it('gives the same report whatever the chunking of the pushed audio', () => {
    const whole = feed(createSpeechAnalyser({ sampleRateHz: 16000 }), speech, speech.length).report();
    const odd = feed(createSpeechAnalyser({ sampleRateHz: 16000 }), speech, 7).report();
    const frames = feed(createSpeechAnalyser({ sampleRateHz: 16000 }), speech, 320).report();
    expect(odd).toEqual(whole);
    expect(frames).toEqual(whole);
    expect(whole.pauses.count).toBe(3);
  });

  it('measures a long stream in bounded memory: counts cover everything, the kept list the last 1000 pauses', () => {
    const analyser = createSpeechAnalyser({ sampleRateHz: 8000 });
    const burst = syntheticVoice({ sampleRateHz: 8000, f0StartHz: 140, bursts: 1, burstMs: 300, gapMs: 0 }).samples;
    const gap = new Int16Array(8000 * 0.4);
    for (let i = 0; i < 1100; i++) {
      analyser.push(burst);
      analyser.push(gap);
    }
    analyser.push(burst);
    const report = analyser.report();
    expect(report.pauses.count).toBe(1100);
    expect(report.pauses.pauses).toHaveLength(1000);
    expect(report.pauses.pauses.at(-1)?.endMs).toBeGreaterThan(report.pauses.pauses[0]?.endMs ?? Infinity);
    expect(analyser.segments().length).toBeLessThanOrEqual(1001);
  });

  it('reports silence as finite numbers (JSON-safe) and nulls for what cannot be known', () => {
    const analyser = createSpeechAnalyser({ sampleRateHz: 16000, language: 'fr' });
    analyser.push(new Int16Array(16000));
    const report = analyser.report();
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report.level.rmsDbfs).toBe(SILENCE_DBFS);
    expect(report.voiceActivity.ratio).toBe(0);
    expect(report.pitch.medianHz).toBeNull();
    expect(report.rate.wordsPerMinute).toBeNull();
    expect(report.noise.snrDb).toBeNull();
    expect(report.pauses.longPauseMs).toBe(2000);
  });

  it('measures level, peak and clipping', () => {
    const analyser = createSpeechAnalyser({ sampleRateHz: 8000 });
    const square = new Int16Array(8000);
    for (let i = 0; i < square.length; i++) square[i] = i % 2 === 0 ? 32767 : -32768;
    analyser.push(square);
    const { level } = analyser.report();
    expect(level.rmsDbfs).toBeCloseTo(0, 2);
    expect(level.peakDbfs).toBeCloseTo(0, 3);
    expect(level.clippingRatio).toBe(1);
  });

  it('keeps the window to the last windowMs', () => {
    const analyser = createSpeechAnalyser({ sampleRateHz: 16000, windowMs: 1000 });
    analyser.push(syntheticVoice({ sampleRateHz: 16000, f0StartHz: 200, bursts: 3, burstMs: 500, gapMs: 100 }).samples);
    expect(analyser.window().pitch.medianHz).toBeGreaterThan(190);
    analyser.push(new Int16Array(16000 * 1.2));
    const window = analyser.window();
    expect(window.endMs - window.startMs).toBe(1000);
    expect(window.voiceActivity.ratio).toBe(0);
    expect(window.pitch.medianHz).toBeNull();
    expect(window.syllablesPerSecond).toBeNull();
    expect(analyser.report().pitch.medianHz).toBeGreaterThan(190);
  });

  it('refuses options outside their documented ranges', () => {
    expect(() => createSpeechAnalyser({ sampleRateHz: 4000 })).toThrow(RangeError);
    expect(() => createSpeechAnalyser({ sampleRateHz: 16000, frameMs: 10 })).toThrow(/frameMs/);
    expect(() => createSpeechAnalyser({ sampleRateHz: 16000, windowMs: 5000 })).toThrow(/windowMs/);
    expect(() => createSpeechAnalyser({ sampleRateHz: 16000, minPauseMs: 400, longPauseMs: 300 })).toThrow(/longPauseMs/);
    expect(createSpeechAnalyser({ sampleRateHz: 16000, frameMs: 32 }).options.frameMs).toBe(32);
  });

  it('analyses rates whose frames are not a whole number of milliseconds (11025 Hz)', () => {
    const voice = syntheticVoice({ sampleRateHz: 11025, f0StartHz: 150, bursts: 4, burstMs: 500, gapMs: 400 });
    const report = feed(createSpeechAnalyser({ sampleRateHz: 11025 }), voice.samples, 1000).report();
    expect(report.pauses.count).toBe(3);
    for (const pause of report.pauses.pauses) expect(Math.abs(pause.durationMs - 400)).toBeLessThan(60);
    expect(Math.abs((report.pitch.medianHz ?? 0) / voice.medianF0Hz - 1)).toBeLessThan(0.03);
    expect(Math.abs(report.analysedMs - (voice.samples.length / 11025) * 1000)).toBeLessThan(20);
  });
});
