/**
 * `CallTransport` over a wire protocol whose client buffers and plays the audio itself (Socket.IO,
 * plain WebSocket). Audio is sent as soon as the runtime hands it over; the client's playback queue
 * is the only queue, so `clear()` cannot drop bytes here. Instead:
 *
 * - `clear()` starts a new generation. The runtime then calls `notify({ type: 'interrupted' })`, which
 *   the wire sends as its clear event (Socket.IO `ai-interrupted`, WebSocket `interrupted`) carrying the
 *   new generation: the client flushes its queue. Every audio message carries its generation, so a
 *   client that sees a newer generation flushes older audio even if it missed the clear event.
 * - Audio for an item that already had audio in an older generation is stale (the item was cut by
 *   the barge-in) and is dropped; a new item's audio carries the current generation.
 */
import { sameFormat, type AudioChunk, type AudioFormat } from '../../audio/format.ts';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import { TypedEmitter } from '../../core/typed-emitter.ts';
import type { CallerNotice, CallTransport, TransportCapabilities, TransportEvent } from '../../runtime/ports.ts';
import type { StartRequest } from './inbound-messages.ts';
import type { CallWire } from './wire.ts';

/** How many recent items' generations are remembered (for stale-audio checks and playback reports). */
const REMEMBERED_ITEMS = 256;

export interface WireCallTransportParams {
  readonly request: StartRequest;
  readonly wire: CallWire;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called once, synchronously, when the transport closes, whoever closes it. */
  readonly onClosed: (reason: string) => void;
}

export class WireCallTransport implements CallTransport {
  readonly events = new TypedEmitter<TransportEvent>();
  readonly capabilities: TransportCapabilities;
  readonly inputFormat: AudioFormat;
  readonly outputFormat: AudioFormat;
  readonly callId: string;
  readonly #wire: CallWire;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #onClosed: (reason: string) => void;
  /** Generation under which each recent item's audio was first sent; insertion-ordered for eviction. */
  readonly #itemGenerations = new Map<string, number>();
  #generation = 0;
  #closed = false;
  #startedSent = false;
  #endedSent = false;

  constructor(params: WireCallTransportParams) {
    this.callId = params.request.callId;
    this.inputFormat = { encoding: 'pcm16', sampleRateHz: params.request.inputSampleRateHz };
    this.outputFormat = { encoding: 'pcm16', sampleRateHz: params.request.outputSampleRateHz };
    this.capabilities = { playbackReports: params.request.playbackReports };
    this.#wire = params.wire;
    this.#clock = params.clock;
    this.#logger = params.logger;
    this.#onClosed = params.onClosed;
  }

  get generation(): number {
    return this.#generation;
  }

  get closed(): boolean {
    return this.#closed;
  }

  sendAudio(itemId: string, chunk: AudioChunk): void {
    if (this.#closed || chunk.data.byteLength === 0) return;
    if (!sameFormat(chunk.format, this.outputFormat)) {
      this.#logger.error({ itemId, format: chunk.format, expected: this.outputFormat }, 'dropping assistant audio in the wrong format');
      return;
    }
    const sentUnder = this.#itemGenerations.get(itemId);
    if (sentUnder !== undefined && sentUnder < this.#generation) {
      this.#logger.debug({ itemId, generation: sentUnder }, 'dropping audio of an interrupted item');
      return;
    }
    if (sentUnder === undefined) this.#rememberItem(itemId);
    // Lent, not copied: the wire copies only if it keeps the bytes (see `OutboundAudio`).
    this.#wire.sendAudio({ itemId, generation: this.#generation, sampleRateHz: this.outputFormat.sampleRateHz, data: chunk.data });
  }

  clear(): void {
    if (this.#closed) return;
    this.#generation += 1;
  }

  notify(notice: CallerNotice): void {
    if (this.#closed) return;
    switch (notice.type) {
      case 'call_started':
        this.announceStarted();
        return;
      case 'interrupted':
        this.#wire.sendEvent({ ...notice, generation: this.#generation });
        return;
      case 'call_ended':
        this.#endedSent = true;
        this.#wire.sendEvent(notice);
        return;
      case 'error':
      case 'user_transcript':
      case 'assistant_text_delta':
      case 'assistant_text_done':
        this.#wire.sendEvent(notice);
        return;
    }
  }

  /** Sends the call-started event once: on the runtime's `call_started` or the connector's success, whichever comes first. */
  announceStarted(): void {
    if (this.#closed || this.#startedSent) return;
    this.#startedSent = true;
    this.#wire.sendEvent({
      type: 'call_started',
      callId: this.callId,
      inputSampleRateHz: this.inputFormat.sampleRateHz,
      outputSampleRateHz: this.outputFormat.sampleRateHz,
      generation: this.#generation,
    });
  }

  /** The generation an item's audio was sent under, or null if this call sent no audio for it (recently). */
  generationOfItem(itemId: string): number | null {
    return this.#itemGenerations.get(itemId) ?? null;
  }

  /** Delivers a caller event to the runtime. A listener that throws is a runtime bug: logged, never propagated. */
  deliver(event: TransportEvent): boolean {
    if (this.#closed) return false;
    try {
      this.events.emit(event);
      return true;
    } catch (error) {
      this.#logger.error({ err: error, event: event.type }, 'a transport event listener threw');
      return false;
    }
  }

  /** Current time on the injected clock, for events built by the connection. */
  nowMs(): number {
    return this.#clock.nowMs();
  }

  close(reason: string): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#startedSent && !this.#endedSent) {
      // The caller always learns that a started call is over, even if the runtime said nothing.
      this.#endedSent = true;
      this.#wire.sendEvent({ type: 'call_ended', callId: this.callId, status: 'ended', reason, transcript: [] });
    }
    this.#closed = true;
    this.events.removeAll();
    this.#onClosed(reason);
    return Promise.resolve();
  }

  #rememberItem(itemId: string): void {
    this.#itemGenerations.set(itemId, this.#generation);
    if (this.#itemGenerations.size > REMEMBERED_ITEMS) {
      const oldest = this.#itemGenerations.keys().next();
      if (oldest.done !== true) this.#itemGenerations.delete(oldest.value);
    }
  }
}
