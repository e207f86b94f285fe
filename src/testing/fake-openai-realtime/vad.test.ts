import { describe, expect, it } from 'vitest';
import { tonePcm } from './audio.ts';
import { EnergyVad, type VadSettings } from './vad.ts';

const settings: VadSettings = { thresholdRms: 0.02, prefixPaddingMs: 300, silenceDurationMs: 500, minSpeechMs: 30 };
const silence = (ms: number, rateHz = 8_000): Int16Array => new Int16Array((ms * rateHz) / 1000);

describe('energy VAD', () => {
  it('reports the start with prefix padding and the stop after the silence duration', () => {
    const vad = new EnergyVad(settings, 0);
    const events = [...vad.push(silence(1000), 8_000), ...vad.push(tonePcm(1000, 8_000), 8_000), ...vad.push(silence(600), 8_000)];
    expect(events).toEqual([
      { type: 'speech_started', audioStartMs: 700 },
      { type: 'speech_stopped', audioEndMs: 2500 },
    ]);
    expect(vad.speaking).toBe(false);
  });

  it('ignores clicks shorter than the minimum speech and never pads before the buffer start', () => {
    const vad = new EnergyVad(settings, 0);
    expect(vad.push(tonePcm(20, 8_000), 8_000)).toEqual([]);
    expect(vad.push(silence(100), 8_000)).toEqual([]);
    vad.reset(120);
    expect(vad.push(tonePcm(200, 24_000), 24_000)).toEqual([{ type: 'speech_started', audioStartMs: 120 }]);
  });

  it('keeps speaking through pauses shorter than the silence duration', () => {
    const vad = new EnergyVad({ ...settings, silenceDurationMs: 300 }, 0);
    const events = [
      ...vad.push(tonePcm(200, 8_000), 8_000),
      ...vad.push(silence(200), 8_000),
      ...vad.push(tonePcm(200, 8_000), 8_000),
      ...vad.push(silence(300), 8_000),
    ];
    expect(events.map((event) => event.type)).toEqual(['speech_started', 'speech_stopped']);
    expect(events[1]).toEqual({ type: 'speech_stopped', audioEndMs: 900 });
  });
});
