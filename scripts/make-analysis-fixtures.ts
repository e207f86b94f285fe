/**
 * Makes the speech analyser's ground truth in src/analysis/fixtures/ (docs/speech-analysis.md, "Ground
 * truth"). Needs espeak-ng and sox (Debian packages). Run: `npx tsx scripts/make-analysis-fixtures.ts`.
 *
 * 1. Rate and pause files (`speech-<lang>-<wpm>.wav`, 16 kHz mono PCM16): sentences synthesised one by
 *    one by espeak-ng at `-s <wpm>`, each trimmed of its leading and trailing silence (first and last
 *    sample at or above PEAK_TRIM, about −54 dBFS), joined by inserted silences of known length. Some
 *    files get white noise over their whole length (pauses are then noise, not digital silence). The
 *    manifest records for each file its words (whitespace-separated tokens of the text), the speech
 *    time (file length minus inserted pauses) and each inserted pause (start and end in ms).
 * 2. Pitch files (`pitch-<voice>-p<setting>.wav`): a sentence at espeak-ng pitch `-p <setting>`, spoken
 *    with SSML `<prosody range="x-low">` so the intonation stays near the voice's base pitch. The
 *    expected F0 is measured independently: the same voice and setting sustain a vowel, and a harmonic
 *    contrast over 128 ms DFT windows (frequency domain; nothing shared with the analyser's time-domain
 *    YIN) gives its median F0.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav } from '../src/audio/wav.ts';

const RATE_HZ = 16000;
const PEAK_TRIM = 64;
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'analysis', 'fixtures');

/** Evaluation sentences (the syllables-per-word constant is calibrated on other texts, see calibrate-syllable-rate.ts). */
export const EVALUATION_TEXTS = {
  en: [
    ['our team shipped the new billing page last week', 10],
    ['most customers asked for a simpler way to pay', 12],
    ['we tested every change with a small group first', 11],
    ['the numbers show that people finish much faster now', 13],
    ['next month we will focus on the mobile app', 11],
    ['please send me your questions before the meeting', 11],
    ['i think the hardest part was moving the old data', 13],
    ['thank you all for the help and the patience', 10],
    ['the weather was cold but the station stayed open', 12],
    ['she bought fresh bread and cheese at the market', 10],
    ['a good talk tells one story and tells it well', 11],
    ['every slide should carry a single clear idea', 13],
  ],
  fr: [
    ['notre équipe a livré la nouvelle page la semaine dernière', 15],
    ['les clients voulaient une façon plus simple de payer', 13],
    ['nous avons testé chaque changement avec un petit groupe', 14],
    ['les chiffres montrent que les gens vont beaucoup plus vite', 11],
    ['le mois prochain nous travaillerons sur l application mobile', 16],
    ['envoyez moi vos questions avant la réunion de jeudi', 16],
    ['le plus difficile était de déplacer les anciennes données', 16],
    ['merci à tous pour votre aide et votre patience', 11],
    ['il faisait froid mais la gare est restée ouverte', 12],
    ['elle a acheté du pain frais au marché ce matin', 14],
  ],
} as const;

interface RateFile {
  readonly file: string;
  readonly language: 'en' | 'fr';
  readonly voice: string;
  readonly wpmSetting: number;
  readonly noiseDbfs: number | null;
  readonly words: number;
  readonly syllables: number;
  readonly durationMs: number;
  readonly speechMs: number;
  readonly pauses: readonly { readonly startMs: number; readonly endMs: number }[];
}

const RATE_PLAN: readonly { language: 'en' | 'fr'; voice: string; wpm: number; noiseDbfs: number | null; pauses: number[] }[] = [
  { language: 'en', voice: 'en-us', wpm: 120, noiseDbfs: null, pauses: [300, 1200, 2600] },
  { language: 'en', voice: 'en-us', wpm: 150, noiseDbfs: -55, pauses: [800, 400, 2000] },
  { language: 'en', voice: 'en-us', wpm: 180, noiseDbfs: -50, pauses: [450, 3000, 650] },
  { language: 'en', voice: 'en-us', wpm: 220, noiseDbfs: null, pauses: [1500, 350, 900] },
  { language: 'fr', voice: 'fr', wpm: 120, noiseDbfs: null, pauses: [400, 2200, 700] },
  { language: 'fr', voice: 'fr', wpm: 170, noiseDbfs: -50, pauses: [1100, 300, 2400] },
  { language: 'fr', voice: 'fr', wpm: 220, noiseDbfs: null, pauses: [500, 850, 1600] },
];

