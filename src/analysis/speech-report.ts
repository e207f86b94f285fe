/** Builds the analyser's report and rolling-window metrics from its running state. */

import type { FrameWindow } from './frame-window.ts';
import { languageProfile } from './language-profiles.ts';
import { summarisePitch, type PitchStatistics } from './pitch-statistics.ts';
import type { SyllableNuclei } from './syllable-nuclei.ts';
import type { TranscriptRate } from './transcript-rate.ts';
import {
  SILENCE_DBFS,
  type LevelMetrics,
  type PitchMetrics,
  type RateMetrics,
  type SpeechAnalyserOptions,
  type SpeechReport,
  type SpeechWindowMetrics,
} from './types.ts';
import type { VoiceActivity } from './voice-activity.ts';

const FULL_SCALE = 32768;
/** Pitch statistics need this much voiced speech before `monotone` is decided. */
const MIN_VOICED_MS_FOR_MONOTONE = 1000;
const MIN_WINDOW_SPEECH_MS = 250;

/** What the analyser accumulates (mutable, owned by the analyser). */
export interface AnalyserState {
  readonly options: Readonly<Required<SpeechAnalyserOptions>>;
  readonly vad: VoiceActivity;
  readonly pitch: PitchStatistics;
  readonly nuclei: SyllableNuclei;
  readonly window: FrameWindow;
  readonly transcript: TranscriptRate;
  sumSquares: number;
  samples: number;
  peak: number;
  clipped: number;
  speechSumSquares: number;
  speechSamples: number;
  readonly fillers: Map<string, number>;
  fillerCount: number;
}

function dbfs(meanSquare: number): number {
  return meanSquare > 0 ? Math.max(SILENCE_DBFS, 10 * Math.log10(meanSquare / (FULL_SCALE * FULL_SCALE))) : SILENCE_DBFS;
}

function level(sumSquares: number, samples: number, peak: number, clipped: number): LevelMetrics {
  return {
    rmsDbfs: samples > 0 ? dbfs(sumSquares / samples) : SILENCE_DBFS,
    peakDbfs: peak > 0 ? Math.max(SILENCE_DBFS, 20 * Math.log10(peak / FULL_SCALE)) : SILENCE_DBFS,
    clippingRatio: samples > 0 ? clipped / samples : 0,
  };
}

function snr(speechSumSquares: number, speechSamples: number, floorDbfs: number): number | null {
  return speechSamples > 0 ? dbfs(speechSumSquares / speechSamples) - floorDbfs : null;
}

function monotone(variability: number | null, voicedFrames: number, state: AnalyserState): boolean | null {
  if (variability === null || voicedFrames * state.window.frameMs < MIN_VOICED_MS_FOR_MONOTONE) return null;
  return variability < languageProfile(state.options.language).monotoneSemitones;
}

function rate(state: AnalyserState, speakingMs: number): RateMetrics {
  const syllableCount = state.nuclei.count;
  const syllablesPerSecond = speakingMs > 0 ? syllableCount / (speakingMs / 1000) : null;
  const estimatedWordsPerMinute =
    syllablesPerSecond === null ? null : (syllablesPerSecond * 60) / languageProfile(state.options.language).nucleiPerWord;
  const transcript = state.transcript;
  let transcriptWordsPerMinute: number | null = null;
  let source: RateMetrics['wordsPerMinuteSource'] = estimatedWordsPerMinute === null ? null : 'syllables';
  if (transcript.words > 0 && transcript.allTimed && transcript.timedSpeakingMs > 0) {
    transcriptWordsPerMinute = transcript.words / (transcript.timedSpeakingMs / 60_000);
    source = 'transcript-timing';
  } else if (transcript.words > 0 && speakingMs > 0) {
    transcriptWordsPerMinute = transcript.words / (speakingMs / 60_000);
    source = 'transcript-count';
  }
  return {
    syllableCount,
    syllablesPerSecond,
    estimatedWordsPerMinute,
    transcriptWordsPerMinute,
    wordsPerMinute: transcriptWordsPerMinute ?? estimatedWordsPerMinute,
    wordsPerMinuteSource: source,
    wordCount: transcript.words,
  };
}

