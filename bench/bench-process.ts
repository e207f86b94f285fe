/**
 * What every process of the call benchmarks (relay.ts, phone.ts: the server, the fake upstream, the
 * callers) shares: the clock it stamps with, IPC helpers for the parent, and a monitor of its own CPU,
 * memory, event-loop delay and garbage collection over the measured window.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { constants, monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { systemClock, type Clock } from '../src/core/clock.ts';

/** Epoch milliseconds with sub-millisecond resolution; the same expression in every process. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** {@link nowMs} on real timers: the clock the fakes and the simulated callers stamp with. */
export const benchClock: Clock = { nowMs, setTimer: (delayMs, fn) => systemClock.setTimer(delayMs, fn) };

export const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;
const mib = (bytes: number): number => round(bytes / 2 ** 20, 1);

/** Event-loop delay sampling period; the reported delay is what exceeds it. */
const LOOP_RESOLUTION_MS = 2;

export interface ProcessStats {
  readonly wallMs: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly percentOfOneCore: number;
  /** How late a `LOOP_RESOLUTION_MS` timer ran: time the loop was busy (or the process descheduled). */
  readonly eventLoopDelay: { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
  /** All collections, and the major (mark-sweep-compact) ones apart: those are the long pauses. */
  readonly gc: { readonly count: number; readonly totalMs: number; readonly maxMs: number; readonly major: { readonly count: number; readonly totalMs: number; readonly maxMs: number } };
  readonly rssStartMiB: number;
  readonly rssPeakMiB: number;
  readonly heapUsedPeakMiB: number;
  /**
   * When the loop stalled: `[atMs, stalledMs]` for each tick of a 5 ms probe timer that ran more than
   * `STALL_MS` late, and `[atMs, pauseMs]` for each GC pause over 5 ms (epoch ms, at most 200 each).
   * The processes' clocks agree to well under a millisecond, so the timelines line up.
   */
  readonly timeline: { readonly stalls: [number, number][]; readonly gcPauses: [number, number][] };
}

const STALL_MS = 10;
const PROBE_MS = 5;
const MAX_TIMELINE = 200;

/** Measures this process between `start()` and `stop()`. */
export class ProcessMonitor {
  #loop: IntervalHistogram | null = null;
  #gc: PerformanceObserver | null = null;
  #sampler: NodeJS.Timeout | null = null;
  #cpuStart: NodeJS.CpuUsage = process.cpuUsage();
  #wallStart = 0;
  #rssStart = 0;
  #rssPeak = 0;
  #heapPeak = 0;
  #gcCount = 0;
  #gcTotalMs = 0;
  #gcMaxMs = 0;
  #majorCount = 0;
  #majorTotalMs = 0;
  #majorMaxMs = 0;
  #probe: NodeJS.Timeout | null = null;
  readonly #stalls: [number, number][] = [];
  readonly #gcPauses: [number, number][] = [];

