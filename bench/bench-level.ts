/**
 * What one level of a call benchmark (relay.ts, phone.ts) does and reports the same way in both: the
 * two children it forks (the fake upstream, the callers), the measured window over the server process,
 * the machine and the upstream child, the load other jobs put on the machine meanwhile, the server's
 * cost per call, and the head of the line printed for the level.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineCpuTicks, ProcessMonitor, round, waitForQuietMachine, type ProcessStats } from './bench-process.ts';
import type { LatencyStats } from './latency-stats.ts';
import type { UpstreamParentMessage } from './upstream-child.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** How a simulator child is scheduled: `nice` (0–19), and `idle` for SCHED_IDLE (a core only when nothing else wants one). */
export interface SimulatorPriority {
  readonly nice?: number;
  readonly idle?: boolean;
}

/** Forks `bench/<file>` with `<envFlag>=1` (which makes it serve the parent) and these Node flags, at `priority`. */
export function forkBenchChild(file: string, envFlag: string, execArgv: readonly string[], priority: SimulatorPriority = {}): ChildProcess {
  const child = fork(join(here, file), [], { execArgv: [...execArgv], env: { ...process.env, [envFlag]: '1' } });
  if (child.pid !== undefined && (priority.nice ?? 0) !== 0) execFileSync('renice', ['-n', String(priority.nice), '-p', String(child.pid)]);
  if (child.pid !== undefined && priority.idle === true) execFileSync('chrt', ['--idle', '-p', '0', String(child.pid)]);
  return child;
}

/** Busy cores of the machine just before a level: waits (up to `waitQuietMs`) for 5 s under 0.3 busy cores; null when not asked to wait. */
export async function busyCoresBeforeLevel(waitQuietMs: number | undefined): Promise<number | null> {
  const maxWaitMs = waitQuietMs ?? 0;
  return maxWaitMs > 0 ? waitForQuietMachine({ maxBusyCores: 0.3, windowMs: 5_000, maxWaitMs }) : null;
}

/** Each process of the bench over the measured window. */
export interface LevelProcesses {
  readonly server: ProcessStats;
  readonly upstream: ProcessStats | null;
  readonly callers: ProcessStats;
}

/**
 * Cores the whole machine kept busy over the window (/proc/stat), and how much of that was not the
 * benchmark's three processes: other jobs competing for the same cores.
 */
export interface MachineLoad {
  readonly busyCoresBefore: number | null;
  readonly busyCores: number;
  readonly otherCores: number;
}

/** The server process alone, per call. */
export interface ServerPerCall {
  readonly cpuMsPerCallSecond: number;
  readonly percentOfOneCore: number;
  /** Live JS heap (after a full GC, calls connected) minus the same before the calls, per call. */
  readonly liveHeapKiB: number;
  /** Live off-heap memory (Buffers, PGlite's WebAssembly memory is not in it) the same way, per call. */
  readonly liveExternalKiB: number;
}

/** What a window measured in the server process: its stats, and the busy cores of the whole machine (null without /proc/stat). */
export interface ServerWindow<Ended> {
  readonly ended: Ended;
  readonly server: ProcessStats;
  readonly busyCores: number | null;
}

/** How a window measures the server: this process by default; every process of it in cluster mode (bench-cluster.ts). */
export interface ServerMonitor {
  start(): void;
  stop(): Promise<ProcessStats>;
}

/** This process alone: the server when it runs in the bench process. */
export function thisProcessMonitor(): ServerMonitor {
  const monitor = new ProcessMonitor();
  return {
    start: () => {
      monitor.start();
    },
    stop: () => Promise.resolve(monitor.stop()),
  };
}

/**
 * Measures from now until `window` settles: the server (this process, or `serverMonitor`'s), the whole
 * machine, and, over IPC, the upstream child; with `startProfile`, a profile of this process over the
 * same span.
 */
