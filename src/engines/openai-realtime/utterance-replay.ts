import { bytesForMs, type AudioFormat } from '../../audio/format.ts';

/** Audio kept from before the VAD noticed speech, so a replay includes the words' onset. */
const preRollMs = 1_000;
/** The longest utterance replayed after a reconnect. */
const maxUtteranceMs = 15_000;

/**
 * The caller audio of the utterance in progress on the current upstream session. If the session is
 * lost while the caller is speaking, the new session gets this audio again before the audio of the
 * gap, so the turn is heard whole rather than from the middle. Between utterances only a short
 * pre-roll is kept, so memory stays small on long calls.
 */
export class UtteranceReplay {
  readonly #preRollBytes: number;
  readonly #maxBytes: number;
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #speaking = false;

  constructor(format: AudioFormat) {
    this.#preRollBytes = bytesForMs(format, preRollMs);
    this.#maxBytes = bytesForMs(format, maxUtteranceMs);
  }

  /** Audio just sent to the current upstream session (copied: the sender may reuse its buffer). */
  appended(data: Uint8Array): void {
    this.#chunks.push(new Uint8Array(data));
    this.#bytes += data.length;
    this.#trim(this.#speaking ? this.#maxBytes : this.#preRollBytes);
  }

  speechStarted(): void {
    this.#speaking = true;
  }

  /** The utterance ended (`speech_stopped`) or was committed: the upstream session has it. */
  speechEnded(): void {
    this.#speaking = false;
    this.#trim(this.#preRollBytes);
  }

  /** On losing the upstream session: the utterance to replay (empty when the caller was not speaking). Resets. */
  take(): Uint8Array[] {
    const replay = this.#speaking ? this.#chunks : [];
    this.#chunks = [];
    this.#bytes = 0;
    this.#speaking = false;
    return replay;
  }

  #trim(limitBytes: number): void {
    while (this.#bytes > limitBytes && this.#chunks.length > 1) {
      const oldest = this.#chunks.shift();
      if (oldest === undefined) return;
      this.#bytes -= oldest.length;
    }
  }
}
