/**
 * One level of the phone bench as it is written to bench/results/phone.json and printed: latency and
 * lost audio each way (phone-analysis.ts), protocol checks from all three sides, turns, marks, and
 * per-process CPU, loop delay and memory, with the server's share per call.
 */
import type { TwilioStreamStats } from '../src/transports/twilio/twilio-media-stream.ts';
import type { PhoneFlows } from './phone-analysis.ts';
import type { PhoneCallResult } from './phone-client.ts';
import type { WorkerShare } from './bench-cluster.ts';
import type { StageSplit } from './phone-stages.ts';
import type { PhoneUpstreamSession } from './phone-upstream.ts';
import { levelLineHead, machineLoadOf, serverPerCallOf, type LevelProcesses, type MachineLoad, type ServerPerCall } from './bench-level.ts';
import { round, type ClockAlignment } from './bench-process.ts';
import { latencyStats, type LatencyStats } from './latency-stats.ts';

export interface PhoneLevelResult extends PhoneFlows {
  readonly concurrentCalls: number;
  readonly streamSeconds: number;
  /** Time to set every call up (webhook + upgrade, `SETUP_CONCURRENCY` at a time), and each step's latency. */
  readonly setup: { readonly seconds: number; readonly webhook: LatencyStats; readonly upgrade: LatencyStats };
  readonly clocks: { readonly callers: ClockAlignment; readonly upstream: ClockAlignment };
  readonly turns: { readonly speechStarted: number; readonly responsesDone: number; readonly responsesCancelled: number };
  readonly marks: { readonly sentByServer: number; readonly echoedByPhone: number; readonly echoedOnClear: number; readonly acknowledgedByServer: number; readonly clears: number };
  /** Everything any side counted as wrong; a clean level has zeros everywhere and no server warnings. */
  readonly protocolErrors: {
    /** Server messages the phone (Twilio) would refuse: error 31924. */
    readonly twilio31924: number;
    readonly upstreamErrorEvents: number;
    readonly rejectedByUpstream: number;
    /** Inbound messages the server dropped as invalid, gaps in Twilio's sequence numbers, unknown or stale marks. */
    readonly serverBadMessages: number;
    readonly sequenceGaps: number;
    readonly unknownMarks: number;
    /** Streams with no final counters, streams the server closed before the hang-up, calls not over in the store. */
    readonly streamsWithoutStats: number;
    readonly streamsClosedEarly: number;
    readonly callsNotOver: number;
    readonly clientErrors: number;
    /** Server log lines at warn or above, by message. */
    readonly serverWarnings: Record<string, number>;
  };
  readonly samples: string[];
  readonly endReasons: Record<string, number>;
  /** Each process over the window (first frame of the window to the end of the last reply's playout). */
  readonly processes: LevelProcesses;
  readonly machine: MachineLoad | null;
  readonly serverPerCall: ServerPerCall & {
    /** RSS with the calls live minus before them (includes PGlite's WebAssembly memory and allocator slack). */
    readonly rssKiB: number;
  };
  /** No protocol error of any kind, no frame lost in the window either way, none duplicated or cut apart. */
  readonly clean: boolean;
  /** Outbound (upstream→phone) p99 under the target; the issue asks for it at 100 calls. */
  readonly outboundTargetMet: boolean;
  readonly inboundUnderTarget: boolean;
  /** Each direction split at the bridge (`--stages`), null when not measured. */
  readonly stages: StageSplit | null;
  /** In cluster mode (`--workers`), each worker's share of the window; null when the server ran in the bench process. */
  readonly serverWorkers?: readonly WorkerShare[] | null;
}

type MemorySample = { readonly heapUsed: number; readonly external: number; readonly rss: number };

export interface LevelInputs {
  readonly calls: number;
  readonly durationMs: number;
  readonly setupMs: number;
  readonly clocks: { readonly callers: ClockAlignment; readonly upstream: ClockAlignment };
  readonly flows: PhoneFlows;
  readonly results: readonly PhoneCallResult[];
  readonly sessions: readonly PhoneUpstreamSession[];
  readonly streams: ReadonlyMap<string, TwilioStreamStats>;
  readonly problems: ReadonlyMap<string, number>;
  readonly over: { readonly notOver: number; readonly endReasons: Record<string, number> };
  readonly processes: LevelProcesses;
  readonly busyCores: number | null;
  readonly busyCoresBefore: number | null;
  readonly memory: { readonly before: MemorySample; readonly live: MemorySample };
  readonly targetP99Ms: number;
  readonly stages: StageSplit | null;
}

const sum = <T>(items: Iterable<T>, of: (item: T) => number): number => {
  let total = 0;
  for (const item of items) total += of(item);
  return total;
};

function protocolErrorsOf(input: LevelInputs): PhoneLevelResult['protocolErrors'] {
  const { results, sessions, streams } = input;
  const stats = [...streams.values()];
  return {
    twilio31924: sum(results, (r) => r.protocolErrors),
    upstreamErrorEvents: sum(sessions, (s) => s.errorEvents),
    rejectedByUpstream: sum(sessions, (s) => s.rejectedClientEvents),
    serverBadMessages: sum(stats, (s) => s.badMessages + s.unknownEvents),
    sequenceGaps: sum(stats, (s) => s.sequenceGaps),
    unknownMarks: sum(stats, (s) => s.outbound?.unknownMarks ?? 0),
    streamsWithoutStats: results.filter((r) => !streams.has(r.callId)).length,
    streamsClosedEarly: results.filter((r) => r.closedEarly).length,
    callsNotOver: input.over.notOver,
    clientErrors: sum(results, (r) => r.errors.length),
    serverWarnings: Object.fromEntries(input.problems),
  };
}