const PITCH_PLAN: readonly { voice: string; setting: number; text: string }[] = [
  { voice: 'en-us', setting: 20, text: 'today i want to talk about the way we build our tools' },
  { voice: 'en-us', setting: 50, text: 'today i want to talk about the way we build our tools' },
  { voice: 'en-us', setting: 80, text: 'today i want to talk about the way we build our tools' },
  { voice: 'en-us+f3', setting: 50, text: 'the results were better than anyone expected' },
  { voice: 'fr', setting: 30, text: 'aujourd hui je voudrais vous parler de notre projet' },
  { voice: 'fr', setting: 70, text: 'aujourd hui je voudrais vous parler de notre projet' },
];

export function synthesise(tmp: string, voice: string, args: readonly string[], text: string): Int16Array {
  const wav = join(tmp, 'espeak.wav');
  const raw = join(tmp, 'speech.raw');
  execFileSync('espeak-ng', ['-v', voice, ...args, '-w', wav, text]);
  execFileSync('sox', [wav, '-r', String(RATE_HZ), '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', raw]);
  const bytes = readFileSync(raw);
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

export function trim(samples: Int16Array): Int16Array {
  let start = 0;
  while (start < samples.length && Math.abs(samples[start] ?? 0) < PEAK_TRIM) start++;
  let end = samples.length;
  while (end > start && Math.abs(samples[end - 1] ?? 0) < PEAK_TRIM) end--;
  return samples.slice(start, end);
}

/** Deterministic Gaussian white noise (xorshift + Box–Muller) at `dbfs` RMS, added in place. */
function addNoise(samples: Int16Array, dbfs: number, seed: number): void {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
  const sigma = 32768 * 10 ** (dbfs / 20);
  for (let i = 0; i < samples.length; i++) {
    const gaussian = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
    samples[i] = Math.max(-32768, Math.min(32767, Math.round((samples[i] ?? 0) + gaussian * sigma)));
  }
}

function writeWav(name: string, samples: Int16Array): void {
  writeFileSync(join(OUT, name), encodeWav({ sampleRateHz: RATE_HZ, channels: 1, samples }));
}

function makeRateFiles(tmp: string): RateFile[] {
  const files: RateFile[] = [];
  for (const [index, plan] of RATE_PLAN.entries()) {
    const texts = EVALUATION_TEXTS[plan.language];
    const pieces: Int16Array[] = [];
    let words = 0;
    let syllables = 0;
    for (let k = 0; k <= plan.pauses.length; k++) {
      const [text, textSyllables] = texts[(index * 4 + k) % texts.length] as readonly [string, number];
      words += text.split(/\s+/).length;
      syllables += textSyllables;
      pieces.push(trim(synthesise(tmp, plan.voice, ['-s', String(plan.wpm)], text)));
    }
    const lead = 400;
    const pauses: { startMs: number; endMs: number }[] = [];
    const parts: Int16Array[] = [new Int16Array((lead * RATE_HZ) / 1000)];
    let atSamples = parts[0]?.length ?? 0;
    let speechSamples = 0;
    for (const [k, piece] of pieces.entries()) {
      parts.push(piece);
      atSamples += piece.length;
      speechSamples += piece.length;
      const pauseMs = plan.pauses[k];
      if (pauseMs === undefined) continue;
      const silence = new Int16Array((pauseMs * RATE_HZ) / 1000);
      pauses.push({ startMs: (atSamples * 1000) / RATE_HZ, endMs: ((atSamples + silence.length) * 1000) / RATE_HZ });
      parts.push(silence);
      atSamples += silence.length;
    }
    parts.push(new Int16Array((lead * RATE_HZ) / 1000));
    const samples = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      samples.set(part, offset);
      offset += part.length;
    }
    if (plan.noiseDbfs !== null) addNoise(samples, plan.noiseDbfs, 1234 + index);
    const file = `speech-${plan.language}-${plan.wpm}.wav`;
    writeWav(file, samples);
    files.push({
      file,
      language: plan.language,
      voice: plan.voice,
      wpmSetting: plan.wpm,
      noiseDbfs: plan.noiseDbfs,
      words,
      syllables,
      durationMs: (samples.length * 1000) / RATE_HZ,
      speechMs: (speechSamples * 1000) / RATE_HZ,
      pauses,
    });
  }
  return files;
}

