import { rms } from './audio.ts';

/**
 * Energy-based stand-in for the server's voice activity detection. The real `server_vad` runs a neural
 * model whose `threshold` is a speech probability; here a 10 ms frame counts as speech when its RMS
 * level reaches `thresholdRms`. Timing follows the real VAD: the start includes the prefix padding,
 * the stop fires once `silenceDurationMs` of silence has followed the speech, and its position
 * includes that silence. All positions are milliseconds of audio appended in the session.
 */
export interface VadSettings {
  /** Frame RMS (fraction of full scale) at or above which a frame counts as speech. */
  readonly thresholdRms: number;
  readonly prefixPaddingMs: number;
  readonly silenceDurationMs: number;
  /** Speech shorter than this (a click, a pop) does not start a turn. */
  readonly minSpeechMs: number;
}

export type VadEvent =
  | { readonly type: 'speech_started'; readonly audioStartMs: number }
  | { readonly type: 'speech_stopped'; readonly audioEndMs: number };

const frameMs = 10;

export class EnergyVad {
  #settings: VadSettings;
  #positionMs: number;
  #floorMs: number;
  #pending: Int16Array = new Int16Array(0);
  #pendingRateHz = 0;
  #state: 'silence' | 'candidate' | 'speech' = 'silence';
  #onsetMs = 0;
  #speechMs = 0;
  #silenceMs = 0;

  constructor(settings: VadSettings, startPositionMs: number) {
    this.#settings = settings;
    this.#positionMs = startPositionMs;
    this.#floorMs = startPositionMs;
  }

  get speaking(): boolean {
    return this.#state === 'speech';
  }

  /** Position of the next unprocessed frame. */
  get positionMs(): number {
    return this.#positionMs;
  }

  updateSettings(settings: VadSettings): void {
    this.#settings = settings;
  }

  /**
   * Forgets any speech in progress and sets the earliest point the prefix padding may reach (the start
   * of the uncommitted input buffer). Used after a manual commit or a clear.
   */
  reset(bufferStartMs: number): void {
    this.#state = 'silence';
    this.#speechMs = 0;
    this.#silenceMs = 0;
    this.#floorMs = Math.max(bufferStartMs, this.#floorMs);
  }

  /** Feeds PCM16 samples at `rateHz`; returns the VAD transitions they caused, in order. */
  push(samples: Int16Array, rateHz: number): VadEvent[] {
    if (rateHz !== this.#pendingRateHz) {
      // A format change mid-stream: the sub-frame remainder at the old rate is skipped, not mixed.
      this.#positionMs += (this.#pending.length / Math.max(this.#pendingRateHz, 1)) * 1000;
      this.#pending = new Int16Array(0);
      this.#pendingRateHz = rateHz;
    }
    const all = new Int16Array(this.#pending.length + samples.length);
    all.set(this.#pending);
    all.set(samples, this.#pending.length);
    const frameSamples = (rateHz * frameMs) / 1000;
    const events: VadEvent[] = [];
    let offset = 0;
    for (; offset + frameSamples <= all.length; offset += frameSamples) {
      const event = this.#onFrame(rms(all, offset, offset + frameSamples) >= this.#settings.thresholdRms);
      if (event !== null) events.push(event);
    }
    this.#pending = all.slice(offset);
    return events;
  }

  #onFrame(loud: boolean): VadEvent | null {
    const frameStartMs = this.#positionMs;
    this.#positionMs += frameMs;
    if (this.#state === 'speech') return this.#inSpeech(loud);
    if (!loud) {
      this.#state = 'silence';
      return null;
    }
    if (this.#state === 'silence') {
      this.#state = 'candidate';
      this.#onsetMs = frameStartMs;
      this.#speechMs = 0;
    }
    this.#speechMs += frameMs;
    if (this.#speechMs < this.#settings.minSpeechMs) return null;
    this.#state = 'speech';
    this.#silenceMs = 0;
    const audioStartMs = Math.max(this.#floorMs, this.#onsetMs - this.#settings.prefixPaddingMs);
    return { type: 'speech_started', audioStartMs: Math.round(audioStartMs) };
  }

  #inSpeech(loud: boolean): VadEvent | null {
    this.#silenceMs = loud ? 0 : this.#silenceMs + frameMs;
    if (this.#silenceMs < this.#settings.silenceDurationMs) return null;
    this.#state = 'silence';
    this.#floorMs = this.#positionMs;
    return { type: 'speech_stopped', audioEndMs: Math.round(this.#positionMs) };
  }
}