export async function measureWindow<Ended>(
  upstream: ChildProcess,
  startProfile: (() => Promise<() => Promise<void>>) | null,
  window: Promise<Ended>,
  serverMonitor: ServerMonitor = thisProcessMonitor(),
): Promise<ServerWindow<Ended>> {
  const toUpstream = (message: UpstreamParentMessage): void => {
    upstream.send(message);
  };
  const stopProfile = startProfile === null ? null : await startProfile();
  const machineStart = machineCpuTicks();
  serverMonitor.start();
  toUpstream({ type: 'monitor-start' });
  const ended = await window;
  const server = await serverMonitor.stop();
  const machineEnd = machineCpuTicks();
  await stopProfile?.();
  toUpstream({ type: 'monitor-stop' });
  const busyCores =
    machineStart === null || machineEnd === null ? null : ((machineEnd.busy - machineStart.busy) / (machineEnd.total - machineStart.total)) * os.cpus().length;
  return { ended, server, busyCores };
}

/** The machine's load over the window, and the part of it that was not the bench's three processes. */
export function machineLoadOf(busyCores: number | null, busyCoresBefore: number | null, processes: LevelProcesses): MachineLoad | null {
  if (busyCores === null) return null;
  const ownCores = (processes.server.percentOfOneCore + (processes.upstream?.percentOfOneCore ?? 0) + processes.callers.percentOfOneCore) / 100;
  return { busyCoresBefore, busyCores: round(busyCores, 2), otherCores: round(Math.max(0, busyCores - ownCores), 2) };
}

/** The server's CPU over the window and its live memory with the calls connected (`live`) against before them, per call. */
export function serverPerCallOf(
  server: ProcessStats,
  calls: number,
  memory: { readonly before: { readonly heapUsed: number; readonly external: number }; readonly live: { readonly heapUsed: number; readonly external: number } },
): ServerPerCall {
  return {
    cpuMsPerCallSecond: round((server.cpuUserMs + server.cpuSystemMs) / ((calls * server.wallMs) / 1000)),
    percentOfOneCore: round(server.percentOfOneCore / calls, 2),
    liveHeapKiB: round((memory.live.heapUsed - memory.before.heapUsed) / 1024 / calls, 1),
    liveExternalKiB: round((memory.live.external - memory.before.external) / 1024 / calls, 1),
  };
}

/** How a level's printed line names its two directions and its callers (`caller→upstream`, `callers`, …). */
export interface LevelLabels {
  readonly bench: string;
  readonly up: string;
  readonly down: string;
  readonly callers: string;
}

/**
 * The head of a level's printed line, through the other jobs' load, ending in `| `: latency each way,
 * each process's CPU and event-loop delay.
 */
export function levelLineHead(
  labels: LevelLabels,
  level: { readonly concurrentCalls: number; readonly processes: LevelProcesses; readonly machine: MachineLoad | null },
  up: LatencyStats,
  down: LatencyStats,
): string {
  const p = level.processes;
  return (
    `${labels.bench} ${String(level.concurrentCalls).padStart(3)} calls: ${labels.up} p50 ${String(up.p50Ms)} p99 ${String(up.p99Ms)} max ${String(up.maxMs)} ms | ` +
    `${labels.down} p50 ${String(down.p50Ms)} p99 ${String(down.p99Ms)} max ${String(down.maxMs)} ms | ` +
    `cpu server ${String(p.server.percentOfOneCore)}% upstream ${String(p.upstream?.percentOfOneCore)}% ${labels.callers} ${String(p.callers.percentOfOneCore)}% | ` +
    `loop delay p99 server ${String(p.server.eventLoopDelay.p99Ms)} upstream ${String(p.upstream?.eventLoopDelay.p99Ms)} ${labels.callers} ${String(p.callers.eventLoopDelay.p99Ms)} ms | ` +
    `other load ${String(level.machine?.otherCores)} cores | `
  );
}
