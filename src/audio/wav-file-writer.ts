/**
 * Streams a 16-bit PCM WAV file to disk while a call runs, without holding the recording in memory.
 * Writes are queued in order and coalesced into one `writev` per batch; the RIFF and data sizes are
 * patched when the writer closes. Until then the header carries 0xFFFFFFFF sizes, the convention for
 * "unknown length", so a file left behind by a crash still opens in most tools (and in `decodeWav`).
 * With `headerUpdateBytes`, the sizes are also patched every time that much more audio is on disk, so
 * a crashed file declares all but its last moments even to tools that do not know the convention.
 */

import { Buffer } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../core/errors.ts';
import { samplesToPcm16Bytes } from './format.ts';
import { WAV_HEADER_BYTES, assertWavLayout, wavHeader } from './wav.ts';

/** Layout of the recording. */
export interface WavFileWriterOptions {
  readonly sampleRateHz: number;
  readonly channels: number;
  /** Patch the header sizes whenever this many more data bytes are on disk (default: only at close). */
  readonly headerUpdateBytes?: number;
}

/** An open WAV recording. Not safe to use after `close()`. */
export interface WavFileWriter {
  readonly path: string;
  readonly sampleRateHz: number;
  readonly channels: number;
  /** Sample frames (samples per channel) accepted so far, written or still queued. */
  readonly frames: number;
  /** Duration accepted so far in milliseconds (fractional). */
  readonly durationMs: number;
  /** Bytes accepted but not yet on disk: watch this for back-pressure if the disk is slow. */
  readonly queuedBytes: number;
  /** The most bytes ever queued at once. */
  readonly maxQueuedBytes: number;
  /**
   * Queues interleaved samples (a whole number of frames). Copies them at once, so the caller may
   * reuse its buffer. Never throws for I/O: a write failure is kept and reported by `drained()` and
   * `close()`, and later writes are dropped. Throws only on misuse (after close, partial frames).
   */
  write(interleavedSamples: Int16Array): void;
  /** Resolves when everything queued so far is on disk; rejects with the first write failure. */
  drained(): Promise<void>;
  /**
   * Waits for queued writes, patches the header sizes and closes the file. Idempotent: later calls
   * return the same promise. Rejects with the first write failure (the file handle is closed anyway).
   */
  close(): Promise<void>;
}

const UNKNOWN_SIZE = 0xffffffff;
const MAX_DATA_BYTES = UNKNOWN_SIZE - 36;

class FileWavWriter implements WavFileWriter {
  readonly path: string;
  readonly sampleRateHz: number;
  readonly channels: number;
  readonly #handle: FileHandle;
  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  #maxQueuedBytes = 0;
  #acceptedBytes = 0;
  readonly #headerUpdateBytes: number;
  /** Data bytes the header declared at its last patch. */
  #declaredBytes = 0;
  /** File offset of the next batch. */
  #position = WAV_HEADER_BYTES;
  #pumping: Promise<void> | undefined;
  #failure: Error | undefined;
  #closing: Promise<void> | undefined;

  constructor(path: string, handle: FileHandle, options: WavFileWriterOptions) {
    this.path = path;
    this.#handle = handle;
    this.sampleRateHz = options.sampleRateHz;
    this.channels = options.channels;
    this.#headerUpdateBytes = options.headerUpdateBytes ?? Number.POSITIVE_INFINITY;
  }

  get frames(): number {
    return this.#acceptedBytes / (2 * this.channels);
  }

  get durationMs(): number {
    return (this.frames * 1000) / this.sampleRateHz;
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  get maxQueuedBytes(): number {
    return this.#maxQueuedBytes;
  }

  write(interleavedSamples: Int16Array): void {
    if (this.#closing !== undefined) throw new Error(`WAV writer for ${this.path} is closed`);
    if (interleavedSamples.length % this.channels !== 0) {
      throw new AppError('invalid_audio', `${interleavedSamples.length} samples do not divide into ${this.channels} channels`);
    }
    if (this.#failure !== undefined || interleavedSamples.length === 0) return;
    const bytes = samplesToPcm16Bytes(interleavedSamples, new Uint8Array(interleavedSamples.length * 2));
    if (this.#acceptedBytes + bytes.length > MAX_DATA_BYTES) {
      this.#failure = new AppError('internal_error', `recording ${this.path} exceeds the 4 GiB WAV limit`);
      return;
    }
    this.#acceptedBytes += bytes.length;
    this.#queuedBytes += bytes.length;
    if (this.#queuedBytes > this.#maxQueuedBytes) this.#maxQueuedBytes = this.#queuedBytes;
    this.#queue.push(bytes);
    this.#pumping ??= this.#pump();
  }

  async drained(): Promise<void> {
    while (this.#pumping !== undefined) await this.#pumping;
    if (this.#failure !== undefined) throw this.#failure;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    try {
      while (this.#pumping !== undefined) await this.#pumping;
      if (this.#failure === undefined) await this.#patchSizes(this.#acceptedBytes);
    } catch (error) {
      this.#failure ??= asError(error);
    } finally {
      await this.#handle.close();
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Rewrites the RIFF and data sizes for `dataBytes` bytes of samples. */
  async #patchSizes(dataBytes: number): Promise<void> {
    const header = wavHeader(this.sampleRateHz, this.channels, dataBytes);
    await this.#handle.write(header, 4, 4, 4);
    await this.#handle.write(header, 40, 4, 40);
    this.#declaredBytes = dataBytes;
  }

  /** Writes batches until the queue is empty. Never rejects: failures land in `#failure`. */
  async #pump(): Promise<void> {
    try {
      while (this.#queue.length > 0 && this.#failure === undefined) {
        const batch = this.#queue;
        this.#queue = [];
        const total = batch.reduce((sum, chunk) => sum + chunk.length, 0);
        await writeFully(this.#handle, batch, total, this.#position);
        this.#position += total;
        this.#queuedBytes -= total;
        const onDisk = this.#position - WAV_HEADER_BYTES;
        if (onDisk - this.#declaredBytes >= this.#headerUpdateBytes) await this.#patchSizes(onDisk);
      }
    } catch (error) {
      this.#failure = asError(error);
    } finally {
      this.#pumping = undefined;
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

async function writeFully(handle: FileHandle, batch: Uint8Array[], total: number, position: number): Promise<void> {
  const { bytesWritten } = await handle.writev(batch, position);
  if (bytesWritten === total) return;
  // Short writes are rare for regular files; finish the rest from one contiguous copy.
  const rest = Buffer.concat(batch).subarray(bytesWritten);
  for (let done = 0; done < rest.length; ) {
    const { bytesWritten: n } = await handle.write(rest, done, rest.length - done, position + bytesWritten + done);
    if (n === 0) throw new Error(`no progress writing ${rest.length - done} bytes`);
    done += n;
  }
}

/**
 * Creates (or truncates) `path` and writes a WAV header with "unknown" sizes. Throws `invalid_audio`
 * for a bad layout, and the file-system error if the file cannot be opened or written.
 */
export async function createWavFileWriter(path: string, options: WavFileWriterOptions): Promise<WavFileWriter> {
  assertWavLayout(options.sampleRateHz, options.channels);
  const handle = await open(path, 'w');
  try {
    const header = wavHeader(options.sampleRateHz, options.channels, 0);
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    view.setUint32(4, UNKNOWN_SIZE, true);
    view.setUint32(40, UNKNOWN_SIZE, true);
    await handle.write(header, 0, header.length, 0);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return new FileWavWriter(path, handle, options);
}
