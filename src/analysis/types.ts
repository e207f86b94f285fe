/**
 * Public types of the speech analyser (`createSpeechAnalyser`, see docs/speech-analysis.md).
 *
 * Units are in the names: `Ms` integer-ish milliseconds from the start of the analysed stream, `Hz`,
 * `Dbfs` (dB relative to full scale 32768; silence is reported as {@link SILENCE_DBFS}, never −Infinity,
 * so every value survives JSON), `Db` a level difference. A value that cannot be known yet (no voiced
 * frame, no transcript) is `null`, never a made-up number.
 */

/** Languages with filler lists, syllable-per-word constants and pitch expectations. */
export type AnalysisLanguage = 'en' | 'fr';

/** The level reported for digital silence (and the floor of every dBFS value). */
export const SILENCE_DBFS = -100;

/** Options of {@link SpeechAnalyser}. Everything but the rate has a documented default. */
export interface SpeechAnalyserOptions {
  /** Sample rate of the pushed PCM16 mono samples, 8000–96000 Hz. */
  readonly sampleRateHz: number;
  /** Language of the speech and transcript (default `'en'`). */
  readonly language?: AnalysisLanguage;
  /** Analysis frame, 20–32 ms (default 20). */
  readonly frameMs?: number;
  /** Rolling window of {@link SpeechAnalyser.window}, 1000–3000 ms (default 2000). */
  readonly windowMs?: number;
  /** Shortest silence counted as a pause, 150–1000 ms (default 250). */
  readonly minPauseMs?: number;
  /** A pause at least this long is a long pause (default per language: en 2500, fr 2000, AURA's values). */
  readonly longPauseMs?: number;
}

/** One word of a transcript, with its timing on the analysed stream's clock when the recogniser gives it. */
export interface TimedWord {
  readonly text: string;
  readonly startMs?: number;
  readonly endMs?: number;
}

/** Level of the signal. */
export interface LevelMetrics {
  /** Root-mean-square level, dBFS (over the frames considered). */
  readonly rmsDbfs: number;
  /** Largest absolute sample, dBFS. */
  readonly peakDbfs: number;
  /** Share of samples at or beyond ±32767 (0–1): clipping, not a level. */
  readonly clippingRatio: number;
}

/** Background noise and how far speech stands above it. */
export interface NoiseMetrics {
  /** Adaptive noise floor (frame RMS level the VAD compares against), dBFS. */
  readonly noiseFloorDbfs: number;
  /** Mean RMS level of speech frames minus the noise floor, dB; `null` before any speech. */
  readonly snrDb: number | null;
}

/** Voice activity (energy VAD over the adaptive noise floor, with hangover). */
export interface VoiceActivityMetrics {
  /** Speaking time over analysed time (0–1). */
  readonly ratio: number;
  readonly speakingMs: number;
  readonly analysedMs: number;
  /** Whether the most recent frame is speech. */
  readonly speakingNow: boolean;
}

/** Fundamental frequency of voiced speech frames (YIN, 60–400 Hz). */
export interface PitchMetrics {
  /** Frames (of `frameMs`) with a pitch. */
  readonly voicedFrames: number;
  readonly medianHz: number | null;
  readonly meanHz: number | null;
  readonly minHz: number | null;
  readonly maxHz: number | null;
  /** Standard deviation of F0 in semitones (12·log2 of Hz ratios); `null` before 2 voiced frames. */
  readonly variabilitySemitones: number | null;
  /** Variability below the language's monotone threshold; `null` while there is too little voiced speech. */
  readonly monotone: boolean | null;
}

/** One silence between speech of at least `minPauseMs`. */
export interface Pause {
  readonly startMs: number;
  readonly endMs: number;
  readonly durationMs: number;
  readonly long: boolean;
}

/** Silences between speech (leading and trailing silence are not pauses). */
export interface PauseMetrics {
  readonly count: number;
  readonly totalMs: number;
  /** `null` without pauses. */
  readonly meanMs: number | null;
  readonly longestMs: number;
  readonly longCount: number;
  /** Pauses per minute of talk span (first speech to last speech); `null` before any speech. */
  readonly perMinute: number | null;
  readonly minPauseMs: number;
  readonly longPauseMs: number;
  /** The pauses, oldest first; the report keeps the most recent 1000 (counts and totals cover all). */
  readonly pauses: readonly Pause[];
}

/** Where `RateMetrics.wordsPerMinute` comes from. */
export type WordsPerMinuteSource = 'transcript-timing' | 'transcript-count' | 'syllables';

