/**
 * Throughput of the audio hot path, per 20 ms frame: G.711, resampling and full converter paths.
 * Run alone with `npx tsx bench/audio.ts`; `runAudioBench()` is what the `npm run bench` runner calls.
 * Each case is warmed up, then timed in batches; the median batch is reported (robust on a busy
 * machine) with the fastest batch beside it.
 */

import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { createAudioConverter } from '../src/audio/converter.ts';
import { type AudioFormat, bytesForMs } from '../src/audio/format.ts';
import { mulawDecode, mulawEncode } from '../src/audio/g711.ts';
import { Resampler } from '../src/audio/resampler.ts';
import { generateTone } from '../src/audio/spectrum.ts';
import { resultsPath, writeBenchResult } from './bench-result.ts';
import { quantileOfSorted } from './latency-stats.ts';

/** One measured operation. */
export interface AudioBenchCase {
  readonly name: string;
  /** Frames timed (after warm-up). */
  readonly frames: number;
  /** Median over batches of nanoseconds per 20 ms frame. */
  readonly nsPerFrame: number;
  /** Fastest batch, nanoseconds per frame. */
  readonly bestNsPerFrame: number;
  /** Seconds of audio processed per second of CPU at the median (20 ms / nsPerFrame). */
  readonly realtimeFactor: number;
  /** Share of one core a single stream in this direction needs, in percent, at the median. */
  readonly corePercentPerStream: number;
}

/** What `runAudioBench` measured, as written to bench/results/audio.json. */
export interface AudioBenchResult {
  readonly benchmark: 'audio';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  /** 1-minute load average when the run started and ended: high values mean the numbers are pessimistic. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly frameMs: number;
  readonly cases: readonly AudioBenchCase[];
}

/** Options for {@link runAudioBench}. */
export interface AudioBenchOptions {
  /** Timed milliseconds per case after warm-up (default 700). */
  readonly measureMs?: number;
  /** Where to write the JSON result; `null` skips writing. Default bench/results/audio.json. */
  readonly outputPath?: string | null;
}

const FRAME_MS = 20;
const WARMUP_MS = 150;
const BATCH_FRAMES = 50;
const DEFAULT_OUTPUT = resultsPath('audio.json');

/** Every step writes into buffers or resampler state it owns, so the JIT cannot drop the work. */
function timeCase(name: string, measureMs: number, step: () => unknown): AudioBenchCase {
  const warmupEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmupEnd) step();
  const batches: number[] = [];
  const end = performance.now() + measureMs;
  while (performance.now() < end || batches.length < 5) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < BATCH_FRAMES; i++) step();
    batches.push(Number(process.hrtime.bigint() - started) / BATCH_FRAMES);
  }
  batches.sort((a, b) => a - b);
  const nsPerFrame = quantileOfSorted(batches, 0.5) ?? 0;
  return {
    name,
    frames: batches.length * BATCH_FRAMES,
    nsPerFrame: Math.round(nsPerFrame),
    bestNsPerFrame: Math.round(batches[0] ?? 0),
    realtimeFactor: Math.round((FRAME_MS * 1e6) / nsPerFrame),
    corePercentPerStream: Number(((nsPerFrame / (FRAME_MS * 1e6)) * 100).toFixed(3)),
  };
}

/** Frames of a 440 Hz tone in `format`, cycled through so inputs vary like speech frames do. */
function frames(format: AudioFormat): Uint8Array[] {
  const samplesPerFrame = bytesForMs({ encoding: 'mulaw', sampleRateHz: format.sampleRateHz }, FRAME_MS);
  const tone = generateTone({ sampleRateHz: format.sampleRateHz, frequencyHz: 440, amplitude: 8000, length: samplesPerFrame * 16 });
  const bytes = format.encoding === 'mulaw' ? mulawEncode(tone) : new Uint8Array(tone.buffer);
  const size = bytesForMs(format, FRAME_MS);
  return Array.from({ length: 16 }, (_, i) => bytes.slice(i * size, (i + 1) * size));
}

function cycle<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length] as T;
}

