import { describe, expect, it } from 'vitest';
import { pcm16BytesToSamples } from '../audio/format.ts';
import { PCM16_16K, silenceChunk, toneChunk } from '../testing/runtime-fakes/index.ts';
import { EnergyTurnDetector } from './turn-detector.ts';

const tone = (ms: number, amplitude = 0.3): Int16Array => pcm16BytesToSamples(toneChunk(PCM16_16K, ms, { amplitude }).data);
const silence = (ms: number): Int16Array => pcm16BytesToSamples(silenceChunk(PCM16_16K, ms).data);

describe('EnergyTurnDetector', () => {
  it('dates the start at the onset and the stop at the end of the last voiced frame', () => {
    const detector = new EnergyTurnDetector({ minSpeechMs: 100, silenceMs: 600 });
    expect(detector.push(silence(200), 16_000, 0)).toEqual([]);
    expect(detector.push(tone(400), 16_000, 200)).toEqual([{ type: 'speech_started', atMs: 200 }]);
    expect(detector.speaking).toBe(true);
    expect(detector.push(silence(580), 16_000, 600)).toEqual([]);
    expect(detector.push(silence(20), 16_000, 1180)).toEqual([{ type: 'speech_stopped', atMs: 600 }]);
    expect(detector.speaking).toBe(false);
  });

  it('keeps a turn going through pauses shorter than the silence', () => {
    const detector = new EnergyTurnDetector({ silenceMs: 600 });
    detector.push(tone(200), 16_000, 0);
    expect(detector.push(silence(400), 16_000, 200)).toEqual([]);
    expect(detector.push(tone(200), 16_000, 600)).toEqual([]);
    expect(detector.speaking).toBe(true);
  });

  it('treats audio below the threshold as silence', () => {
    const detector = new EnergyTurnDetector({ thresholdDbfs: -45 });
    // Amplitude 0.001 of full scale is about −63 dBFS RMS.
    expect(detector.push(tone(1000, 0.001), 16_000, 0)).toEqual([]);
  });

  it('finds a start and a stop inside one long chunk', () => {
    const detector = new EnergyTurnDetector({ minSpeechMs: 100, silenceMs: 300 });
    const samples = new Int16Array(16_000 * 2);
    samples.set(tone(500), 16 * 100);
    expect(detector.push(samples, 16_000, 1000)).toEqual([
      { type: 'speech_started', atMs: 1100 },
      { type: 'speech_stopped', atMs: 1600 },
    ]);
  });
});
