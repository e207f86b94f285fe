import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav } from './wav.ts';
import { alawEncode, mulawDecode, mulawEncode } from './g711.ts';

/** Builds a RIFF file from raw chunks, so tests control every byte. */
function riff(chunks: readonly (readonly [string, Uint8Array])[], riffSize?: number): Uint8Array {
  const parts: Buffer[] = [];
  for (const [id, body] of chunks) {
    const header = Buffer.alloc(8);
    header.write(id, 0, 'latin1');
    header.writeUInt32LE(body.length, 4);
    parts.push(header, Buffer.from(body));
    if (body.length % 2 === 1) parts.push(Buffer.alloc(1));
  }
  const content = Buffer.concat(parts);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(riffSize ?? content.length + 4, 4);
  head.write('WAVE', 8, 'latin1');
  return new Uint8Array(Buffer.concat([head, content]));
}

function fmt(tag: number, channels: number, rate: number, bits: number): Uint8Array {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(tag, 0);
  b.writeUInt16LE(channels, 2);
  b.writeUInt32LE(rate, 4);
  b.writeUInt32LE((rate * channels * bits) / 8, 8);
  b.writeUInt16LE((channels * bits) / 8, 12);
  b.writeUInt16LE(bits, 14);
  return b;
}

describe('WAV encode/decode', () => {
  it('writes the canonical 44-byte header and reads it back', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    const bytes = encodeWav({ sampleRateHz: 16000, channels: 2, samples });
    const buf = Buffer.from(bytes);
    expect(buf.toString('latin1', 0, 4)).toBe('RIFF');
    expect(buf.readUInt32LE(4)).toBe(36 + 12);
    expect(buf.toString('latin1', 8, 16)).toBe('WAVEfmt ');
    expect(buf.readUInt16LE(20)).toBe(1);
    expect(buf.readUInt16LE(22)).toBe(2);
    expect(buf.readUInt32LE(24)).toBe(16000);
    expect(buf.readUInt32LE(28)).toBe(64000);
    expect(buf.readUInt16LE(32)).toBe(4);
    expect(buf.readUInt16LE(34)).toBe(16);
    expect(buf.toString('latin1', 36, 40)).toBe('data');
    expect(buf.readUInt32LE(40)).toBe(12);
    const decoded = decodeWav(bytes);
    expect(decoded).toMatchObject({ sampleRateHz: 16000, channels: 2, bitsPerSample: 16, encoding: 'pcm16' });
    expect(Array.from(decoded.samples)).toEqual(Array.from(samples));
  });

  it('decodes from a Buffer at an odd byteOffset and never aliases the input', () => {
    const file = encodeWav({ sampleRateHz: 8000, channels: 1, samples: Int16Array.from([5, -5, 300]) });
    const backing = new Uint8Array(file.length + 1);
    backing.set(file, 1);
    const decoded = decodeWav(backing.subarray(1));
    expect(Array.from(decoded.samples)).toEqual([5, -5, 300]);
    expect(decoded.samples.buffer).not.toBe(backing.buffer);
  });

  it('skips LIST and other unknown chunks, honouring odd-size padding', () => {
    const data = Buffer.from(Int16Array.from([7, 8, 9]).buffer);
    const file = riff([
      ['fmt ', fmt(1, 1, 24000, 16)],
      ['LIST', new Uint8Array(Buffer.from('INFOISFT\x05\x00\x00\x00odd!\x00', 'latin1'))],
      ['junk', new Uint8Array(3)], // odd size: a pad byte follows
      ['data', new Uint8Array(data)],
    ]);
    const decoded = decodeWav(file);
    expect(decoded.sampleRateHz).toBe(24000);
    expect(Array.from(decoded.samples)).toEqual([7, 8, 9]);
  });

  it('decodes G.711 μ-law (tag 7) and A-law (tag 6) to PCM16', () => {
    const samples = Int16Array.from([0, 1000, -1000, 30000]);
    const mu = decodeWav(riff([['fmt ', fmt(7, 1, 8000, 8)], ['data', mulawEncode(samples)]]));
    expect(mu).toMatchObject({ encoding: 'mulaw', bitsPerSample: 8, sampleRateHz: 8000, channels: 1 });
    expect(Array.from(mu.samples)).toEqual(Array.from(mulawDecode(mulawEncode(samples))));
    const a = decodeWav(riff([['fmt ', fmt(6, 1, 8000, 8)], ['data', alawEncode(samples)]]));
    expect(a.encoding).toBe('alaw');
    expect(a.samples.length).toBe(4);
  });

  it('decodes WAVE_FORMAT_EXTENSIBLE wrapping PCM', () => {
    const ext = Buffer.alloc(40);
    Buffer.from(fmt(0xfffe, 1, 48000, 16)).copy(ext);
    ext.writeUInt16LE(22, 16); // cbSize
    ext.writeUInt16LE(16, 18); // valid bits
    ext.writeUInt16LE(1, 24); // SubFormat GUID begins with the PCM tag
    const decoded = decodeWav(riff([['fmt ', new Uint8Array(ext)], ['data', new Uint8Array(4)]]));
    expect(decoded).toMatchObject({ encoding: 'pcm16', sampleRateHz: 48000 });
  });

  it('reads a streaming file whose sizes are the 0xFFFFFFFF placeholder', () => {
    const file = riff([['fmt ', fmt(1, 1, 8000, 16)], ['data', new Uint8Array(Buffer.from(Int16Array.from([1, 2, 3]).buffer))]]);
    const view = new DataView(file.buffer);
    view.setUint32(4, 0xffffffff, true);
    view.setUint32(40, 0xffffffff, true);
    expect(Array.from(decodeWav(file).samples)).toEqual([1, 2, 3]);
  });

  it('ignores bytes appended after the RIFF end (e.g. an ID3 tag)', () => {
    const file = encodeWav({ sampleRateHz: 8000, channels: 1, samples: Int16Array.from([4]) });
    const tagged = new Uint8Array([...file, ...Buffer.from('ID3\x04garbage', 'latin1')]);
    expect(Array.from(decodeWav(tagged).samples)).toEqual([4]);
  });

  it('encodes an empty recording', () => {
    const decoded = decodeWav(encodeWav({ sampleRateHz: 8000, channels: 1, samples: new Int16Array(0) }));
    expect(decoded.samples.length).toBe(0);
  });
});
