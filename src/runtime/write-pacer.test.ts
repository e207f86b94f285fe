import { describe, expect, it } from 'vitest';
import { WritePacer } from './write-pacer.ts';

const loopTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('write pacing across calls', () => {
  it('lets the event loop turn between writes queued together', async () => {
    const pacer = new WritePacer({ maxInFlight: 16 });
    const order: string[] = [];
    // Like PGlite: each write does its work synchronously once started.
    const writes = [0, 1, 2].map((i) =>
      pacer.run(() => {
        order.push(`write ${String(i)}`);
        return Promise.resolve();
      }),
    );
    setImmediate(() => order.push('I/O turn'));
    await Promise.all(writes);

    expect(order).toEqual(['write 0', 'I/O turn', 'write 1', 'write 2']);
  });

  it('runs at most maxInFlight writes at once, and frees a slot when one fails', async () => {
    const pacer = new WritePacer({ maxInFlight: 2 });
    const release: (() => void)[] = [];
    const started: number[] = [];
    const blocked = (i: number, fail = false) => () =>
      new Promise<void>((resolve, reject) => {
        started.push(i);
        release.push(() => {
          if (fail) reject(new Error('write failed'));
          else resolve();
        });
      });
    const first = pacer.run(blocked(0, true)).catch(() => 'failed');
    const rest = [1, 2].map((i) => pacer.run(blocked(i)));
    for (let i = 0; i < 5; i += 1) await loopTurn();
    expect(started).toEqual([0, 1]);
    expect(pacer.waiting).toBe(1);

    release[0]?.();
    expect(await first).toBe('failed');
    for (let i = 0; i < 5; i += 1) await loopTurn();
    expect(started).toEqual([0, 1, 2]);
    release[1]?.();
    release[2]?.();
    await Promise.all(rest);
    expect(pacer.inFlight).toBe(0);
  });
});
