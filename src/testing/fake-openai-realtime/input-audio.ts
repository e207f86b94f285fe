import type { RealtimeAudioFormats } from 'openai/resources/realtime/realtime';
import { bytesToMs, decodeToPcm, formatType, sampleRateHz } from './audio.ts';
import { fakeId } from './ids.ts';
import type { TurnDetectionConfig } from './session-config.ts';
import { EnergyVad, type VadSettings } from './vad.ts';

export interface VadTuning {
  /** RMS counted as speech at `threshold` 0.5. */
  readonly energyThreshold: number;
  readonly minSpeechMs: number;
}

export type TurnEvent =
  | { readonly type: 'speech_started'; readonly audioStartMs: number; readonly itemId: string }
  | { readonly type: 'speech_stopped'; readonly audioEndMs: number; readonly itemId: string; readonly audioMs: number };

export type CommitResult =
  | { readonly ok: true; readonly itemId: string; readonly audioMs: number }
  | { readonly ok: false; readonly bufferedMs: number };

/** Semantic VAD waits longer when less eager; these silences approximate it with the energy VAD. */
const semanticSilenceMs = { low: 1500, medium: 800, auto: 800, high: 400 } as const;

const minCommitMs = 100;

/**
 * The input audio buffer of one session: everything appended since the last commit or clear, with
 * positions counted from the first audio appended in the session (what `audio_start_ms` and
 * `audio_end_ms` refer to). With turn detection on, the energy VAD decides the turns.
 */
export class InputAudioBuffer {
  readonly #tuning: VadTuning;
  #positionMs = 0;
  #bufferStartMs = 0;
  #vad: EnergyVad | null = null;
  #speechItemId: string | null = null;
  #speechStartMs = 0;

  constructor(tuning: VadTuning) {
    this.#tuning = tuning;
  }

  get bufferedMs(): number {
    return this.#positionMs - this.#bufferStartMs;
  }

  get speaking(): boolean {
    return this.#vad?.speaking ?? false;
  }

  /** Applies the session's turn detection (`null`: manual turns). */
  configure(turnDetection: TurnDetectionConfig | null): void {
    if (turnDetection === null) {
      this.#vad = null;
      this.#speechItemId = null;
      return;
    }
    const settings = this.#settings(turnDetection);
    if (this.#vad === null) this.#vad = new EnergyVad(settings, this.#positionMs);
    else this.#vad.updateSettings(settings);
  }

  /** Adds audio in `format`; returns the turn boundaries the VAD found in it. */
  append(bytes: Uint8Array, format: RealtimeAudioFormats): { readonly durationMs: number; readonly events: TurnEvent[] } {
    const type = formatType(format);
    const durationMs = bytesToMs(bytes.length, type);
    this.#positionMs += durationMs;
    if (this.#vad === null) return { durationMs, events: [] };
    const events: TurnEvent[] = [];
    for (const event of this.#vad.push(decodeToPcm(bytes, type), sampleRateHz(type))) {
      if (event.type === 'speech_started') {
        this.#speechItemId = fakeId('item');
        this.#speechStartMs = event.audioStartMs;
        events.push({ type: 'speech_started', audioStartMs: event.audioStartMs, itemId: this.#speechItemId });
      } else {
        const itemId = this.#speechItemId ?? fakeId('item');
        this.#speechItemId = null;
        this.#bufferStartMs = event.audioEndMs;
        events.push({ type: 'speech_stopped', audioEndMs: event.audioEndMs, itemId, audioMs: event.audioEndMs - this.#speechStartMs });
      }
    }
    return { durationMs, events };
  }

  /** `input_audio_buffer.commit`: everything buffered becomes one user item (at least 100 ms). */
  commit(): CommitResult {
    const bufferedMs = this.bufferedMs;
    if (bufferedMs < minCommitMs) return { ok: false, bufferedMs };
    const itemId = this.#speechItemId ?? fakeId('item');
    this.#restart();
    return { ok: true, itemId, audioMs: bufferedMs };
  }

  /** `input_audio_buffer.clear`: drops the buffer and any speech in progress (no `speech_stopped`). */
  clear(): void {
    this.#restart();
  }

  #restart(): void {
    this.#speechItemId = null;
    this.#bufferStartMs = this.#positionMs;
    this.#vad?.reset(this.#positionMs);
  }

  #settings(turnDetection: TurnDetectionConfig): VadSettings {
    if (turnDetection.type === 'semantic_vad') {
      return {
        thresholdRms: this.#tuning.energyThreshold,
        prefixPaddingMs: 300,
        silenceDurationMs: semanticSilenceMs[turnDetection.eagerness],
        minSpeechMs: this.#tuning.minSpeechMs,
      };
    }
    return {
      thresholdRms: this.#tuning.energyThreshold * (turnDetection.threshold / 0.5),
      prefixPaddingMs: turnDetection.prefix_padding_ms,
      silenceDurationMs: turnDetection.silence_duration_ms,
      minSpeechMs: this.#tuning.minSpeechMs,
    };
  }
}
