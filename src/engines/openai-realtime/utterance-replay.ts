import { bytesForMs, type AudioFormat } from '../../audio/format.ts';
import { SlabQueue } from './slab-queue.ts';

/** Audio kept from before the VAD noticed speech, so a replay includes the words' onset. */
const preRollMs = 1_000;
/** The longest utterance replayed after a reconnect. */
const maxUtteranceMs = 15_000;
/** Storage granularity: the pre-roll lives in a handful of reused slabs, not in 50 frame buffers. */
const slabMs = 250;
const maxSpareSlabs = 8;

/**
 * The caller audio of the utterance in progress on the current upstream session. If the session is
 * lost while the caller is speaking, the new session gets this audio again before the audio of the
 * gap, so the turn is heard whole rather than from the middle. Between utterances only a short
 * pre-roll is kept, so memory stays small on long calls.
 */
export class UtteranceReplay {
  readonly #preRollBytes: number;
  readonly #maxBytes: number;
  readonly #audio: SlabQueue;
  #speaking = false;

  constructor(format: AudioFormat) {
    this.#preRollBytes = bytesForMs(format, preRollMs);
    this.#maxBytes = bytesForMs(format, maxUtteranceMs);
    this.#audio = new SlabQueue({ slabBytes: bytesForMs(format, slabMs), maxSpareSlabs });
  }

  /** Audio just sent to the current upstream session (copied: the sender may reuse its buffer). */
  appended(data: Uint8Array): void {
    this.#audio.push(data);
    this.#audio.trimTo(this.#speaking ? this.#maxBytes : this.#preRollBytes);
  }

  speechStarted(): void {
    this.#speaking = true;
  }

  /** The utterance ended (`speech_stopped`) or was committed: the upstream session has it. */
  speechEnded(): void {
    this.#speaking = false;
    this.#audio.trimTo(this.#preRollBytes);
  }

  /** On losing the upstream session: the utterance to replay (empty when the caller was not speaking). Resets. */
  take(): Uint8Array[] {
    const replay = this.#speaking ? this.#audio.take() : [];
    this.#audio.clear();
    this.#speaking = false;
    return replay;
  }
}
