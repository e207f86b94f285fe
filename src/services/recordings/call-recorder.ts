/**
 * Records a call as it happens into a stereo PCM16 WAV file (left = caller, right = agent) through
 * the runtime's audio-observer port. Audio is converted to the recording's rate as it arrives, placed
 * on a {@link CallTimeline}, and written behind real time: frames older than `lagMs` are final and go
 * to the WAV writer in batches of at least `batchMs`. Memory therefore holds a few hundred milliseconds
 * of the caller plus whatever agent audio is queued ahead of playback, whatever the call's length.
 *
 * Back-pressure: while the disk has more than `maxQueuedBytes` waiting, frames stay on the timeline;
 * when the backlog exceeds `maxBacklogMs` the recording is abandoned (`failed`, "disk too slow") rather
 * than letting memory grow or writing a file whose channels drift apart. The call is never affected.
 */
import { createAudioConverter, type AudioConverter } from '../../audio/converter.ts';
import { pcm16BytesToSamples, type AudioChunk, type AudioFormat } from '../../audio/format.ts';
import type { WavFileWriter } from '../../audio/wav-file-writer.ts';
import type { Logger } from '../../core/logger.ts';
import type { CallAudioObserver } from '../../runtime/ports.ts';
import { CallTimeline } from './call-timeline.ts';

export interface CallRecorderOptions {
  /** Frames younger than this stay in memory (caller audio may still arrive for them). Default 500. */
  readonly lagMs: number;
  /** Smallest write handed to the WAV writer. Default 250. */
  readonly batchMs: number;
  /** Caller holes shorter than this are jitter. Default 200. */
  readonly gapToleranceMs: number;
  /** Agent audio queued further ahead of playback than this is dropped. Default 120 000. */
  readonly maxAheadMs: number;
  /** Bytes the writer may have in flight before frames are held back. Default 1 MiB. */
  readonly maxQueuedBytes: number;
  /** Audio held back (not yet written) beyond this abandons the recording. Default 30 000. */
  readonly maxBacklogMs: number;
}

/**
 * Resampling for the archive copy (only when a leg's rate differs from the recording's, e.g. a 48 kHz
 * client): 50 dB stopband and a passband to 0.8 of Nyquist instead of the live path's 70 dB / 0.85, for
 * about a third fewer taps. Aliases stay below −50 dB, inaudible under speech.
 */
const RECORDING_RESAMPLER = { stopbandAttenuationDb: 50, passbandFraction: 0.8 } as const;

export const defaultCallRecorderOptions: CallRecorderOptions = {
  lagMs: 500,
  batchMs: 250,
  gapToleranceMs: 200,
  maxAheadMs: 120_000,
  maxQueuedBytes: 1 << 20,
  maxBacklogMs: 30_000,
};

/** How a recording ended, handed to whoever stores it. */
export type RecordingOutcome =
  | { readonly status: 'ready'; readonly durationMs: number; readonly bytes: number; readonly droppedMs: number }
  | { readonly status: 'failed'; readonly durationMs: number; readonly bytes: number; readonly reason: string };

export interface CallRecorderDeps {
  readonly writer: WavFileWriter;
  /** Caller audio format (the transport's input) and agent audio format (the transport's output). */
  readonly callerFormat: AudioFormat;
  readonly agentFormat: AudioFormat;
  /** Clock time of the recording's first frame (the call's start). */
  readonly originMs: number;
  readonly logger: Logger;
  /** Stores the outcome (the recording's row); awaited by `close`. */
  readonly finish: (outcome: RecordingOutcome) => Promise<void>;
  readonly options?: Partial<CallRecorderOptions>;
}

/** A call's recording; one per call, closed by the runtime when the call ends. */
export class CallRecorder implements CallAudioObserver {
  readonly #deps: CallRecorderDeps;
  readonly #options: CallRecorderOptions;
  readonly #timeline: CallTimeline;
  readonly #toCaller: AudioConverter;
  readonly #toAgent: AudioConverter;
  readonly #lagFrames: number;
  readonly #batchFrames: number;
  readonly #backlogFrames: number;
  /** Interleaved scratch for one batch render, reused (the writer copies what it is given). */
  #scratch: Int16Array;
  #failure: string | null = null;
  #highWaterBytes = 0;
  #closing: Promise<void> | null = null;

