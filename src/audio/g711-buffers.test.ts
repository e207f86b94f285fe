import { describe, expect, it } from 'vitest';
import { alawDecode, alawToLinear, alawToMulaw, linearToAlaw, linearToMulaw, mulawDecode, mulawEncode, mulawToAlaw, mulawToLinear } from './g711.ts';

describe('G.711 buffer handling', () => {
  it('writes into a larger output and returns a view of the used part', () => {
    const out = new Int16Array(10).fill(123);
    const decoded = mulawDecode(new Uint8Array([0xff, 0x80, 0x00]), out);
    expect(decoded.buffer).toBe(out.buffer);
    expect(Array.from(decoded)).toEqual([0, 32124, -32124]);
    expect(out[3]).toBe(123);
  });

  it('returns the output object itself when the sizes match', () => {
    const out = new Uint8Array(2);
    expect(mulawEncode(new Int16Array([0, 0]), out)).toBe(out);
  });

  it('rejects an output that is too small', () => {
    expect(() => alawDecode(new Uint8Array(4), new Int16Array(3))).toThrow(RangeError);
  });

  it('reads input at an odd byteOffset', () => {
    const backing = new Uint8Array([0, 0xff, 0x80]);
    expect(Array.from(mulawDecode(backing.subarray(1)))).toEqual([0, 32124]);
  });

  it('clamps and rounds single samples', () => {
    expect(linearToMulaw(1e6)).toBe(0x80);
    expect(linearToAlaw(-1e6)).toBe(0x2a);
    expect(linearToMulaw(0.4)).toBe(0xff);
  });

  it('transcodes μ-law ↔ A-law through the linear value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const toA = mulawToAlaw(all);
    const toMu = alawToMulaw(all);
    for (let byte = 0; byte < 256; byte++) {
      expect(toA[byte]).toBe(linearToAlaw(mulawToLinear(byte)));
      expect(toMu[byte]).toBe(linearToMulaw(alawToLinear(byte)));
    }
    expect(mulawToAlaw(new Uint8Array([0xff]))[0]).toBe(0xd5); // silence stays silence
  });
});
