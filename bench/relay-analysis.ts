/**
 * Turns the stamps of the relay benchmark's callers and fake upstream into added-latency figures.
 * Latency is matched by cumulative bytes per call, so a relay that splits or merges chunks is still
 * measured from the chunk a byte left in to the chunk that completed it on the other side.
 */
import type { ClockAlignment } from './bench-process.ts';
import { latencyStats, type LatencyStats } from './latency-stats.ts';
import type { ClientCallResult } from './relay-client.ts';
import { FRAME_BYTES } from './relay-client.ts';
import type { UpstreamSessionRecord } from './relay-upstream.ts';

/** For each sender chunk (cumulative size), the receive time of the receiver chunk that completes it, minus its send time. */
export function matchCumulative(sendAt: readonly number[], sendSizes: readonly number[], recvAt: readonly number[], recvSizes: readonly number[]): number[] {
  return matchCumulativeAt(sendAt, sendSizes, recvAt, recvSizes).map(([, latency]) => latency);
}

/** {@link matchCumulative} with each latency beside its chunk's send time: `[sentAtMs, latencyMs]`. */
export function matchCumulativeAt(sendAt: readonly number[], sendSizes: readonly number[], recvAt: readonly number[], recvSizes: readonly number[]): [number, number][] {
  const latencies: [number, number][] = [];
  let sent = 0;
  let received = 0;
  let j = -1;
  for (let k = 0; k < sendAt.length; k += 1) {
    sent += sendSizes[k] ?? 0;
    while (received < sent && j + 1 < recvAt.length) {
      j += 1;
      received += recvSizes[j] ?? 0;
    }
    if (received < sent) break; // never arrived
    const sentAt = sendAt[k] ?? Number.NaN;
    latencies.push([sentAt, (recvAt[j] ?? Number.NaN) - sentAt]);
  }
  return latencies;
}

export interface RelayFlows {
  readonly callerToUpstream: LatencyStats;
  readonly upstreamToCaller: LatencyStats;
  readonly framesSent: number;
  readonly framesReceivedAtFake: number;
  readonly bytesSent: number;
  readonly bytesReceivedAtFake: number;
  readonly lostBytes: number;
  readonly upstreamAudioDeltas: number;
  readonly callerAudioDeltas: number;
  readonly rejectedByFake: number;
  /** Calls whose first upstream session closed during the window (the engine reconnected): left out of the latency figures. */
  readonly callsWithUpstreamReconnect: number;
  /** Upstream sessions beyond one per call (the reconnects' new sessions). */
  readonly extraUpstreamSessions: number;
}

/**
 * Matches each call with the fake's session of the same index (calls start one after another, so
 * the first sessions are theirs, in order; a reconnect's session comes later and is not matched). A
 * call whose session was lost in the window is counted, not measured. Both clocks are moved onto the
 * server's (`window.client` and `window.upstream` are each child's offset from the server process).
 * Byte totals cover the whole stream; latencies only chunks sent from `window.fromMs` on.
 */
export function analyseFlows(
  results: readonly ClientCallResult[],
  sessions: readonly UpstreamSessionRecord[],
  window: {
    readonly client: ClockAlignment;
    readonly upstream: ClockAlignment;
    /** Start of the measured window on the server's clock: earlier chunks are matched but not counted. */
    readonly fromMs: number;
  },
  /** Sees every counted sample (server clock, ms): for dumping the raw latencies. */
  onSample?: (direction: 'up' | 'down', call: number, sentAtMs: number, latencyMs: number) => void,
): RelayFlows {
  if (sessions.length < results.length) throw new Error(`expected ${String(results.length)} upstream sessions, the fake saw ${String(sessions.length)}`);
  const up: number[] = [];
  const down: number[] = [];
  let framesSent = 0;
  let framesAtFake = 0;
  let bytesAtFake = 0;
  let rejected = 0;
  let upstreamDeltas = 0;
  let callerDeltas = 0;
  let reconnected = 0;
  const fromClient = (t: number): number => t - window.client.offsetMs;
  const fromUpstream = (t: number): number => t - window.upstream.offsetMs;
  results.forEach((result, i) => {
    const session = sessions[i];
    if (session === undefined) return;
    if (session.closedInWindow) {
      reconnected += 1;
      return;
    }
    const sendAt = result.frameSentAtMs.map(fromClient);
    framesSent += sendAt.length;
    framesAtFake += session.appendAtMs.length;
    bytesAtFake += session.bytesReceived;
    rejected += session.rejectedClientEvents;
    for (const [at, latency] of matchCumulativeAt(sendAt, sendAt.map(() => FRAME_BYTES), session.appendAtMs.map(fromUpstream), session.appendBytes)) {
      if (at < window.fromMs) continue;
      up.push(latency);
      onSample?.('up', i, at, latency);
    }
    upstreamDeltas += session.deltaAtMs.length;
    callerDeltas += result.audioReceivedAtMs.length;
    for (const [at, latency] of matchCumulativeAt(session.deltaAtMs.map(fromUpstream), session.deltaB64Chars, result.audioReceivedAtMs.map(fromClient), result.audioReceivedB64Chars)) {
      if (at < window.fromMs) continue;
      down.push(latency);
      onSample?.('down', i, at, latency);
    }
  });
  return {
    callerToUpstream: latencyStats(up),
    upstreamToCaller: latencyStats(down),
    framesSent,
    framesReceivedAtFake: framesAtFake,
    bytesSent: framesSent * FRAME_BYTES,
    bytesReceivedAtFake: bytesAtFake,
    lostBytes: framesSent * FRAME_BYTES - bytesAtFake,
    upstreamAudioDeltas: upstreamDeltas,
    callerAudioDeltas: callerDeltas,
    rejectedByFake: rejected,
    callsWithUpstreamReconnect: reconnected,
    extraUpstreamSessions: sessions.length - results.length,
  };
}
