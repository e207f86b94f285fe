import { bytesForMs, type AudioFormat } from '../../audio/format.ts';

/** Largest single `input_audio_buffer.append` built when flushing (the API allows 15 MiB; stay small). */
const maxAppendBytes = 64 * 1024;

/**
 * Caller audio held while the upstream session is not ready (connecting, reconnecting). Bounded by
 * duration: beyond `maxMs` the oldest audio goes first, since the newest is what the caller is
 * saying now. Flushing coalesces small chunks into fewer appends.
 */
export class PendingAudio {
  readonly #maxBytes: number;
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #droppedBytes = 0;

  constructor(format: AudioFormat, maxMs: number) {
    this.#maxBytes = bytesForMs(format, maxMs);
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Bytes discarded because the bound was hit, since the last `take`. */
  get droppedBytes(): number {
    return this.#droppedBytes;
  }

  push(data: Uint8Array): void {
    // Copy: the sender may reuse its buffer once `sendAudio` returns.
    this.#chunks.push(new Uint8Array(data));
    this.#bytes += data.length;
    while (this.#bytes > this.#maxBytes && this.#chunks.length > 1) {
      const oldest = this.#chunks.shift();
      if (oldest === undefined) break;
      this.#bytes -= oldest.length;
      this.#droppedBytes += oldest.length;
    }
  }

  /** Empties the buffer and returns its audio in order, coalesced into blocks of at most 64 KiB. */
  take(): Uint8Array[] {
    const blocks: Uint8Array[] = [];
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const cut = (): void => {
      if (pendingBytes > 0) blocks.push(Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
    };
    for (const chunk of this.#chunks) {
      if (pendingBytes + chunk.length > maxAppendBytes) cut();
      pending.push(chunk);
      pendingBytes += chunk.length;
    }
    cut();
    this.#chunks = [];
    this.#bytes = 0;
    this.#droppedBytes = 0;
    return blocks;
  }
}
