/**
 * A small energy-based turn detector for engines without server-side turn detection (`serverVad`
 * false). A 20 ms frame is voiced when its RMS level reaches `thresholdDbfs`; a turn starts after
 * `minSpeechMs` of consecutive voiced frames (dated at the first of them) and stops after `silenceMs`
 * of unvoiced frames (dated at the end of the last voiced frame). It has no echo cancellation and no
 * notion of words: a loud room or the agent's own voice on a speakerphone will start turns.
 */
import { pcm16BytesToSamples, type AudioChunk } from '../audio/format.ts';
import { alawDecode, mulawDecode } from '../audio/g711.ts';
import { rmsDbfs } from '../audio/levels.ts';

export interface TurnDetectorOptions {
  /** Frame RMS level, in dBFS, at or above which a frame counts as speech. */
  readonly thresholdDbfs: number;
  /** Voiced audio needed to start a turn; shorter bursts (clicks, pops) are ignored. */
  readonly minSpeechMs: number;
  /** Silence that ends a turn. */
  readonly silenceMs: number;
}

export const defaultTurnDetectorOptions: TurnDetectorOptions = {
  thresholdDbfs: -45,
  minSpeechMs: 100,
  silenceMs: 600,
};

export type TurnDetectorEvent =
  | { readonly type: 'speech_started'; readonly atMs: number }
  | { readonly type: 'speech_stopped'; readonly atMs: number };

const FRAME_MS = 20;

/** Finds the caller's turns in a stream of PCM16 audio. One instance per call. */
export class EnergyTurnDetector {
  readonly #options: TurnDetectorOptions;
  #state: 'silence' | 'candidate' | 'speech' = 'silence';
  #onsetAtMs = 0;
  #voicedMs = 0;
  #silentMs = 0;
  #lastVoicedEndAtMs = 0;

  constructor(options: Partial<TurnDetectorOptions> = {}) {
    this.#options = { ...defaultTurnDetectorOptions, ...options };
  }

  get speaking(): boolean {
    return this.#state === 'speech';
  }

  /** Feeds samples that start at `atMs`; returns the turn boundaries they contain, in order. */
  push(samples: Int16Array, sampleRateHz: number, atMs: number): TurnDetectorEvent[] {
    const events: TurnDetectorEvent[] = [];
    const frameSamples = Math.max(1, Math.round((sampleRateHz * FRAME_MS) / 1000));
    for (let offset = 0; offset < samples.length; offset += frameSamples) {
      const frame = samples.subarray(offset, offset + frameSamples);
      const frameAtMs = atMs + (offset * 1000) / sampleRateHz;
      const event = this.#frame(rmsDbfs(frame) >= this.#options.thresholdDbfs, frameAtMs, (frame.length * 1000) / sampleRateHz);
      if (event !== null) events.push(event);
    }
    return events;
  }

  /** Forgets any turn in progress. */
  reset(): void {
    this.#state = 'silence';
    this.#voicedMs = 0;
    this.#silentMs = 0;
  }

  #frame(voiced: boolean, atMs: number, ms: number): TurnDetectorEvent | null {
    switch (this.#state) {
      case 'silence':
        if (!voiced) return null;
        this.#state = 'candidate';
        this.#onsetAtMs = atMs;
        this.#voicedMs = 0;
        return this.#candidateFrame(atMs, ms);
      case 'candidate':
        if (voiced) return this.#candidateFrame(atMs, ms);
        this.#state = 'silence';
        return null;
      case 'speech':
        return this.#speechFrame(voiced, atMs, ms);
    }
  }

  #candidateFrame(atMs: number, ms: number): TurnDetectorEvent | null {
    this.#voicedMs += ms;
    this.#lastVoicedEndAtMs = atMs + ms;
    if (this.#voicedMs < this.#options.minSpeechMs) return null;
    this.#state = 'speech';
    this.#silentMs = 0;
    return { type: 'speech_started', atMs: Math.round(this.#onsetAtMs) };
  }

  #speechFrame(voiced: boolean, atMs: number, ms: number): TurnDetectorEvent | null {
    if (voiced) {
      this.#silentMs = 0;
      this.#lastVoicedEndAtMs = atMs + ms;
      return null;
    }
    this.#silentMs += ms;
    if (this.#silentMs < this.#options.silenceMs) return null;
    this.reset();
    return { type: 'speech_stopped', atMs: Math.round(this.#lastVoicedEndAtMs) };
  }
}

/** A caller turn found by the runtime, with the item id the runtime gave it. */
export interface CallerTurnEvent {
  readonly type: 'speech_started' | 'speech_stopped';
  readonly atMs: number;
  readonly itemId: string;
}

/**
 * Runs an {@link EnergyTurnDetector} over caller audio in any encoding and names each turn
 * (`runtime-turn-1`, `runtime-turn-2`, …) so it can be tracked like an engine's user item.
 */
export class CallerTurnDetection {
  readonly #detector: EnergyTurnDetector;
  #turns = 0;

  constructor(options: Partial<TurnDetectorOptions> = {}) {
    this.#detector = new EnergyTurnDetector(options);
  }

  /** Feeds a chunk of caller audio that started at `atMs`. */
  push(chunk: AudioChunk, atMs: number): CallerTurnEvent[] {
    const events = this.#detector.push(toSamples(chunk), chunk.format.sampleRateHz, atMs);
    return events.map((event) => {
      if (event.type === 'speech_started') this.#turns += 1;
      return { ...event, itemId: `runtime-turn-${this.#turns}` };
    });
  }
}

function toSamples(chunk: AudioChunk): Int16Array {
  switch (chunk.format.encoding) {
    case 'pcm16':
      // A split trailing byte is ignored: the detector only needs levels.
      return pcm16BytesToSamples(chunk.data.subarray(0, chunk.data.length & ~1));
    case 'mulaw':
      return mulawDecode(chunk.data);
    case 'alaw':
      return alawDecode(chunk.data);
  }
}