function g711Cases(measureMs: number): AudioBenchCase[] {
  const nextMulaw = cycle(frames({ encoding: 'mulaw', sampleRateHz: 8000 }));
  const decoded = new Int16Array(160);
  const nextPcm = cycle(frames({ encoding: 'mulaw', sampleRateHz: 8000 }).map((f) => mulawDecode(f)));
  const encoded = new Uint8Array(160);
  return [
    timeCase('mulaw decode 8k (into reused buffer)', measureMs, () => mulawDecode(nextMulaw(), decoded)),
    timeCase('mulaw encode 8k (into reused buffer)', measureMs, () => mulawEncode(nextPcm(), encoded)),
  ];
}

function resampleCase(from: number, to: number, measureMs: number): AudioBenchCase {
  const resampler = new Resampler(from, to);
  const next = cycle(frames({ encoding: 'pcm16', sampleRateHz: from }).map((f) => new Int16Array(f.buffer, f.byteOffset, f.length / 2)));
  const output = new Int16Array(resampler.outputLength(from / 50) + 1);
  return timeCase(
    `resample ${from / 1000}k→${to / 1000}k (${resampler.tapsPerPhase} taps/output)`,
    measureMs,
    () => resampler.process(next(), output),
  );
}

function converterCase(from: AudioFormat, to: AudioFormat, measureMs: number): AudioBenchCase {
  const converter = createAudioConverter(from, to);
  const next = cycle(frames(from));
  const label = (f: AudioFormat): string => `${f.encoding} ${f.sampleRateHz / 1000}k`;
  return timeCase(`convert ${label(from)} → ${label(to)}`, measureMs, () => converter.convert(next()));
}

/**
 * Measures every case (about 1 s each, ~12 s in all) and, unless `outputPath` is null, writes the
 * result to bench/results/audio.json (via a .tmp file and a rename, so readers never see half a file).
 */
export async function runAudioBench(options: AudioBenchOptions = {}): Promise<AudioBenchResult> {
  const measureMs = options.measureMs ?? 700;
  const startedAt = new Date();
  const loadStart = loadavg()[0] ?? 0;
  const cases: AudioBenchCase[] = [];
  const run = async (make: () => AudioBenchCase | AudioBenchCase[]): Promise<void> => {
    const made = make();
    cases.push(...(Array.isArray(made) ? made : [made]));
    await yieldToEventLoop(); // let a hosting runner's timers and I/O breathe between cases
  };
  const mulaw8k: AudioFormat = { encoding: 'mulaw', sampleRateHz: 8000 };
  const pcm8k: AudioFormat = { encoding: 'pcm16', sampleRateHz: 8000 };
  const pcm16k: AudioFormat = { encoding: 'pcm16', sampleRateHz: 16000 };
  const pcm24k: AudioFormat = { encoding: 'pcm16', sampleRateHz: 24000 };
  await run(() => g711Cases(measureMs));
  for (const [from, to] of [[24000, 8000], [8000, 24000], [48000, 16000], [24000, 16000], [16000, 24000]] as const) {
    await run(() => resampleCase(from, to, measureMs));
  }
  await run(() => converterCase(mulaw8k, mulaw8k, measureMs));
  await run(() => converterCase(mulaw8k, pcm8k, measureMs));
  await run(() => converterCase(mulaw8k, pcm24k, measureMs));
  await run(() => converterCase(pcm24k, mulaw8k, measureMs));
  await run(() => converterCase(mulaw8k, pcm16k, measureMs));
  await run(() => converterCase(pcm24k, pcm16k, measureMs));
  const result: AudioBenchResult = {
    benchmark: 'audio',
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage: { start: Number(loadStart.toFixed(2)), end: Number((loadavg()[0] ?? 0).toFixed(2)) },
    frameMs: FRAME_MS,
    cases,
  };
  const outputPath = options.outputPath === undefined ? DEFAULT_OUTPUT : options.outputPath;
  if (outputPath !== null) await writeBenchResult(outputPath, result);
  return result;
}

function printTable(result: AudioBenchResult): void {
  console.log(`audio bench on ${result.cpu} ×${result.cores}, ${result.node}, load ${result.loadAverage.start}→${result.loadAverage.end}`);
  for (const c of result.cases) {
    const us = (c.nsPerFrame / 1000).toFixed(1).padStart(8);
    const best = (c.bestNsPerFrame / 1000).toFixed(1).padStart(8);
    console.log(`${c.name.padEnd(48)} ${us} µs/frame (best ${best})  ${String(c.realtimeFactor).padStart(7)}× real time`);
  }
  console.log(`took ${(result.durationMs / 1000).toFixed(1)} s`);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  printTable(await runAudioBench());
}