  start(): void {
    let last = nowMs();
    this.#probe = setInterval(() => {
      const now = nowMs();
      const late = now - last - PROBE_MS;
      last = now;
      if (late > STALL_MS && this.#stalls.length < MAX_TIMELINE) this.#stalls.push([round(now - late, 1), round(late, 1)]);
    }, PROBE_MS);
    this.#loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.#loop.enable();
    this.#gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        this.#gcCount += 1;
        this.#gcTotalMs += entry.duration;
        this.#gcMaxMs = Math.max(this.#gcMaxMs, entry.duration);
        if (entry.duration > 5 && this.#gcPauses.length < MAX_TIMELINE) this.#gcPauses.push([round(performance.timeOrigin + entry.startTime, 1), round(entry.duration, 1)]);
        if ((entry as { readonly detail?: { readonly kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
          this.#majorCount += 1;
          this.#majorTotalMs += entry.duration;
          this.#majorMaxMs = Math.max(this.#majorMaxMs, entry.duration);
        }
      }
    });
    this.#gc.observe({ entryTypes: ['gc'] });
    const memory = process.memoryUsage();
    this.#rssStart = memory.rss;
    this.#rssPeak = memory.rss;
    this.#heapPeak = memory.heapUsed;
    this.#sampler = setInterval(() => {
      const m = process.memoryUsage();
      this.#rssPeak = Math.max(this.#rssPeak, m.rss);
      this.#heapPeak = Math.max(this.#heapPeak, m.heapUsed);
    }, 250);
    this.#cpuStart = process.cpuUsage();
    this.#wallStart = nowMs();
  }

  stop(): ProcessStats {
    const cpu = process.cpuUsage(this.#cpuStart);
    const wallMs = nowMs() - this.#wallStart;
    if (this.#sampler !== null) clearInterval(this.#sampler);
    if (this.#probe !== null) clearInterval(this.#probe);
    this.#gc?.disconnect();
    const loop = this.#loop;
    loop?.disable();
    const excess = (ns: number | undefined): number => round(Math.max(0, (ns ?? 0) / 1e6 - LOOP_RESOLUTION_MS));
    return {
      wallMs: round(wallMs, 1),
      cpuUserMs: round(cpu.user / 1000, 1),
      cpuSystemMs: round(cpu.system / 1000, 1),
      percentOfOneCore: round((100 * (cpu.user + cpu.system)) / 1000 / wallMs, 1),
      eventLoopDelay: { p50Ms: excess(loop?.percentile(50)), p99Ms: excess(loop?.percentile(99)), maxMs: excess(loop?.max) },
      gc: {
        count: this.#gcCount,
        totalMs: round(this.#gcTotalMs, 1),
        maxMs: round(this.#gcMaxMs, 2),
        major: { count: this.#majorCount, totalMs: round(this.#majorTotalMs, 1), maxMs: round(this.#majorMaxMs, 2) },
      },
      rssStartMiB: mib(this.#rssStart),
      rssPeakMiB: mib(this.#rssPeak),
      heapUsedPeakMiB: mib(this.#heapPeak),
      timeline: { stalls: this.#stalls, gcPauses: this.#gcPauses },
    };
  }
}

/** Jiffies the whole machine spent busy and in total, from /proc/stat (null where there is none). */
export function machineCpuTicks(): { readonly busy: number; readonly total: number } | null {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  const fields = (/^cpu\s+(.*)$/m.exec(text)?.[1] ?? '').trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal …
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return total > 0 ? { busy: total - idle, total } : null;
}

/**
 * Waits until the machine has been quiet (under `maxBusyCores` busy) for a whole `windowMs`, checking
 * window after window for at most `maxWaitMs`. Returns the busy cores of the last window.
 */
export async function waitForQuietMachine(options: { readonly maxBusyCores: number; readonly windowMs: number; readonly maxWaitMs: number }): Promise<number | null> {
  const deadline = nowMs() + options.maxWaitMs;
  const cores = os.cpus().length;
  for (;;) {
    const start = machineCpuTicks();
    await new Promise((resolve) => setTimeout(resolve, options.windowMs));
    const end = machineCpuTicks();
    if (start === null || end === null) return null;
    const busyCores = ((end.busy - start.busy) / Math.max(1, end.total - start.total)) * cores;
    if (busyCores <= options.maxBusyCores || nowMs() >= deadline) return round(busyCores, 2);
  }
}

let exposedGc: (() => void) | null = null;

/** A full garbage collection (V8's `gc`, exposed at run time), for memory figures that hold only live data. */
export function collectGarbage(): void {
  if (exposedGc === null) {
    v8.setFlagsFromString('--expose-gc');
    exposedGc = vm.runInNewContext('gc') as () => void;
  }
  exposedGc();
}

/**
 * Live heap and off-heap memory after full collections, in bytes. Off-heap backing stores are freed
 * after the collection that finds them dead, so it collects until `external` stops shrinking.
 */
export async function liveMemoryBytes(): Promise<{ readonly heapUsed: number; readonly external: number }> {
  let external = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 10; attempt += 1) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = process.memoryUsage().external;
    if (now >= external) break;
    external = now;
  }
  collectGarbage();
  const memory = process.memoryUsage();
  return { heapUsed: memory.heapUsed, external: memory.external };
}

/** This process's live heap and off-heap memory (after full collections) and its RSS, in bytes. */
export async function thisProcessMemory(): Promise<{ readonly heapUsed: number; readonly external: number; readonly rss: number }> {
  return { ...(await liveMemoryBytes()), rss: process.memoryUsage().rss };
}

/**
 * Starts V8's sampling CPU profiler in this process; the returned function stops it and writes a
 * `.cpuprofile` (Chrome DevTools format; `npx tsx bench/cpu-profile-top.ts <file>` summarises it).
 */
export async function startCpuProfile(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    await writeFile(file, JSON.stringify(profile));
  };
}

/**
 * Starts V8's sampling heap profiler (what allocates, by call site); the returned function stops it
 * and writes a `.heapprofile` (Chrome DevTools format).
 */
export async function startHeapProfile(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  // Samples allocations that are still live *or not* (includeObjectsCollectedBy…): the churn is what matters here.
  await session.post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    session.disconnect();
    await writeFile(file, JSON.stringify(profile));
  };
}

interface Typed {
  readonly type: string;
}

/** The next message of `type` from `child`; a `failed` message or the timeout rejects. */
export function nextMessage<M extends Typed, T extends M['type']>(child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(timer);
      child.off('message', listener);
      child.off('exit', onExit);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`bench child: no '${type}' within ${String(timeoutMs)} ms`));
    }, timeoutMs);
    const onExit = (code: number | null): void => {
      finish();
      reject(new Error(`bench child exited (code ${String(code)}) before '${type}'`));
    };
    const listener = (message: M): void => {
      if (message.type === 'failed') {
        finish();
        reject(new Error(`bench child failed: ${(message as Typed & { message?: string }).message ?? ''}`));
      } else if (message.type === type) {
        finish();
        resolve(message as Extract<M, { type: T }>);
      }
    };
    child.on('message', listener);
    child.once('exit', onExit);
  });
}