  constructor(deps: CallRecorderDeps) {
    this.#deps = deps;
    this.#options = { ...defaultCallRecorderOptions, ...deps.options };
    const rateHz = deps.writer.sampleRateHz;
    const target: AudioFormat = { encoding: 'pcm16', sampleRateHz: rateHz };
    this.#toCaller = createAudioConverter(deps.callerFormat, target, RECORDING_RESAMPLER);
    this.#toAgent = createAudioConverter(deps.agentFormat, target, RECORDING_RESAMPLER);
    this.#timeline = new CallTimeline({
      sampleRateHz: rateHz,
      originMs: deps.originMs,
      gapToleranceMs: this.#options.gapToleranceMs,
      maxAheadMs: this.#options.maxAheadMs,
    });
    this.#lagFrames = Math.round((this.#options.lagMs * rateHz) / 1000);
    this.#batchFrames = Math.max(1, Math.round((this.#options.batchMs * rateHz) / 1000));
    this.#backlogFrames = Math.round((this.#options.maxBacklogMs * rateHz) / 1000);
    this.#scratch = new Int16Array(2 * this.#batchFrames * 4);
  }

  /**
   * The most bytes this recording ever held in memory at once: audio on the timeline not yet written
   * plus bytes queued in the WAV writer. Bounded by the options, not by the call's length.
   */
  get highWaterBytes(): number {
    return this.#highWaterBytes;
  }

  /** Why the recording was abandoned, or null. */
  get failure(): string | null {
    return this.#failure;
  }

  onCallerAudio(chunk: AudioChunk, atMs: number): void {
    if (this.#closing !== null || this.#failure !== null) return;
    const samples = this.#convert(this.#toCaller, chunk);
    this.#timeline.placeCaller(samples, atMs);
    this.#flush(atMs);
  }

  onAgentAudio(itemId: string, chunk: AudioChunk, atMs: number): void {
    if (this.#closing !== null || this.#failure !== null) return;
    const samples = this.#convert(this.#toAgent, chunk);
    this.#timeline.placeAgent(itemId, samples, atMs);
    this.#flush(atMs);
  }

  onAgentAudioCleared(itemId: string, heardMs: number): void {
    if (this.#closing !== null || this.#failure !== null) return;
    // The transport starts a new stream after a clear: so does the converter (no resampler tail).
    this.#toAgent.reset();
    this.#timeline.cutAgent(itemId, heardMs);
  }

  close(atMs: number): Promise<void> {
    this.#closing ??= this.#close(atMs);
    return this.#closing;
  }

  async #close(atMs: number): Promise<void> {
    const { writer, finish, logger } = this.#deps;
    if (this.#failure === null) {
      this.#timeline.endAt(atMs);
      // The file lasts as long as the call (silence to its end), plus caller audio that ran ahead of the clock.
      this.#writeUpTo(Math.max(this.#timeline.endFrame, this.#timeline.frameAt(atMs)));
    }
    let closeError: unknown = null;
    try {
      await writer.close();
    } catch (error) {
      closeError = error;
      logger.error({ err: error, path: writer.path }, 'recording could not be written');
    }
    const durationMs = Math.round(writer.durationMs);
    const bytes = 44 + writer.frames * 4;
    const droppedMs = Math.round((this.#timeline.droppedFrames * 1000) / writer.sampleRateHz);
    if (droppedMs > 0) logger.warn({ droppedMs }, 'recording dropped audio queued too far ahead');
    const reason = this.#failure ?? (closeError === null ? null : 'write_failed');
    await finish(reason === null ? { status: 'ready', durationMs, bytes, droppedMs } : { status: 'failed', durationMs, bytes, reason });
  }

  /** Writes whole batches of final frames (older than the lag), unless the disk is behind. */
  #flush(atMs: number): void {
    const final = this.#timeline.frameAt(atMs) - this.#lagFrames;
    const backlog = final - this.#timeline.renderedFrames;
    this.#noteMemory();
    if (backlog < this.#batchFrames) return;
    if (this.#deps.writer.queuedBytes > this.#options.maxQueuedBytes) {
      if (backlog > this.#backlogFrames) this.#abandon('disk_too_slow');
      return;
    }
    this.#writeUpTo(final);
    this.#noteMemory();
  }

  #writeUpTo(endFrame: number): void {
    const maxFrames = this.#scratch.length / 2;
    for (let left = endFrame - this.#timeline.renderedFrames; left > 0; left -= maxFrames) {
      this.#deps.writer.write(this.#timeline.render(Math.min(left, maxFrames), this.#scratch));
    }
  }

  #abandon(reason: string): void {
    this.#failure = reason;
    this.#deps.logger.error({ reason, path: this.#deps.writer.path }, 'recording abandoned');
    // Release what the timeline holds: nothing more will be written.
    this.#timeline.discard();
  }

  #noteMemory(): void {
    const bytes = this.#timeline.heldSamples * 2 + this.#deps.writer.queuedBytes;
    if (bytes > this.#highWaterBytes) this.#highWaterBytes = bytes;
  }

  /** The chunk as PCM16 at the recording's rate, in an array the timeline may keep. */
  #convert(converter: AudioConverter, chunk: AudioChunk): Int16Array {
    if (converter.isIdentity) {
      // PCM16 at the recording's rate: copy (the bytes are the transport's); an odd stray byte is dropped.
      const data = chunk.data.subarray(0, chunk.data.length & ~1);
      return pcm16BytesToSamples(data, new Int16Array(data.length / 2));
    }
    const bytes = converter.convert(chunk.data);
    // A converter that resamples or decodes returns fresh memory: a view of it is ours to keep.
    return pcm16BytesToSamples(bytes.byteOffset % 2 === 0 ? bytes : bytes.slice());
  }
}
