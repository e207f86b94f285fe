import { describe, expect, it } from 'vitest';
import { SlabQueue } from './slab-queue.ts';

const bytes = (from: number, count: number): Uint8Array => Uint8Array.from({ length: count }, (_, i) => (from + i) & 0xff);
const joined = (parts: readonly Uint8Array[]): number[] => parts.flatMap((part) => [...part]);

describe('slab queue of caller audio', () => {
  it('keeps pushed bytes in order across slabs, and copies them in', () => {
    const queue = new SlabQueue({ slabBytes: 8, maxSpareSlabs: 2 });
    const first = bytes(0, 5);
    queue.push(first);
    queue.push(bytes(5, 14));
    first.fill(0xee);

    expect(queue.bytes).toBe(19);
    expect(joined(queue.take())).toEqual([...bytes(0, 19)]);
    expect(queue.bytes).toBe(0);
  });

  it('trims from the front to the newest bytes, at byte granularity', () => {
    const queue = new SlabQueue({ slabBytes: 8, maxSpareSlabs: 2 });
    for (let i = 0; i < 10; i += 1) queue.push(bytes(i * 6, 6));
    queue.trimTo(13);

    expect(queue.bytes).toBe(13);
    expect(joined(queue.take())).toEqual([...bytes(60 - 13, 13)]);
  });

  it('stays correct when retired slabs are reused, and hands out copies', () => {
    const queue = new SlabQueue({ slabBytes: 4, maxSpareSlabs: 4 });
    queue.push(bytes(0, 8));
    const before = queue.take();
    queue.push(bytes(100, 4));
    queue.trimTo(0);
    queue.push(bytes(200, 6));
    // take() hands out copies: what it returned earlier is untouched by the reuse.
    expect(joined(before)).toEqual([...bytes(0, 8)]);
    expect(joined(queue.take())).toEqual([...bytes(200, 6)]);
  });
});
