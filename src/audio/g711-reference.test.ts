import { describe, expect, it } from 'vitest';
import {
  ALAW_SILENCE,
  MULAW_SILENCE,
  alawDecode,
  alawEncode,
  alawToLinear,
  linearToAlaw,
  linearToMulaw,
  mulawDecode,
  mulawEncode,
  mulawToLinear,
} from './g711.ts';

/** The decode formula from the protocol cheat sheet, written independently of the module's tables. */
function cheatSheetMulawDecode(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exp = (u >> 4) & 7;
  const mant = u & 0x0f;
  const s = (((mant << 3) + 0x84) << exp) - 0x84;
  return sign !== 0 ? 0 - s : s; // 0 - s, not -s: the table holds +0, never -0
}

/** The classic "bias 0x84, clip 32635, exp_lut[(sample >> 7) & 0xFF]" μ-law encoder (CCITT/Sun-derived). */
function clipTableMulawEncode(sample: number): number {
  const sign = (sample >> 8) & 0x80;
  let s = sign !== 0 ? -sample : sample;
  if (s > 32635) s = 32635;
  s += 0x84;
  const index = (s >> 7) & 0xff;
  const exponent = index < 2 ? 0 : 31 - Math.clz32(index);
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

describe('G.711 reference values', () => {
  it('uses the documented silence bytes', () => {
    expect(MULAW_SILENCE).toBe(0xff);
    expect(ALAW_SILENCE).toBe(0xd5);
    expect(linearToMulaw(0)).toBe(0xff);
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(Array.from(mulawEncode(new Int16Array(4)))).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect(Array.from(alawEncode(new Int16Array(4)))).toEqual([0xd5, 0xd5, 0xd5, 0xd5]);
  });

  it('decodes well-known μ-law codes', () => {
    expect(mulawToLinear(0x00)).toBe(-32124);
    expect(mulawToLinear(0x01)).toBe(-31100);
    expect(mulawToLinear(0x0f)).toBe(-16764);
    expect(mulawToLinear(0x80)).toBe(32124);
    expect(mulawToLinear(0x7e)).toBe(-8);
    expect(mulawToLinear(0xfe)).toBe(8);
    expect(mulawToLinear(0xff)).toBe(0);
    expect(mulawToLinear(0x7f)).toBe(0);
  });

  it('decodes well-known A-law codes', () => {
    expect(alawToLinear(0xd5)).toBe(8);
    expect(alawToLinear(0x55)).toBe(-8);
    expect(alawToLinear(0xaa)).toBe(32256);
    expect(alawToLinear(0x2a)).toBe(-32256);
    expect(alawToLinear(0x80)).toBe(5504);
  });

  it('saturates at the extremes', () => {
    expect(linearToMulaw(32767)).toBe(0x80);
    expect(linearToMulaw(-32768)).toBe(0x00);
    expect(linearToAlaw(32767)).toBe(0xaa);
    expect(linearToAlaw(-32768)).toBe(0x2a);
  });

  it('decodes every μ-law byte as the cheat-sheet formula does', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const decoded = mulawDecode(all);
    for (let byte = 0; byte < 256; byte++) expect(decoded[byte]).toBe(cheatSheetMulawDecode(byte));
  });

  it('encodes every 16-bit value as the clip-at-32635 reference encoder does', () => {
    const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    const encoded = mulawEncode(all);
    let mismatches = 0;
    for (let i = 0; i < all.length; i++) if (encoded[i] !== clipTableMulawEncode(all[i]!)) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('maps every code back to itself through decode → encode, except μ-law negative zero', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const mu = mulawEncode(mulawDecode(all));
    const a = alawEncode(alawDecode(all));
    for (let byte = 0; byte < 256; byte++) {
      // 0x7F is μ-law −0: it decodes to 0, and 0 encodes as +0 (0xFF).
      expect(mu[byte]).toBe(byte === 0x7f ? 0xff : byte);
      expect(a[byte]).toBe(byte);
    }
  });

  it('is odd-symmetric: negating a decoded value flips only the sign bit', () => {
    for (let byte = 0; byte < 128; byte++) {
      expect(mulawToLinear(byte) + mulawToLinear(byte | 0x80)).toBe(0);
      expect(alawToLinear(byte ^ 0x80) + alawToLinear(byte)).toBe(0);
    }
  });
});