export function levelResult(input: LevelInputs): PhoneLevelResult {
  const { calls, flows, results, sessions, streams, processes, memory } = input;
  const protocolErrors = protocolErrorsOf(input);
  const errorCount =
    protocolErrors.twilio31924 +
    protocolErrors.upstreamErrorEvents +
    protocolErrors.rejectedByUpstream +
    protocolErrors.serverBadMessages +
    protocolErrors.sequenceGaps +
    protocolErrors.unknownMarks +
    protocolErrors.streamsWithoutStats +
    protocolErrors.streamsClosedEarly +
    protocolErrors.callsNotOver +
    protocolErrors.clientErrors +
    sum(Object.values(protocolErrors.serverWarnings), (n) => n) +
    flows.callsWithoutOneSession;
  const lost =
    flows.caller.framesLostInWindow +
    flows.caller.framesDuplicated +
    flows.caller.trailingBytes +
    flows.assistant.framesLostInWindow +
    flows.assistant.mediaDuplicated +
    flows.assistant.mediaUnnumbered;
  const stats = [...streams.values()];
  return {
    concurrentCalls: calls,
    streamSeconds: input.durationMs / 1000,
    setup: { seconds: round(input.setupMs / 1000, 2), webhook: latencyStats(results.map((r) => r.webhookMs)), upgrade: latencyStats(results.map((r) => r.upgradeMs)) },
    clocks: input.clocks,
    ...flows,
    turns: {
      speechStarted: sum(sessions, (s) => s.speechStarted),
      responsesDone: sum(sessions, (s) => s.responsesDone),
      responsesCancelled: sum(sessions, (s) => s.responsesCancelled),
    },
    marks: {
      sentByServer: sum(results, (r) => r.marksReceived),
      echoedByPhone: sum(results, (r) => r.marksEchoed),
      echoedOnClear: sum(results, (r) => r.marksEchoedOnClear),
      acknowledgedByServer: sum(stats, (s) => s.outbound?.marksAcked ?? 0),
      clears: sum(results, (r) => r.clearsReceived),
    },
    protocolErrors,
    samples: [
      ...results.flatMap((r) => [...r.protocolErrorSamples, ...r.errors]),
      ...[...input.problems.keys()].map((message) => `server: ${message}`),
    ].slice(0, 8),
    endReasons: input.over.endReasons,
    processes,
    machine: machineLoadOf(input.busyCores, input.busyCoresBefore, processes),
    serverPerCall: {
      ...serverPerCallOf(processes.server, calls, memory),
      rssKiB: round((memory.live.rss - memory.before.rss) / 1024 / calls, 1),
    },
    clean: errorCount === 0 && lost === 0,
    outboundTargetMet: flows.upstreamToPhone.p99Ms < input.targetP99Ms,
    inboundUnderTarget: flows.phoneToUpstream.p99Ms < input.targetP99Ms,
    stages: input.stages,
  };
}

const LABELS = { bench: 'phone', up: 'phone→upstream', down: 'upstream→phone', callers: 'phones' } as const;

export function printLevel(level: PhoneLevelResult): void {
  process.stdout.write(
    levelLineHead(LABELS, level, level.phoneToUpstream, level.upstreamToPhone) +
      `lost in window ${String(level.caller.framesLostInWindow)} / ${String(level.assistant.framesLostInWindow)} frames | ` +
      `padded ${String(level.caller.framesPaddedByServer)} frames | calls with clear ${String(level.assistant.callsWithClear)}, frames cut ${String(level.assistant.framesCutByBargeIn)} | ` +
      `turns ${String(level.turns.responsesDone)} | clean ${String(level.clean)} | errors ${JSON.stringify(level.protocolErrors)}\n`,
  );
  const workers = level.serverWorkers ?? null;
  if (workers !== null) {
    process.stdout.write(`      workers: ${workers.map((w) => `cpu ${String(w.percentOfOneCore)}% loop p99 ${String(w.loopDelayP99Ms)} ms gc max ${String(w.gcMaxMs)} ms`).join(' | ')}\n`);
  }
  const s = level.stages;
  if (s === null) return;
  const stat = (l: LatencyStats): string => `${String(l.p50Ms)}/${String(l.p99Ms)}/${String(l.maxMs)}`;
  process.stdout.write(
    `      stages p50/p99/max ms: phone→bridge ${stat(s.phoneToBridge)} bridge→upstream ${stat(s.bridgeToUpstream)} | ` +
      `upstream→bridge ${stat(s.upstreamToBridge)} bridge→phone ${stat(s.bridgeToPhone)}\n` +
      `      server-added p50/p99/max ms: phone send→append written ${stat(s.phoneToServerWrite)} | upstream send→media written ${stat(s.upstreamToServerWrite)}\n`,
  );
}