/**
 * Speaking rate. The time base is speaking time: the talk span without its pauses (silences of at
 * least `minPauseMs`), i.e. articulation rate, so pauses do not count as slow speech (they are
 * reported on their own).
 */
export interface RateMetrics {
  /** Syllable nuclei found (prominent, voiced peaks of the low-passed energy envelope). */
  readonly syllableCount: number;
  /** Syllable nuclei per second of speaking time; `null` before any speech. */
  readonly syllablesPerSecond: number | null;
  /** Words per minute from the syllable rate and the language's syllables per word; `null` before speech. */
  readonly estimatedWordsPerMinute: number | null;
  /** Words per minute from transcript words (with timing when given); `null` without a transcript. */
  readonly transcriptWordsPerMinute: number | null;
  /** The best available: the transcript's when there is one, else the estimate. */
  readonly wordsPerMinute: number | null;
  readonly wordsPerMinuteSource: WordsPerMinuteSource | null;
  /** Transcript words received. */
  readonly wordCount: number;
}

/** Filler words found in the transcript. */
export interface FillerMetrics {
  readonly count: number;
  /** Fillers per minute of speaking time; `null` before any speech and transcript. */
  readonly perMinute: number | null;
  /** Share of transcript words that are fillers (0–1); `null` without words. */
  readonly ratio: number | null;
  /** Count per canonical filler (`"um"`, `"you know"`, `"euh"`, `"du coup"` …). */
  readonly byWord: Readonly<Record<string, number>>;
}

/** The rolling window: the last `windowMs` of audio. */
export interface SpeechWindowMetrics {
  /** Start and end of the window on the stream clock (end = audio analysed so far). */
  readonly startMs: number;
  readonly endMs: number;
  readonly level: LevelMetrics;
  readonly noise: NoiseMetrics;
  readonly voiceActivity: VoiceActivityMetrics;
  readonly pitch: PitchMetrics;
  /** Syllable nuclei per second of speech in the window; `null` when the window has under 250 ms of speech. */
  readonly syllablesPerSecond: number | null;
}

/** Everything measured on the stream so far. */
export interface SpeechReport {
  readonly language: AnalysisLanguage;
  readonly sampleRateHz: number;
  readonly frameMs: number;
  readonly analysedMs: number;
  readonly level: LevelMetrics;
  readonly noise: NoiseMetrics;
  readonly voiceActivity: VoiceActivityMetrics;
  readonly pitch: PitchMetrics;
  readonly pauses: PauseMetrics;
  readonly rate: RateMetrics;
  readonly fillers: FillerMetrics;
}

/** A stretch of speech found by the VAD. */
export interface SpeechSegment {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * A streaming speech analyser for one speaker. Pure computation: no I/O, no timers; memory stays
 * bounded however long the stream. `push` is allocation-light (preallocated buffers).
 */
export interface SpeechAnalyser {
  readonly options: Readonly<Required<SpeechAnalyserOptions>>;
  /** PCM16 mono samples at `sampleRateHz`, any length (a partial frame is carried to the next push). */
  push(samples: Int16Array): void;
  /**
   * Transcript of one utterance (a turn or a final recogniser segment): a string, or words with their
   * timing. Filler context rules look within one call, never across calls.
   */
  addWords(words: readonly TimedWord[] | string): void;
  /** Metrics over the last `windowMs`. */
  window(): SpeechWindowMetrics;
  /** Metrics over everything pushed so far. */
  report(): SpeechReport;
  /** Speech segments found so far (the most recent 1000), for conversation metrics. */
  segments(): readonly SpeechSegment[];
}

/** Which side of a call. */
export type ConversationSide = 'caller' | 'agent';

/** One side's stretch of speech on the call clock. */
export interface ConversationTurn {
  readonly side: ConversationSide;
  readonly startMs: number;
  readonly endMs: number;
}

/** Per-side conversation metrics. */
export interface ConversationSideMetrics {
  readonly talkMs: number;
  /** This side's talk time over both sides' talk time (0–1); `null` when nobody spoke. */
  readonly talkRatio: number | null;
  /** Times this side started speaking while the other was speaking (and overlapped it by at least `minOverlapMs`). */
  readonly interruptions: number;
}

/** Talk ratio, interruptions and overlap of a two-party call. */
export interface ConversationMetrics {
  readonly caller: ConversationSideMetrics;
  readonly agent: ConversationSideMetrics;
  /** Time both sides spoke at once. */
  readonly overlapMs: number;
  /** Time neither spoke between the first and last speech. */
  readonly silenceMs: number;
}
