import { describe, expect, it } from 'vitest';
import { CallTimeline } from './call-timeline.ts';

/** 1 kHz: one frame per millisecond keeps the arithmetic readable. */
const RATE = 1000;
const ORIGIN = 1_000_000;

function timeline(): CallTimeline {
  return new CallTimeline({ sampleRateHz: RATE, originMs: ORIGIN, gapToleranceMs: 200, maxAheadMs: 10_000 });
}

function fill(length: number, value: number): Int16Array {
  return new Int16Array(length).fill(value);
}

/** Renders everything up to `frames` and returns [left, right] as plain arrays. */
function renderAll(t: CallTimeline, frames: number): [number[], number[]] {
  const out = new Int16Array(2 * frames);
  const stereo = t.render(frames - t.renderedFrames, out);
  const left: number[] = [];
  const right: number[] = [];
  for (let i = 0; i < stereo.length; i += 2) {
    left.push(stereo[i] ?? 0);
    right.push(stereo[i + 1] ?? 0);
  }
  return [left, right];
}

describe('CallTimeline', () => {
  it('places caller audio by arrival, closes up jitter and keeps real holes as silence', () => {
    const t = timeline();
    t.placeCaller(fill(20, 1), ORIGIN + 120); // covers 100–120
    t.placeCaller(fill(20, 2), ORIGIN + 150); // late by 10 ms: jitter, follows at 120–140
    t.placeCaller(fill(20, 3), ORIGIN + 600); // a 440 ms hole: the caller stopped sending → 580–600
    const [left, right] = renderAll(t, 600);
    expect(left.slice(95, 145)).toEqual([...Array<number>(5).fill(0), ...Array<number>(20).fill(1), ...Array<number>(20).fill(2), ...Array<number>(5).fill(0)]);
    expect(left.slice(140, 580).every((s) => s === 0)).toBe(true);
    expect(left.slice(580, 600).every((s) => s === 3)).toBe(true);
    expect(right.every((s) => s === 0)).toBe(true);
  });

  it('plays agent audio sent ahead one after the other from when it was sent', () => {
    const t = timeline();
    t.placeAgent('a', fill(300, 5), ORIGIN + 100); // sent at once: plays 100–400
    t.placeAgent('a', fill(300, 6), ORIGIN + 110); // queued behind: 400–700
    t.placeAgent('b', fill(100, 7), ORIGIN + 900); // queue ran dry: plays when sent, 900–1000
    const [, right] = renderAll(t, 1000);
    expect(right.slice(99, 101)).toEqual([0, 5]);
    expect(right.slice(399, 401)).toEqual([5, 6]);
    expect(right.slice(699, 701)).toEqual([6, 0]);
    expect(right.slice(899, 901)).toEqual([0, 7]);
  });

  it('drops agent audio a barge-in cleared: only the heard part of the item remains', () => {
    const t = timeline();
    t.placeAgent('a', fill(1000, 5), ORIGIN + 100); // 100–1100
    t.placeAgent('a', fill(1000, 6), ORIGIN + 100); // 1100–2100
    renderAll(t, 300);
    t.cutAgent('a', 1250); // the caller heard 1.25 s: up to 1350
    t.placeAgent('c', fill(100, 9), ORIGIN + 1400); // the next reply plays when sent
    const [, right] = renderAll(t, 2200);
    expect(right[1349 - 300]).toBe(6);
    expect(right.slice(1350 - 300, 1400 - 300).every((s) => s === 0)).toBe(true);
    expect(right.slice(1400 - 300, 1500 - 300).every((s) => s === 9)).toBe(true);
    expect(right.slice(1500 - 300).every((s) => s === 0)).toBe(true);
  });

  it('never rewrites what it rendered and holds only what is not rendered', () => {
    const t = timeline();
    t.placeCaller(fill(100, 1), ORIGIN + 100);
    t.placeAgent('a', fill(500, 2), ORIGIN + 50);
    expect(t.heldSamples).toBe(600);
    renderAll(t, 80);
    expect(t.heldSamples).toBe(600 - 80 - 30);
    t.placeCaller(fill(20, 3), ORIGIN + 60); // arrives late for frames already final: moved after them
    t.cutAgent('a', 10); // heard 10 ms, but 30 were already written: the cut is at the render point
    const [left, right] = renderAll(t, 200);
    expect(left.slice(0, 20).every((s) => s === 1)).toBe(true); // frames 80–100 of the first chunk
    expect(left.slice(20, 40).every((s) => s === 3)).toBe(true);
    expect(right.every((s) => s === 0)).toBe(true);
    expect(t.heldSamples).toBe(0);
  });

  it('refuses audio queued beyond the look-ahead bound and counts it', () => {
    const t = timeline();
    t.placeAgent('a', fill(9000, 1), ORIGIN);
    t.placeAgent('a', fill(2000, 1), ORIGIN + 10);
    expect(t.droppedFrames).toBe(2000);
    expect(t.heldSamples).toBe(9000);
  });

  it('ends agent audio at the end of the call', () => {
    const t = timeline();
    t.placeAgent('a', fill(1000, 4), ORIGIN);
    t.endAt(ORIGIN + 400);
    expect(t.endFrame).toBe(400);
    const [, right] = renderAll(t, 500);
    expect(right.slice(0, 400).every((s) => s === 4)).toBe(true);
    expect(right.slice(400).every((s) => s === 0)).toBe(true);
  });
});