/** Magnitude of the DFT of `segment` at `hz` (a rotating phasor: no trigonometry per sample). */
function magnitudeAt(segment: Float64Array, hz: number): number {
  const w = (2 * Math.PI * hz) / RATE_HZ;
  const cosW = Math.cos(w);
  const sinW = Math.sin(w);
  let c = 1;
  let s = 0;
  let re = 0;
  let im = 0;
  for (let n = 0; n < segment.length; n++) {
    const x = segment[n] ?? 0;
    re += x * c;
    im -= x * s;
    const nextC = c * cosW - s * sinW;
    s = s * cosW + c * sinW;
    c = nextC;
  }
  return Math.hypot(re, im);
}

/**
 * Harmonic contrast: the F0 whose harmonics up to 1.5 kHz stand highest above the points halfway between
 * them (sum over k of magnitude at k·f minus magnitude at (k − ½)·f, divided by √(number of harmonics)).
 * An octave too high scores near zero (its midpoints are harmonics); an octave too low has the same sum
 * over twice the harmonics, so √2 less; a high F0 whose few harmonics happen to sit on a formant is kept
 * down by the sum (the true F0 collects every harmonic).
 */
function harmonicContrastF0(segment: Float64Array): number {
  const score = (f0: number): number => {
    let sum = 0;
    let count = 0;
    for (let k = 1; k * f0 <= 1500; k++) {
      sum += magnitudeAt(segment, k * f0) - magnitudeAt(segment, (k - 0.5) * f0);
      count++;
    }
    return sum / Math.sqrt(count);
  };
  let best = 60;
  let bestScore = -Infinity;
  for (let f = 55; f <= 420; f += 1) {
    const s = score(f);
    if (s > bestScore) [best, bestScore] = [f, s];
  }
  const coarse = best;
  for (let f = coarse - 1; f <= coarse + 1; f += 0.02) {
    const s = score(f);
    if (s > bestScore) [best, bestScore] = [f, s];
  }
  return best;
}

function sustainedVowelF0(tmp: string, voice: string, setting: number): number {
  const vowel = trim(
    synthesise(tmp, voice, ['-m', '-p', String(setting), '-s', '80'], '<speak><prosody range="x-low">[[A::::::::::]]</prosody></speak>'),
  );
  return medianHarmonicContrastF0(vowel);
}

/** Median harmonic-contrast F0 over the 128 ms windows of `vowel` that are voiced throughout. */
function medianHarmonicContrastF0(vowel: Int16Array): number {
  const size = 2048;
  const estimates: number[] = [];
  // espeak-ng breaks the long vowel into stretches with silences between: windows that are not wholly
  // inside a stretch (any 16 ms block under −40 dBFS) are skipped.
  const voiced = (start: number): boolean => {
    for (let block = start; block + 256 <= start + size; block += 256) {
      let sum = 0;
      for (let n = block; n < block + 256; n++) sum += (vowel[n] ?? 0) ** 2;
      if (Math.sqrt(sum / 256) < 328) return false;
    }
    return true;
  };
  for (let start = 0; start + size <= vowel.length; start += size / 4) {
    if (!voiced(start)) continue;
    const segment = new Float64Array(size);
    for (let n = 0; n < size; n++) segment[n] = (vowel[start + n] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (size - 1)));
    estimates.push(harmonicContrastF0(segment));
  }
  estimates.sort((a, b) => a - b);
  return Number((estimates[Math.floor(estimates.length / 2)] ?? 0).toFixed(2));
}

function makePitchFiles(tmp: string): { file: string; voice: string; pitchSetting: number; expectedF0Hz: number; sentenceHarmonicF0Hz: number }[] {
  return PITCH_PLAN.map((plan) => {
    const samples = synthesise(tmp, plan.voice, ['-m', '-p', String(plan.setting)], `<speak><prosody range="x-low">${plan.text}</prosody></speak>`);
    const file = `pitch-${plan.voice.replace('+', '-')}-p${plan.setting}.wav`;
    writeWav(file, samples);
    return {
      file,
      voice: plan.voice,
      pitchSetting: plan.setting,
      expectedF0Hz: sustainedVowelF0(tmp, plan.voice, plan.setting),
      // The same frequency-domain measurement on the sentence itself (its steady 128 ms windows).
      sentenceHarmonicF0Hz: medianHarmonicContrastF0(samples),
    };
  });
}

function main(): void {
  mkdirSync(OUT, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'analysis-fixtures-'));
  try {
    const espeak = execFileSync('espeak-ng', ['--version']).toString().trim();
    const rate = makeRateFiles(tmp);
    const pitch = makePitchFiles(tmp);
    const manifest = { generator: 'scripts/make-analysis-fixtures.ts', espeak, sampleRateHz: RATE_HZ, rate, pitch };
    writeFileSync(join(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`wrote ${rate.length + pitch.length} files and manifest.json to ${OUT}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
