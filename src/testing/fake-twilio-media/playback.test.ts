import { describe, expect, it } from 'vitest';
import { ManualClock } from '../runtime-fakes/index.ts';
import { TwilioPlayback } from './playback.ts';

function phone(echoMarksOnClear = true) {
  const clock = new ManualClock();
  const echoes: { name: string; onClear: boolean; atMs: number }[] = [];
  const start = clock.nowMs();
  const playback = new TwilioPlayback({ clock, echoMarksOnClear, echoMark: (name, onClear) => echoes.push({ name, onClear, atMs: clock.nowMs() - start }) });
  return { clock, echoes, playback };
}

describe('the fake phone playback buffer', () => {
  it('plays in real time on the clock and echoes each mark when the audio before it has played', () => {
    const { clock, echoes, playback } = phone();
    playback.enqueueMedia(new Uint8Array(160));
    playback.enqueueMark('a');
    playback.enqueueMedia(new Uint8Array(320));
    playback.enqueueMark('b');
    expect(playback.queuedMs).toBe(60);
    clock.advance(19);
    expect(echoes).toEqual([]);
    clock.advance(1);
    expect(echoes).toEqual([{ name: 'a', onClear: false, atMs: 20 }]);
    clock.advance(40);
    expect(echoes.map((echo) => [echo.name, echo.atMs])).toEqual([['a', 20], ['b', 60]]);
    expect(playback.playedMs).toBe(60);
    expect(playback.queuedMs).toBe(0);
  });

  it('echoes a mark at once when nothing is queued', () => {
    const { echoes, playback } = phone();
    playback.enqueueMark('idle');
    expect(echoes).toEqual([{ name: 'idle', onClear: false, atMs: 0 }]);
  });

  it('on clear, drops the queue and echoes the pending marks immediately, as Twilio documents', () => {
    const { clock, echoes, playback } = phone();
    for (let i = 1; i <= 5; i++) {
      playback.enqueueMedia(new Uint8Array(160).fill(i));
      playback.enqueueMark(`m${i}`);
    }
    clock.advance(50);
    playback.clear();
    expect(echoes.map((echo) => [echo.name, echo.onClear])).toEqual([
      ['m1', false],
      ['m2', false],
      ['m3', true],
      ['m4', true],
      ['m5', true],
    ]);
    expect(playback.playedMs).toBe(50);
    expect(playback.queuedMs).toBe(0);
    expect(playback.droppedBytes).toBe(400);
    clock.advance(1000);
    expect(playback.playedMs).toBe(50);
    expect(echoes).toHaveLength(5);
  });

  it('can drop pending marks on clear instead', () => {
    const { clock, echoes, playback } = phone(false);
    playback.enqueueMedia(new Uint8Array(160));
    playback.enqueueMark('gone');
    clock.advance(10);
    playback.clear();
    expect(echoes).toEqual([]);
  });

  it('does not drift: a chunk queued while another plays starts when that one ends', () => {
    const { clock, playback } = phone();
    playback.enqueueMedia(new Uint8Array(160));
    clock.advance(10);
    playback.enqueueMedia(new Uint8Array(160));
    clock.advance(30);
    expect(playback.playedMs).toBe(40);
    expect(Buffer.from(playback.playedAudio())).toHaveLength(320);
  });
});
