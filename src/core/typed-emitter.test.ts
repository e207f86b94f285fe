import { describe, expect, it } from 'vitest';
import { TypedEmitter } from './typed-emitter.ts';

type Event = { type: 'error'; atMs: number; message: string } | { type: 'tick'; atMs: number };

describe('TypedEmitter', () => {
  it('delivers each event to its typed listeners and to onAny, and unsubscribes', () => {
    const emitter = new TypedEmitter<Event>();
    const ticks: number[] = [];
    const all: string[] = [];
    const off = emitter.on('tick', (e) => ticks.push(e.atMs));
    emitter.onAny((e) => all.push(e.type));
    emitter.emit({ type: 'tick', atMs: 1 });
    off();
    emitter.emit({ type: 'tick', atMs: 2 });
    expect(ticks).toEqual([1]);
    expect(all).toEqual(['tick', 'tick']);
  });

  it('does not throw on an `error` event that only onAny listens to, or nobody', () => {
    const emitter = new TypedEmitter<Event>();
    expect(() => { emitter.emit({ type: 'error', atMs: 0, message: 'x' }); }).not.toThrow();
    const seen: string[] = [];
    emitter.onAny((e) => seen.push(e.type));
    emitter.emit({ type: 'error', atMs: 0, message: 'x' });
    expect(seen).toEqual(['error']);
  });
});
