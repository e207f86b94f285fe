/**
 * Cost of the speech analyser: CPU time per second of 16 kHz audio for one stream (real-time factor;
 * the target is ≤ 0.005, i.e. 200 streams per core). Measured with process.cpuUsage (user + system
 * CPU of this process), so other load on the machine does not inflate it the way wall time would.
 * Input: the espeak-ng fixtures (speech with pauses, some with noise), pushed in 20 ms frames through
 * a fresh analyser per pass, report() once per pass and window() once per second of audio.
 * Run alone with `npx tsx bench/analysis.ts`; `runAnalysisBench()` is what `npm run bench` calls.
 */

import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createSpeechAnalyser } from '../src/analysis/speech-analyser.ts';
import { loadFixtureSamples, loadManifest } from '../src/testing/analysis-fixtures.ts';
import { resultsPath, writeBenchResult } from './bench-result.ts';
import { quantileOfSorted } from './latency-stats.ts';

export interface AnalysisBenchResult {
  readonly benchmark: 'analysis';
  readonly startedAt: string;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly sampleRateHz: 16000;
  readonly frameMs: 20;
  readonly audioSeconds: number;
  readonly cpuSeconds: number;
  /** CPU seconds per audio second (median of the passes). */
  readonly realtimeFactor: number;
  readonly bestRealtimeFactor: number;
  /** Streams one core could analyse at the median. */
  readonly streamsPerCore: number;
  readonly target: 0.005;
}

const DEFAULT_OUTPUT = resultsPath('analysis.json');
const FRAME = 320;

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function pass(audio: readonly Int16Array[]): number {
  let checksum = 0;
  for (const samples of audio) {
    const analyser = createSpeechAnalyser({ sampleRateHz: 16000 });
    for (let i = 0, frame = 0; i + FRAME <= samples.length; i += FRAME, frame++) {
      analyser.push(samples.subarray(i, i + FRAME));
      if (frame % 50 === 49) checksum += analyser.window().voiceActivity.ratio;
    }
    checksum += analyser.report().rate.syllableCount;
  }
  return checksum;
}

export async function runAnalysisBench(options: { passes?: number; outputPath?: string | null } = {}): Promise<AnalysisBenchResult> {
  const manifest = loadManifest();
  const audio = [...manifest.rate, ...manifest.pitch].map((f) => loadFixtureSamples(f.file));
  const audioSeconds = audio.reduce((sum, s) => sum + s.length, 0) / 16000;
  const load = loadavg()[0] ?? 0;
  pass(audio);
  pass(audio);
  const factors: number[] = [];
  let cpuTotal = 0;
  for (let k = 0; k < (options.passes ?? 15); k++) {
    const before = cpuMicros();
    pass(audio);
    const cpuSeconds = (cpuMicros() - before) / 1e6;
    cpuTotal += cpuSeconds;
    factors.push(cpuSeconds / audioSeconds);
  }
  factors.sort((a, b) => a - b);
  const median = quantileOfSorted(factors, 0.5) ?? 0;
  const result: AnalysisBenchResult = {
    benchmark: 'analysis',
    startedAt: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage: { start: load, end: loadavg()[0] ?? 0 },
    sampleRateHz: 16000,
    frameMs: 20,
    audioSeconds: Number((audioSeconds * factors.length).toFixed(1)),
    cpuSeconds: Number(cpuTotal.toFixed(3)),
    realtimeFactor: Number(median.toFixed(5)),
    bestRealtimeFactor: Number((factors[0] ?? 0).toFixed(5)),
    streamsPerCore: Math.floor(1 / median),
    target: 0.005,
  };
  process.stdout.write(`analysis: real-time factor ${result.realtimeFactor} CPU s per audio s (best ${result.bestRealtimeFactor}), ${result.streamsPerCore} streams per core\n`);
  const output = options.outputPath === undefined ? DEFAULT_OUTPUT : options.outputPath;
  if (output !== null) await writeBenchResult(output, result);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runAnalysisBench();
