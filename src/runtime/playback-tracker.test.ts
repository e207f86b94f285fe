import { describe, expect, it } from 'vitest';
import { PlaybackTracker } from './playback-tracker.ts';

describe('PlaybackTracker', () => {
  it('uses the furthest report, clamped to what was sent', () => {
    const tracker = new PlaybackTracker('reports');
    tracker.recordSent('a', 1000, 0);
    expect(tracker.heardMs('a', 5000)).toBe(0);
    tracker.recordReport('a', 600, 0, 0);
    tracker.recordReport('a', 400, 0, 0);
    expect(tracker.heardMs('a', 5000)).toBe(600);
    tracker.recordReport('a', 1500, 0, 0);
    expect(tracker.heardMs('a', 5000)).toBe(1000);
  });

  it('ignores reports from an older generation and for unknown items', () => {
    const tracker = new PlaybackTracker('reports');
    tracker.recordSent('a', 1000, 0);
    expect(tracker.recordReport('a', 900, 0, 1)).toBe(false);
    expect(tracker.recordReport('nope', 900, 1, 1)).toBe(false);
    expect(tracker.heardMs('a', 0)).toBe(0);
  });

  it('paces playback in real time, pausing while the queue is empty', () => {
    const tracker = new PlaybackTracker('pacing');
    tracker.recordSent('a', 300, 1000);
    tracker.recordSent('a', 300, 1050);
    expect(tracker.heardMs('a', 1400)).toBe(400);
    tracker.recordSent('a', 200, 3000);
    expect(tracker.heardMs('a', 2000)).toBe(600);
    expect(tracker.heardMs('a', 3100)).toBe(700);
    expect(tracker.playoutEndAtMs('a')).toBe(3200);
  });

  it('freezes every heard position at a clear and forgets the current item', () => {
    const tracker = new PlaybackTracker('pacing');
    tracker.recordSent('a', 1000, 0);
    expect(tracker.currentItemId).toBe('a');
    tracker.clear(300);
    expect(tracker.currentItemId).toBeNull();
    expect(tracker.heardMs('a', 10_000)).toBe(300);
    expect(tracker.recordReport('a', 800, 1, 1)).toBe(false);
    // The next item starts playing at once: the queue is empty after a clear.
    tracker.recordSent('b', 500, 400);
    expect(tracker.heardMs('b', 500)).toBe(100);
  });
});
