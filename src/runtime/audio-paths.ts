/**
 * The two audio directions of a call. Conversion happens only where the transport's and the engine's
 * formats differ (a converter is `null` otherwise and chunks pass through untouched, e.g. μ-law end to
 * end). Caller audio that arrives before the engine session is open is buffered, up to a bound, and
 * delivered in order once it opens: the first words of a call are not dropped.
 */
import { createAudioConverter, type AudioConverter } from '../audio/converter.ts';
import { durationMs, sameFormat, type AudioChunk, type AudioFormat } from '../audio/format.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { AudioObservers } from './audio-observers.ts';
import type { PlaybackTracker } from './playback-tracker.ts';
import type { CallTransport, EngineSession } from './ports.ts';

/** A converter from `from` to `to`, or null when they are the same format (no conversion at all). */
export function converterBetween(from: AudioFormat, to: AudioFormat): AudioConverter | null {
  return sameFormat(from, to) ? null : createAudioConverter(from, to);
}

/** Caller → engine: converts, and buffers (bounded, oldest dropped first) until the session is open. */
export class InboundAudio {
  readonly #converter: AudioConverter | null;
  readonly #engineFormat: AudioFormat;
  readonly #bufferLimitMs: number;
  readonly #logger: Logger;
  #session: EngineSession | null = null;
  #buffer: AudioChunk[] = [];
  #bufferedMs = 0;
  #droppedMs = 0;

  constructor(params: {
    readonly converter: AudioConverter | null;
    readonly engineFormat: AudioFormat;
    readonly bufferLimitMs: number;
    readonly logger: Logger;
  }) {
    this.#converter = params.converter;
    this.#engineFormat = params.engineFormat;
    this.#bufferLimitMs = params.bufferLimitMs;
    this.#logger = params.logger;
  }

  /** Milliseconds of caller audio waiting for the session. */
  get bufferedMs(): number {
    return this.#bufferedMs;
  }

  /** Takes one chunk of caller audio in the transport's input format. */
  receive(chunk: AudioChunk): void {
    const converted = this.#convert(chunk);
    if (converted.data.length === 0) return;
    if (this.#session !== null) {
      this.#session.sendAudio(converted);
      return;
    }
    this.#buffer.push(converted);
    this.#bufferedMs += durationMs(converted.format, converted.data.length);
    this.#trimBuffer();
  }

  /** The session is open: delivers the buffered audio in order, then sends straight through. */
  attach(session: EngineSession): void {
    this.#session = session;
    if (this.#droppedMs > 0) {
      this.#logger.warn({ droppedMs: Math.round(this.#droppedMs) }, 'caller audio before the engine opened exceeded the buffer');
    }
    const buffered = this.#buffer;
    this.#buffer = [];
    this.#bufferedMs = 0;
    for (const chunk of buffered) session.sendAudio(chunk);
  }

  /** Stops delivering and forgets anything buffered. */
  detach(): void {
    this.#session = null;
    this.#buffer = [];
    this.#bufferedMs = 0;
  }

  #convert(chunk: AudioChunk): AudioChunk {
    if (this.#converter === null) return chunk;
    return { format: this.#engineFormat, data: this.#converter.convert(chunk.data) };
  }

  #trimBuffer(): void {
    while (this.#bufferedMs > this.#bufferLimitMs && this.#buffer.length > 1) {
      const oldest = this.#buffer.shift();
      if (oldest === undefined) return;
      const ms = durationMs(oldest.format, oldest.data.length);
      this.#bufferedMs -= ms;
      this.#droppedMs += ms;
    }
  }
}

/** Engine → caller: converts, hands audio to the transport, records it in the playback tracker and shows it to the observers. */
export class OutboundAudio {
  readonly #transport: CallTransport;
  readonly #converter: AudioConverter | null;
  readonly #playback: PlaybackTracker;
  readonly #clock: Clock;
  readonly #observers: AudioObservers | null;
  /** The item whose audio is in the converter's history (its tail belongs to it). */
  #itemId: string | null = null;

  constructor(params: {
    readonly transport: CallTransport;
    readonly converter: AudioConverter | null;
    readonly playback: PlaybackTracker;
    readonly clock: Clock;
    readonly observers?: AudioObservers;
  }) {
    this.#transport = params.transport;
    this.#converter = params.converter;
    this.#playback = params.playback;
    this.#clock = params.clock;
    this.#observers = params.observers ?? null;
  }

  /** Sends one chunk of item `itemId`; returns the milliseconds handed to the transport. */
  send(itemId: string, chunk: AudioChunk): number {
    if (this.#itemId !== null && this.#itemId !== itemId) this.endItem();
    this.#itemId = itemId;
    if (this.#converter === null) return this.#deliver(itemId, chunk);
    return this.#deliver(itemId, { format: this.#transport.outputFormat, data: this.#converter.convert(chunk.data) });
  }

  /** The current item has no more audio: sends what the resampler still holds for it. */
  endItem(): void {
    const itemId = this.#itemId;
    this.#itemId = null;
    if (itemId === null || this.#converter === null) return;
    const tail = this.#converter.flush();
    if (tail.length > 0) this.#deliver(itemId, { format: this.#transport.outputFormat, data: tail });
  }

  /** The transport's queue was dropped: the converter starts a new stream. */
  reset(): void {
    this.#itemId = null;
    this.#converter?.reset();
  }

  #deliver(itemId: string, chunk: AudioChunk): number {
    if (chunk.data.length === 0) return 0;
    this.#transport.sendAudio(itemId, chunk);
    const ms = durationMs(chunk.format, chunk.data.length);
    const atMs = this.#clock.nowMs();
    this.#playback.recordSent(itemId, ms, atMs);
    this.#observers?.agentAudio(itemId, chunk, atMs);
    return ms;
  }
}
