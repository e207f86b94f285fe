/**
 * Cuts a byte stream of one format into fixed-duration frames (20 ms is 160 bytes of 8 kHz μ-law,
 * 640 bytes of 16 kHz PCM16), carrying the remainder between pushes.
 */

import { type AudioFormat, bytesForMs, bytesPerSample, silenceByte } from './format.ts';

/** Options for {@link AudioFramer}. */
export interface AudioFramerOptions {
  /** Frame duration in milliseconds (default 20); must be a whole number of samples. */
  readonly frameMs?: number;
}

/**
 * Splits pushed bytes into frames of exactly `frameBytes` bytes.
 *
 * Ownership: a frame that lies wholly inside one pushed array is a zero-copy view of it (so do not
 * mutate pushed data afterwards); a frame completed from carried bytes is a new array. Frames are
 * never reused by the framer.
 */
export class AudioFramer {
  readonly format: AudioFormat;
  readonly frameMs: number;
  readonly frameBytes: number;
  #pending: Uint8Array;
  #pendingLength = 0;

  constructor(format: AudioFormat, options: AudioFramerOptions = {}) {
    const frameMs = options.frameMs ?? 20;
    const samples = (frameMs * format.sampleRateHz) / 1000;
    if (!Number.isInteger(samples) || samples <= 0) {
      throw new RangeError(`${frameMs} ms at ${format.sampleRateHz} Hz is not a whole, positive number of samples`);
    }
    this.format = format;
    this.frameMs = frameMs;
    this.frameBytes = bytesForMs(format, frameMs);
    this.#pending = new Uint8Array(this.frameBytes);
  }

  /** Bytes carried over, waiting for the rest of their frame (always < `frameBytes`). */
  get pendingBytes(): number {
    return this.#pendingLength;
  }

  /** Adds bytes and returns every frame completed by them, in order (possibly none). */
  push(data: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    const size = this.frameBytes;
    let offset = 0;
    if (this.#pendingLength > 0) {
      const take = Math.min(size - this.#pendingLength, data.length);
      this.#pending.set(data.subarray(0, take), this.#pendingLength);
      this.#pendingLength += take;
      offset = take;
      if (this.#pendingLength < size) return frames;
      frames.push(this.#pending);
      this.#pending = new Uint8Array(size);
      this.#pendingLength = 0;
    }
    for (; offset + size <= data.length; offset += size) frames.push(data.subarray(offset, offset + size));
    if (offset < data.length) {
      this.#pending.set(data.subarray(offset));
      this.#pendingLength = data.length - offset;
    }
    return frames;
  }

  /**
   * Ends the stream: returns the carried partial frame, or `undefined` when nothing is carried. With
   * `padWithSilence` the frame is padded to full size with the encoding's silence byte (0xFF μ-law,
   * 0xD5 A-law, 0x00 PCM16); without it, it is returned short (for PCM16, trimmed to whole samples).
   */
  flush(padWithSilence = false): Uint8Array | undefined {
    const length = this.#pendingLength;
    this.#pendingLength = 0;
    if (length === 0) return undefined;
    if (padWithSilence) {
      const frame = this.#pending;
      frame.fill(silenceByte(this.format.encoding), length);
      this.#pending = new Uint8Array(this.frameBytes);
      return frame;
    }
    const whole = length - (length % bytesPerSample(this.format.encoding));
    return whole === 0 ? undefined : this.#pending.slice(0, whole);
  }

  /** Drops any carried bytes. */
  reset(): void {
    this.#pendingLength = 0;
  }
}