export function buildReport(state: AnalyserState): SpeechReport {
  const { vad, pitch, options } = state;
  const speakingMs = vad.speakingMs;
  const analysedMs = vad.analysedMs;
  const variability = pitch.variabilitySemitones();
  const pitchMetrics: PitchMetrics = {
    voicedFrames: pitch.count,
    medianHz: pitch.medianHz(),
    meanHz: pitch.meanHz(),
    minHz: pitch.minHz(),
    maxHz: pitch.maxHz(),
    variabilitySemitones: variability,
    monotone: monotone(variability, pitch.count, state),
  };
  const pauses = vad.pauses();
  const talkSpanMs = vad.talkSpanMs;
  const words = state.transcript.words;
  return {
    language: options.language,
    sampleRateHz: options.sampleRateHz,
    frameMs: options.frameMs,
    analysedMs,
    level: level(state.sumSquares, state.samples, state.peak, state.clipped),
    noise: { noiseFloorDbfs: vad.noiseFloorDbfs, snrDb: snr(state.speechSumSquares, state.speechSamples, vad.noiseFloorDbfs) },
    voiceActivity: { ratio: analysedMs > 0 ? speakingMs / analysedMs : 0, speakingMs, analysedMs, speakingNow: vad.speakingNow },
    pitch: pitchMetrics,
    pauses: {
      count: pauses.count,
      totalMs: pauses.totalMs,
      meanMs: pauses.count > 0 ? pauses.totalMs / pauses.count : null,
      longestMs: pauses.longestMs,
      longCount: pauses.longCount,
      perMinute: talkSpanMs > 0 ? pauses.count / (talkSpanMs / 60_000) : null,
      minPauseMs: options.minPauseMs,
      longPauseMs: options.longPauseMs,
      pauses: pauses.list,
    },
    rate: rate(state, speakingMs),
    fillers: {
      count: state.fillerCount,
      perMinute: speakingMs > 0 && words > 0 ? state.fillerCount / (speakingMs / 60_000) : null,
      ratio: words > 0 ? state.fillerCount / words : null,
      byWord: Object.fromEntries(state.fillers),
    },
  };
}

/** Scratch for the window's pitch values (sized on first use, reused). */
const scratchByState = new WeakMap<AnalyserState, Float64Array>();

export function buildWindow(state: AnalyserState): SpeechWindowMetrics {
  const { window: ring, vad } = state;
  const held = ring.held;
  let scratch = scratchByState.get(state);
  if (!scratch) {
    scratch = new Float64Array(ring.size);
    scratchByState.set(state, scratch);
  }
  let sumSquares = 0;
  let samples = 0;
  let peak = 0;
  let clipped = 0;
  let speechFrames = 0;
  let speechSumSquares = 0;
  let speechSamples = 0;
  let voiced = 0;
  let nuclei = 0;
  for (let k = 0; k < held; k++) {
    const slot = (ring.frames - 1 - k) % ring.size;
    sumSquares += ring.sumSquares[slot] as number;
    samples += ring.samples[slot] as number;
    peak = Math.max(peak, ring.peak[slot] as number);
    clipped += ring.clipped[slot] as number;
    nuclei += ring.nuclei[slot] as number;
    if (ring.speech[slot] === 1) {
      speechFrames++;
      speechSumSquares += ring.sumSquares[slot] as number;
      speechSamples += ring.samples[slot] as number;
    }
    const f0 = ring.f0[slot] as number;
    if (f0 > 0) scratch[voiced++] = f0;
  }
  const summary = summarisePitch(scratch, voiced);
  const speakingMs = Math.round(speechFrames * ring.frameMs);
  const analysedMs = Math.round(held * ring.frameMs);
  const endMs = Math.round(ring.frames * ring.frameMs);
  return {
    startMs: endMs - analysedMs,
    endMs,
    level: level(sumSquares, samples, peak, clipped),
    noise: { noiseFloorDbfs: vad.noiseFloorDbfs, snrDb: snr(speechSumSquares, speechSamples, vad.noiseFloorDbfs) },
    voiceActivity: { ratio: analysedMs > 0 ? speakingMs / analysedMs : 0, speakingMs, analysedMs, speakingNow: vad.speakingNow },
    pitch: { voicedFrames: voiced, ...summary, monotone: monotone(summary.variabilitySemitones, voiced, state) },
    syllablesPerSecond: speakingMs >= MIN_WINDOW_SPEECH_MS ? nuclei / (speakingMs / 1000) : null,
  };
}