export interface ClockAlignment {
  /** Child clock minus parent clock, ms. */
  readonly offsetMs: number;
  /** Round trip of the ping the offset came from. */
  readonly rttMs: number;
}

/**
 * Estimates a child's clock offset: 40 IPC pings, the one with the smallest round trip wins, and
 * offset = child stamp − midpoint of the parent's send and receive.
 */
export async function alignClock(child: ChildProcess): Promise<ClockAlignment> {
  type Pong = { readonly type: 'pong'; readonly id: number; readonly atMs: number } | { readonly type: 'failed'; readonly message: string };
  let best = { offsetMs: 0, rttMs: Number.POSITIVE_INFINITY };
  for (let id = 0; id < 40; id += 1) {
    const pong = nextMessage<Pong, 'pong'>(child, 'pong', 5_000);
    const sentAt = nowMs();
    child.send({ type: 'ping', id });
    const reply = await pong;
    const receivedAt = nowMs();
    const rtt = receivedAt - sentAt;
    if (rtt < best.rttMs) best = { offsetMs: reply.atMs - (sentAt + receivedAt) / 2, rttMs: rtt };
  }
  return { offsetMs: round(best.offsetMs), rttMs: round(best.rttMs) };
}

/** In a child: answers clock pings (see {@link alignClock}). Returns true when `message` was one. */
export function answerPing(message: { readonly type: string; readonly id?: number }): boolean {
  if (message.type !== 'ping') return false;
  process.send?.({ type: 'pong', id: message.id ?? 0, atMs: nowMs() });
  return true;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
