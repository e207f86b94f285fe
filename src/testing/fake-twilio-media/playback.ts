/**
 * The phone's side of a Twilio bidirectional stream: the playback buffer. Audio the server sends
 * plays in order at real time on the injected clock (a `ManualClock` gives virtual time); a mark is
 * echoed when every byte queued before it has played, at once when nothing is queued. `clear` empties
 * the buffer at once, and the marks still pending are echoed immediately although their audio never
 * played (Twilio's documented behaviour, protocols.md §4.2–4.3; `echoMarksOnClear: false` drops them).
 *
 * Playback follows an ideal timeline: the next chunk starts when the previous one should have ended,
 * not when a late timer fired, so real-time runs do not drift slower than the wire.
 */
import type { Clock } from '../../core/clock.ts';

/** μ-law 8 kHz. */
const BYTES_PER_MS = 8;

type Entry = { readonly kind: 'audio'; readonly data: Uint8Array } | { readonly kind: 'mark'; readonly name: string };

interface Playing {
  readonly data: Uint8Array;
  readonly startAtMs: number;
  readonly cancel: () => void;
}

export interface TwilioPlaybackParams {
  readonly clock: Clock;
  /** Sends the echo of a mark to the server; `onClear` when it is echoed because of a `clear` (its audio never played). */
  readonly echoMark: (name: string, onClear: boolean) => void;
  readonly echoMarksOnClear: boolean;
}

export class TwilioPlayback {
  readonly #params: TwilioPlaybackParams;
  #queue: Entry[] = [];
  #queuedBytes = 0;
  #playing: Playing | null = null;
  readonly #played: Uint8Array[] = [];
  #playedBytes = 0;
  #droppedBytes = 0;
  #disposed = false;

  constructor(params: TwilioPlaybackParams) {
    this.#params = params;
  }

  /** Bytes the caller has heard so far, including the part of the chunk playing now (a chunk cut by `clear` counts up to the cut). */
  get playedBytes(): number {
    const playing = this.#playing;
    if (playing === null) return this.#playedBytes;
    const partial = Math.floor((this.#params.clock.nowMs() - playing.startAtMs) * BYTES_PER_MS);
    return this.#playedBytes + Math.min(playing.data.byteLength, Math.max(0, partial));
  }

  get playedMs(): number {
    return this.playedBytes / BYTES_PER_MS;
  }

  /** Milliseconds still to play (the chunk playing now counts whole). */
  get queuedMs(): number {
    return (this.#queuedBytes + (this.#playing?.data.byteLength ?? 0)) / BYTES_PER_MS;
  }

  /** Bytes thrown away by `clear` without being played. */
  get droppedBytes(): number {
    return this.#droppedBytes;
  }

  /** Everything the caller heard, in order. */
  playedAudio(): Uint8Array {
    return Buffer.concat(this.#played);
  }

  enqueueMedia(data: Uint8Array): void {
    if (this.#disposed) return;
    this.#queue.push({ kind: 'audio', data });
    this.#queuedBytes += data.byteLength;
    this.#pump(this.#params.clock.nowMs());
  }

  enqueueMark(name: string): void {
    if (this.#disposed) return;
    this.#queue.push({ kind: 'mark', name });
    this.#pump(this.#params.clock.nowMs());
  }

  /** Empties the buffer now; pending marks are echoed (or dropped) as configured. */
  clear(): void {
    const playing = this.#playing;
    if (playing !== null) {
      playing.cancel();
      const heard = Math.min(playing.data.byteLength, Math.floor((this.#params.clock.nowMs() - playing.startAtMs) * BYTES_PER_MS));
      this.#record(playing.data.subarray(0, Math.max(0, heard)));
      this.#droppedBytes += playing.data.byteLength - Math.max(0, heard);
      this.#playing = null;
    }
    const queue = this.#queue;
    this.#queue = [];
    this.#droppedBytes += this.#queuedBytes;
    this.#queuedBytes = 0;
    if (!this.#params.echoMarksOnClear) return;
    for (const entry of queue) if (entry.kind === 'mark') this.#params.echoMark(entry.name, true);
  }

  /** The stream ended: nothing more plays or is echoed. */
  dispose(): void {
    this.#disposed = true;
    this.#playing?.cancel();
    this.#playing = null;
    this.#queue = [];
    this.#queuedBytes = 0;
  }

  /** Starts the next chunk at `startAtMs` (the ideal end of the previous one), echoing marks on the way. */
  #pump(startAtMs: number): void {
    if (this.#playing !== null || this.#disposed) return;
    for (;;) {
      const head = this.#queue.shift();
      if (head === undefined) return;
      if (head.kind === 'mark') {
        this.#params.echoMark(head.name, false);
        continue;
      }
      this.#queuedBytes -= head.data.byteLength;
      const endAtMs = startAtMs + head.data.byteLength / BYTES_PER_MS;
      const cancel = this.#params.clock.setTimer(Math.max(0, endAtMs - this.#params.clock.nowMs()), () => {
        this.#finish(endAtMs);
      });
      this.#playing = { data: head.data, startAtMs, cancel };
      return;
    }
  }

  #finish(endAtMs: number): void {
    const playing = this.#playing;
    if (playing === null) return;
    this.#playing = null;
    this.#record(playing.data);
    // A late timer (real time) does not delay what follows: the next chunk starts at the ideal end.
    this.#pump(endAtMs);
  }

  #record(data: Uint8Array): void {
    if (data.byteLength === 0) return;
    this.#played.push(data);
    this.#playedBytes += data.byteLength;
  }
}
