/**
 * The streaming speech analyser (docs/speech-analysis.md). Per frame of `frameMs`: level, voice
 * activity, pitch (on speech frames only), two envelope hops for syllable nuclei, and a slot in the
 * rolling window. Everything is preallocated at construction; `push` allocates nothing per frame.
 */

import { FrameWindow } from './frame-window.ts';
import { languageProfile } from './language-profiles.ts';
import { LowPassDecimator } from './low-pass-decimator.ts';
import { PitchStatistics } from './pitch-statistics.ts';
import { buildReport, buildWindow, type AnalyserState } from './speech-report.ts';
import { SyllableNuclei } from './syllable-nuclei.ts';
import { TranscriptRate } from './transcript-rate.ts';
import { detectFillers } from './fillers.ts';
import type { SpeechAnalyser, SpeechAnalyserOptions, SpeechReport, SpeechSegment, SpeechWindowMetrics, TimedWord } from './types.ts';
import { VoiceActivity } from './voice-activity.ts';
import { YinPitch } from './yin-pitch.ts';

const FULL_SCALE_SQUARED = 32768 * 32768;
const CLIP_LEVEL = 32767;

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be between ${min} and ${max} (got ${value})`);
  }
}

function resolveOptions(options: SpeechAnalyserOptions): Required<SpeechAnalyserOptions> {
  const language = options.language ?? 'en';
  const resolved = {
    sampleRateHz: options.sampleRateHz,
    language,
    frameMs: options.frameMs ?? 20,
    windowMs: options.windowMs ?? 2000,
    minPauseMs: options.minPauseMs ?? 250,
    longPauseMs: options.longPauseMs ?? languageProfile(language).longPauseMs,
  };
  if (!Number.isInteger(resolved.sampleRateHz)) throw new RangeError('sampleRateHz must be an integer');
  checkRange('sampleRateHz', resolved.sampleRateHz, 8000, 96000);
  checkRange('frameMs', resolved.frameMs, 20, 32);
  checkRange('windowMs', resolved.windowMs, 1000, 3000);
  checkRange('minPauseMs', resolved.minPauseMs, 150, 1000);
  checkRange('longPauseMs', resolved.longPauseMs, resolved.minPauseMs, 60_000);
  return resolved;
}

/** Creates an analyser for one speaker's PCM16 mono stream. Throws RangeError on invalid options. */
export function createSpeechAnalyser(options: SpeechAnalyserOptions): SpeechAnalyser {
  return new StreamingSpeechAnalyser(resolveOptions(options));
}

class StreamingSpeechAnalyser implements SpeechAnalyser {
  readonly options: Readonly<Required<SpeechAnalyserOptions>>;
  readonly #frameSamples: number;
  readonly #carry: Int16Array;
  #carryLength = 0;
  readonly #decimator: LowPassDecimator;
  readonly #decimated: Float32Array;
  readonly #yin: YinPitch;
  readonly #vad: VoiceActivity;
  readonly #nuclei: SyllableNuclei;
  readonly #pitch = new PitchStatistics();
  readonly #window: FrameWindow;
  readonly #transcript: TranscriptRate;
  readonly #state: AnalyserState;

  constructor(options: Required<SpeechAnalyserOptions>) {
    this.options = Object.freeze(options);
    // A frame is a whole number of samples; at rates like 11025 Hz it is a fraction of a millisecond
    // off `frameMs`, and every time below is computed from its exact duration.
    this.#frameSamples = Math.round((options.frameMs * options.sampleRateHz) / 1000);
    const exactFrameMs = (this.#frameSamples * 1000) / options.sampleRateHz;
    this.#carry = new Int16Array(this.#frameSamples);
    this.#decimator = new LowPassDecimator(options.sampleRateHz);
    this.#decimated = new Float32Array(this.#decimator.maxOutputLength(this.#frameSamples) + 1);
    this.#yin = new YinPitch(this.#decimator.outputRateHz);
    this.#vad = new VoiceActivity({ ...options, frameMs: exactFrameMs });
    this.#nuclei = new SyllableNuclei(exactFrameMs / 2, 2);
    this.#window = new FrameWindow(Math.round(options.windowMs / exactFrameMs), exactFrameMs);
    this.#nuclei.onNucleus = (frame) => {
      this.#window.addNucleus(frame);
    };
    this.#transcript = new TranscriptRate(options.minPauseMs);
    this.#state = {
      options: this.options,
      vad: this.#vad,
      pitch: this.#pitch,
      nuclei: this.#nuclei,
      window: this.#window,
      transcript: this.#transcript,
      sumSquares: 0,
      samples: 0,
      peak: 0,
      clipped: 0,
      speechSumSquares: 0,
      speechSamples: 0,
      fillers: new Map(),
      fillerCount: 0,
    };
  }

  push(samples: Int16Array): void {
    let offset = 0;
    const size = this.#frameSamples;
    if (this.#carryLength > 0) {
      const take = Math.min(size - this.#carryLength, samples.length);
      this.#carry.set(samples.subarray(0, take), this.#carryLength);
      this.#carryLength += take;
      offset = take;
      if (this.#carryLength < size) return;
      this.#frame(this.#carry, 0);
      this.#carryLength = 0;
    }
    for (; offset + size <= samples.length; offset += size) this.#frame(samples, offset);
    if (offset < samples.length) {
      this.#carry.set(samples.subarray(offset));
      this.#carryLength = samples.length - offset;
    }
  }

  #frame(input: Int16Array, start: number): void {
    const end = start + this.#frameSamples;
    const middle = start + (this.#frameSamples >> 1);
    let firstHalf = 0;
    let sumSquares = 0;
    let peak = 0;
    let clipped = 0;
    for (let i = start; i < end; i++) {
      if (i === middle) firstHalf = sumSquares;
      const s = input[i] as number;
      sumSquares += s * s;
      const magnitude = s < 0 ? -s : s;
      if (magnitude > peak) peak = magnitude;
      if (magnitude >= CLIP_LEVEL) clipped++;
    }
    const n = this.#frameSamples;
    const frameIndex = this.#window.frames;
    const speech = this.#vad.update(
      dbfs(sumSquares / n),
      dbfs(firstHalf / (middle - start)),
      dbfs((sumSquares - firstHalf) / (end - middle)),
    );

    const decimatedLength = this.#decimator.process(input, start, end, this.#decimated);
    this.#yin.append(this.#decimated, decimatedLength);
    const f0 = speech ? this.#yin.estimate() : 0;
    if (f0 > 0) this.#pitch.add(f0);

    this.#nuclei.markFrame(frameIndex, speech, f0 > 0);
    const half = decimatedLength >> 1;
    this.#nuclei.update(hopLevelDb(this.#decimated, 0, half));
    this.#nuclei.update(hopLevelDb(this.#decimated, half, decimatedLength));

    const state = this.#state;
    state.sumSquares += sumSquares;
    state.samples += n;
    if (peak > state.peak) state.peak = peak;
    state.clipped += clipped;
    if (speech) {
      state.speechSumSquares += sumSquares;
      state.speechSamples += n;
    }
    this.#window.record(sumSquares, n, peak, clipped, speech, f0);
  }

  addWords(words: readonly TimedWord[] | string): void {
    const list: readonly TimedWord[] = typeof words === 'string' ? [] : words;
    const text = typeof words === 'string' ? words : words.map((word) => word.text).join(' ');
    const { words: tokenCount, fillers } = detectFillers(text, this.options.language);
    if (typeof words === 'string') {
      for (let i = 0; i < tokenCount; i++) this.#transcript.add({ text: '' });
    } else {
      for (const word of list) if (/[\p{L}\p{N}]/u.test(word.text)) this.#transcript.add(word);
    }
    const state = this.#state;
    for (const match of fillers) {
      state.fillers.set(match.filler, (state.fillers.get(match.filler) ?? 0) + 1);
      state.fillerCount++;
    }
  }

  window(): SpeechWindowMetrics {
    return buildWindow(this.#state);
  }

  report(): SpeechReport {
    return buildReport(this.#state);
  }

  segments(): readonly SpeechSegment[] {
    return this.#vad.segments();
  }
}

/** Level in dB (re full scale) of `samples[start, end)` of the low-passed signal. */
function hopLevelDb(samples: Float32Array, start: number, end: number): number {
  if (end <= start) return -100;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const s = samples[i] as number;
    sum += s * s;
  }
  const meanSquare = sum / (end - start);
  return meanSquare > 0 ? Math.max(-100, 10 * Math.log10(meanSquare / FULL_SCALE_SQUARED)) : -100;
}

/** A mean square of sample units in dBFS (−Infinity for silence: the VAD floors it). */
function dbfs(meanSquare: number): number {
  return meanSquare > 0 ? 10 * Math.log10(meanSquare / FULL_SCALE_SQUARED) : -Infinity;
}
