import { describe, expect, it } from 'vitest';
import { alawDecode, alawEncode, mulawDecode, mulawEncode } from './g711.ts';

const everySample = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

describe('G.711 quantisation error', () => {
  it('μ-law: within half a segment step up to the clip level, saturating above it', () => {
    const codes = mulawEncode(everySample);
    const decoded = mulawDecode(codes);
    let worstRatio = 0;
    for (let i = 0; i < everySample.length; i++) {
      const x = everySample[i]!;
      const segment = (~codes[i]! >> 4) & 7;
      const halfStep = 1 << (segment + 2);
      const error = Math.abs(decoded[i]! - x);
      if (Math.abs(x) <= 32635) {
        worstRatio = Math.max(worstRatio, error / halfStep);
      } else {
        expect(Math.abs(decoded[i]!)).toBe(32124);
      }
    }
    expect(worstRatio).toBeLessThanOrEqual(1);
    expect(worstRatio).toBeGreaterThan(0.9); // the bound is tight, not vacuous
  });

  it('A-law: within half a segment step everywhere', () => {
    const codes = alawEncode(everySample);
    const decoded = alawDecode(codes);
    let worstRatio = 0;
    for (let i = 0; i < everySample.length; i++) {
      const segment = ((codes[i]! ^ 0x55) >> 4) & 7;
      const halfStep = segment < 2 ? 8 : 1 << (segment + 2);
      worstRatio = Math.max(worstRatio, Math.abs(decoded[i]! - everySample[i]!) / halfStep);
    }
    expect(worstRatio).toBeLessThanOrEqual(1);
    expect(worstRatio).toBeGreaterThan(0.9);
  });

  it('encoding is monotonic in the decoded domain', () => {
    const mu = mulawDecode(mulawEncode(everySample));
    const a = alawDecode(alawEncode(everySample));
    let violations = 0;
    for (let i = 1; i < everySample.length; i++) {
      if (mu[i]! < mu[i - 1]! || a[i]! < a[i - 1]!) violations++;
    }
    expect(violations).toBe(0);
  });
});
