import { describe, expect, it } from 'vitest';
import { createAudioConverter } from './converter.ts';
import { mulawDecode, mulawEncode } from './g711.ts';
import { generateTone, measureTone } from './spectrum.ts';

describe('μ-law 8 kHz → PCM16 24 kHz → μ-law 8 kHz (Twilio ↔ OpenAI pcm)', () => {
  it('returns the same tone, delayed by both resamplers, with telephone-grade SNR', () => {
    const twilio = { encoding: 'mulaw', sampleRateHz: 8000 } as const;
    const openai = { encoding: 'pcm16', sampleRateHz: 24000 } as const;
    const up = createAudioConverter(twilio, openai);
    const down = createAudioConverter(openai, twilio);
    const amplitude = 10000;
    const tone = generateTone({ sampleRateHz: 8000, frequencyHz: 1000, amplitude, length: 8000 });
    const original = mulawEncode(tone);

    const returned: Uint8Array[] = [];
    for (let offset = 0; offset < original.length; offset += 160) {
      const wide = up.convert(original.subarray(offset, offset + 160));
      expect(wide.length).toBeGreaterThan(0);
      returned.push(down.convert(wide));
    }
    returned.push(down.convert(up.flush()), down.flush());
    const result = mulawDecode(new Uint8Array(Buffer.concat(returned)));

    const delaySamples = ((up.delayMs + down.delayMs) * 8000) / 1000;
    expect(Math.abs(result.length - (8000 + delaySamples))).toBeLessThanOrEqual(2);
    const start = Math.ceil(2 * delaySamples) + 1;
    const settled = result.subarray(start, 8000);
    const measured = measureTone(settled, 8000, 1000);
    expect(Math.abs(20 * Math.log10(measured.amplitude / amplitude))).toBeLessThan(0.5);
    expect(20 * Math.log10(measured.amplitude / Math.SQRT2 / measured.residualRms)).toBeGreaterThan(30);

    // Phase: the tone comes back late by exactly the two reported delays.
    const omega = (2 * Math.PI * 1000) / 8000;
    const expected = omega * (start - delaySamples) - Math.PI / 2;
    const error = Math.atan2(Math.sin(measured.phaseRad - expected), Math.cos(measured.phaseRad - expected));
    expect(Math.abs(error / omega)).toBeLessThan(0.05);
  });
});
