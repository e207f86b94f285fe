import { describe, expect, it } from 'vitest';
import { createAudioConverter } from './converter.ts';
import { type AudioEncoding, type AudioFormat, pcm16BytesToSamples, samplesToPcm16Bytes } from './format.ts';
import { alawDecode, alawEncode, mulawDecode, mulawEncode, mulawToAlaw } from './g711.ts';
import { generateTone, measureTone } from './spectrum.ts';

const encodings: AudioEncoding[] = ['pcm16', 'mulaw', 'alaw'];
const rates = [8000, 16000, 24000];
const formats: AudioFormat[] = encodings.flatMap((encoding) => rates.map((sampleRateHz) => ({ encoding, sampleRateHz })));

function encode(samples: Int16Array, encoding: AudioEncoding): Uint8Array {
  if (encoding === 'mulaw') return mulawEncode(samples);
  if (encoding === 'alaw') return alawEncode(samples);
  return samplesToPcm16Bytes(samples, new Uint8Array(samples.length * 2));
}

function decode(bytes: Uint8Array, encoding: AudioEncoding): Int16Array {
  if (encoding === 'mulaw') return mulawDecode(bytes);
  if (encoding === 'alaw') return alawDecode(bytes);
  return pcm16BytesToSamples(bytes, new Int16Array(bytes.length / 2));
}

function label(format: AudioFormat): string {
  return `${format.encoding}@${format.sampleRateHz}`;
}

describe('createAudioConverter', () => {
  it('returns the very same bytes when the formats are equal', () => {
    const converter = createAudioConverter({ encoding: 'mulaw', sampleRateHz: 8000 }, { encoding: 'mulaw', sampleRateHz: 8000 });
    const data = new Uint8Array([1, 2, 3]);
    expect(converter.isIdentity).toBe(true);
    expect(converter.convert(data)).toBe(data);
    expect(converter.flush().length).toBe(0);
  });

  it('transcodes μ-law to A-law at the same rate byte for byte', () => {
    const converter = createAudioConverter({ encoding: 'mulaw', sampleRateHz: 8000 }, { encoding: 'alaw', sampleRateHz: 8000 });
    const data = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(converter.convert(data))).toEqual(Array.from(mulawToAlaw(data)));
    expect(converter.delayMs).toBe(0);
  });

  it.each(formats.flatMap((from) => formats.map((to) => [label(from), label(to), from, to] as const)))(
    '%s → %s carries a 440 Hz tone through 20 ms frames',
    (_fromLabel, _toLabel, from, to) => {
      const amplitude = 8000;
      const converter = createAudioConverter(from, to);
      const input = encode(generateTone({ sampleRateHz: from.sampleRateHz, frequencyHz: 440, amplitude, length: from.sampleRateHz / 2 }), from.encoding);
      const frameBytes = (from.sampleRateHz / 50) * (from.encoding === 'pcm16' ? 2 : 1);
      const pieces: Uint8Array[] = [];
      for (let offset = 0; offset < input.length; offset += frameBytes) {
        const out = converter.convert(input.subarray(offset, offset + frameBytes));
        expect(out.buffer === input.buffer).toBe(converter.isIdentity); // the caller owns anything new
        pieces.push(out);
      }
      pieces.push(converter.flush());
      const output = decode(new Uint8Array(Buffer.concat(pieces)), to.encoding);
      const expectedLength = Math.ceil(((from.sampleRateHz / 2) * to.sampleRateHz) / from.sampleRateHz + (converter.delayMs * to.sampleRateHz) / 1000);
      expect(Math.abs(output.length - expectedLength)).toBeLessThanOrEqual(1);
      const settled = output.subarray(Math.ceil((converter.delayMs * to.sampleRateHz) / 500) + 1, to.sampleRateHz / 2);
      const tone = measureTone(settled, to.sampleRateHz, 440);
      expect(Math.abs(20 * Math.log10(tone.amplitude / amplitude))).toBeLessThan(0.2);
      // G.711 at this level gives ~38 dB SNR; PCM16 paths are far cleaner.
      const snrDb = 20 * Math.log10(tone.amplitude / Math.SQRT2 / Math.max(tone.residualRms, 1e-9));
      expect(snrDb).toBeGreaterThan(from.encoding === 'pcm16' && to.encoding === 'pcm16' ? 70 : 30);
    },
  );
});
