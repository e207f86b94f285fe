/**
 * Test tools for the speech analyser: the ground-truth files made by scripts/make-analysis-fixtures.ts,
 * a synthetic voice with a known F0, and the analyser run over a whole signal.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSpeechAnalyser } from '../analysis/speech-analyser.ts';
import type { SpeechAnalyserOptions, SpeechReport } from '../analysis/types.ts';
import { decodeWav } from '../audio/wav.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'analysis', 'fixtures');

export interface RateFixture {
  readonly file: string;
  readonly language: 'en' | 'fr';
  readonly voice: string;
  readonly wpmSetting: number;
  readonly noiseDbfs: number | null;
  readonly words: number;
  /** Syllables of the text, counted by hand. */
  readonly syllables: number;
  readonly durationMs: number;
  readonly speechMs: number;
  readonly pauses: readonly { readonly startMs: number; readonly endMs: number }[];
}

export interface PitchFixture {
  readonly file: string;
  readonly voice: string;
  readonly pitchSetting: number;
  /** F0 of a sustained vowel at the same voice and setting (harmonic contrast, frequency domain). */
  readonly expectedF0Hz: number;
  /** The same measurement on the sentence's steady windows. */
  readonly sentenceHarmonicF0Hz: number;
}

export interface AnalysisManifest {
  readonly sampleRateHz: number;
  readonly rate: readonly RateFixture[];
  readonly pitch: readonly PitchFixture[];
}

export function loadManifest(): AnalysisManifest {
  return JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as AnalysisManifest;
}

export function loadFixtureSamples(file: string): Int16Array {
  return decodeWav(new Uint8Array(readFileSync(join(FIXTURES, file)))).samples;
}

export function loadFixtureJson(file: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
}

/** Runs a fresh analyser over `samples`, pushed in chunks of `chunk` samples (uneven on purpose). */
export function analyse(samples: Int16Array, options: SpeechAnalyserOptions, chunk = 331): SpeechReport {
  const analyser = createSpeechAnalyser(options);
  for (let i = 0; i < samples.length; i += chunk) analyser.push(samples.subarray(i, i + chunk));
  return analyser.report();
}

export interface SyntheticVoiceOptions {
  readonly sampleRateHz: number;
  /** F0 at the start and end of each voiced burst (a linear glide; equal for a steady pitch). */
  readonly f0StartHz: number;
  readonly f0EndHz?: number;
  readonly bursts?: number;
  readonly burstMs?: number;
  readonly gapMs?: number;
  /** White noise RMS in dBFS over the whole signal, or none. */
  readonly noiseDbfs?: number;
  readonly seed?: number;
}

/**
 * Glottal-pulse-like voice: Rosenberg pulses (open phase 40 %, closing 16 % of the period), their
 * derivative through two formant resonators (700 and 1220 Hz, an /a/), in bursts with raised-cosine
 * edges and silent gaps, peak about −10 dBFS. Returns the samples and the F0 of every voiced sample
 * (for the expected median).
 */
export function syntheticVoice(options: SyntheticVoiceOptions): { samples: Int16Array; medianF0Hz: number } {
  const rate = options.sampleRateHz;
  const bursts = options.bursts ?? 6;
  const burstSamples = Math.round(((options.burstMs ?? 400) * rate) / 1000);
  const gapSamples = Math.round(((options.gapMs ?? 200) * rate) / 1000);
  const total = gapSamples + bursts * (burstSamples + gapSamples);
  const source = new Float64Array(total);
  const f0s: number[] = [];
  for (let b = 0; b < bursts; b++) {
    const start = gapSamples + b * (burstSamples + gapSamples);
    let phase = 0;
    let previous = 0;
    for (let n = 0; n < burstSamples; n++) {
      const progress = n / burstSamples;
      const f0 = options.f0StartHz + ((options.f0EndHz ?? options.f0StartHz) - options.f0StartHz) * progress;
      f0s.push(f0);
      phase += f0 / rate;
      phase -= Math.floor(phase);
      const open = 0.4;
      const close = 0.16;
      const pulse =
        phase < open ? 0.5 * (1 - Math.cos((Math.PI * phase) / open)) : phase < open + close ? Math.cos((Math.PI * (phase - open)) / (2 * close)) : 0;
      const edge = Math.min(1, n / (0.05 * rate), (burstSamples - n) / (0.05 * rate));
      const envelope = 0.5 - 0.5 * Math.cos(Math.PI * Math.max(0, Math.min(1, edge)));
      source[start + n] = (pulse - previous) * envelope;
      previous = pulse;
    }
  }
  let signal = source;
  for (const [centre, bandwidth] of [[700, 130], [1220, 70]] as const) {
    const r = Math.exp((-Math.PI * bandwidth) / rate);
    const a1 = 2 * r * Math.cos((2 * Math.PI * centre) / rate);
    const a2 = -r * r;
    const out = new Float64Array(total);
    for (let n = 0; n < total; n++) out[n] = (signal[n] ?? 0) + a1 * (out[n - 1] ?? 0) + a2 * (out[n - 2] ?? 0);
    signal = out;
  }
  let max = 0;
  for (const value of signal) max = Math.max(max, Math.abs(value));
  const gain = (0.316 * 32767) / (max || 1);
  let seed = options.seed ?? 7;
  const random = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return (seed + 0.5) / 4294967296;
  };
  const sigma = options.noiseDbfs === undefined ? 0 : 32768 * 10 ** (options.noiseDbfs / 20);
  const samples = new Int16Array(total);
  for (let n = 0; n < total; n++) {
    const noise = sigma === 0 ? 0 : Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random()) * sigma;
    samples[n] = Math.max(-32768, Math.min(32767, Math.round((signal[n] ?? 0) * gain + noise)));
  }
  f0s.sort((a, b) => a - b);
  return { samples, medianF0Hz: f0s[Math.floor(f0s.length / 2)] ?? 0 };
}
