/**
 * What every benchmark's result file shares: where it goes (bench/results/), how it is written (via a
 * .tmp file and a rename, so a reader never sees half a file), and, for the call benchmarks (relay.ts,
 * phone.ts), the fields every result opens with: the bench, when, the machine, Node and the load average.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round } from './bench-process.ts';

const resultsDirectory = join(dirname(fileURLToPath(import.meta.url)), 'results');

/** `bench/results/<file>`. */
export function resultsPath(file: string): string {
  return join(resultsDirectory, file);
}

/** Writes `result` as indented JSON to `path` (creating its folder) through `<path>.tmp`. */
export async function writeBenchResult(path: string, result: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  await writeFile(temporary, `${JSON.stringify(result, null, 2)}\n`);
  await rename(temporary, path);
}

/** The 1, 5 and 15 minute load averages, to two decimals. */
export function loadAverageNow(): number[] {
  return os.loadavg().map((v) => round(v, 2));
}

/** The fields a call benchmark's result opens with. */
export interface BenchEnvelope<Name extends string> {
  readonly bench: Name;
  readonly date: string;
  readonly machine: { readonly cpuModel: string; readonly cpus: number; readonly totalMemGiB: number; readonly platform: string; readonly release: string };
  readonly node: string;
  readonly loadAverage: { readonly start: number[]; readonly end: number[] };
}

/** The envelope of a run that started with load average `loadStart` ({@link loadAverageNow}) and ends now. */
export function benchEnvelope<Name extends string>(bench: Name, loadStart: number[]): BenchEnvelope<Name> {
  const cpus = os.cpus();
  return {
    bench,
    date: new Date().toISOString(),
    machine: { cpuModel: cpus[0]?.model ?? 'unknown', cpus: cpus.length, totalMemGiB: round(os.totalmem() / 2 ** 30, 1), platform: os.platform(), release: os.release() },
    node: process.version,
    loadAverage: { start: loadStart, end: loadAverageNow() },
  };
}

/**
 * Writes a call benchmark's result to `output` when given (`null`: nowhere), else to
 * bench/results/`<bench>.json`, or `<bench>-postgres.json` for a run on PostgreSQL.
 */
export async function writeCallBenchResult(
  result: BenchEnvelope<string> & { readonly database: 'pglite-memory' | 'postgres' },
  output: string | null | undefined,
): Promise<void> {
  if (output === null) return;
  await writeBenchResult(output ?? resultsPath(result.database === 'postgres' ? `${result.bench}-postgres.json` : `${result.bench}.json`), result);
}
