/**
 * Optional stamps inside the measured server of the relay bench (`--stages`), for the latency the
 * server itself adds, as bench/phone-stages.ts does for phone calls:
 *
 * - caller→upstream: the caller's `emit('audio-data')` → the server has handed that frame to the
 *   engine, which wrote the `input_audio_buffer.append` to the upstream socket (the end of the caller
 *   transport's synchronous delivery of the audio event: Socket.IO's parsing, the runtime, the engine);
 * - upstream→caller: the fake's send of `response.output_audio.delta` → the server has emitted the
 *   `ai-audio-delta` holding those bytes to the caller's socket (the end of the transport's `sendAudio`).
 *
 * Both count the time the bytes waited in the server's socket while its loop was busy (loopback delivers
 * inside the sender's write) and leave out the receiving simulator's own read delay, which under load is
 * most of the end-to-end figures. Matched by cumulative bytes per call, like relay-analysis.ts.
 *
 * It wraps two prototype methods of the shared caller transport (the Socket.IO and WebSocket protocols'
 * `WireCallTransport`) for the level's duration; the cost is a clock read and two array pushes per message.
 */
import type { TransportEvent } from '../src/runtime/ports.ts';
import { WireCallTransport } from '../src/transports/shared/wire-call-transport.ts';
import { nowMs, type ClockAlignment } from './bench-process.ts';
import { latencyStats, type LatencyStats } from './latency-stats.ts';
import { matchCumulativeAt } from './relay-analysis.ts';
import type { ClientCallResult } from './relay-client.ts';
import { FRAME_BYTES } from './relay-client.ts';
import type { UpstreamSessionRecord } from './relay-upstream.ts';

interface Stamps {
  /** When the server's synchronous handling returned (the message it causes is written). */
  readonly doneMs: number[];
  readonly bytes: number[];
}

/** A worker's stamps as sent over IPC (cluster mode), in the worker's clock. */
export interface RelayStagesExport {
  readonly inbound: [string, Stamps][];
  readonly outbound: [string, Stamps][];
}

function stampsOf(map: Map<string, Stamps>, callId: string): Stamps {
  let stamps = map.get(callId);
  if (stamps === undefined) {
    stamps = { doneMs: [], bytes: [] };
    map.set(callId, stamps);
  }
  return stamps;
}

export class RelayStages {
  /** By call id: when each caller audio event had been handed on, and its bytes. */
  readonly inbound = new Map<string, Stamps>();
  /** By call id: when each chunk of assistant audio had been emitted to the caller, and its bytes. */
  readonly outbound = new Map<string, Stamps>();

  /** Wraps the transport's methods; the returned function puts them back. */
  install(): () => void {
    const { inbound, outbound } = this;
    const deliver = Object.getOwnPropertyDescriptor(WireCallTransport.prototype, 'deliver')?.value as WireCallTransport['deliver'];
    const sendAudio = Object.getOwnPropertyDescriptor(WireCallTransport.prototype, 'sendAudio')?.value as WireCallTransport['sendAudio'];
    WireCallTransport.prototype.deliver = function (this: WireCallTransport, event: TransportEvent): boolean {
      const delivered = deliver.call(this, event);
      if (event.type === 'caller_audio') {
        const stamps = stampsOf(inbound, this.callId);
        stamps.doneMs.push(nowMs());
        stamps.bytes.push(event.chunk.data.byteLength);
      }
      return delivered;
    };
    WireCallTransport.prototype.sendAudio = function (this: WireCallTransport, itemId, chunk): void {
      sendAudio.call(this, itemId, chunk);
      const stamps = stampsOf(outbound, this.callId);
      stamps.doneMs.push(nowMs());
      stamps.bytes.push(chunk.data.byteLength);
    };
    return () => {
      WireCallTransport.prototype.deliver = deliver;
      WireCallTransport.prototype.sendAudio = sendAudio;
    };
  }

  export(): RelayStagesExport {
    return { inbound: [...this.inbound], outbound: [...this.outbound] };
  }

  /** Every worker's stamps in this process's clock (a worker's `offsetMs` is its clock minus this one's). */
  static merge(parts: readonly { readonly data: RelayStagesExport; readonly clock: { readonly offsetMs: number } }[]): RelayStages {
    const merged = new RelayStages();
    const shift = (stamps: Stamps, offsetMs: number): Stamps => ({ doneMs: stamps.doneMs.map((at) => at - offsetMs), bytes: stamps.bytes });
    for (const { data, clock } of parts) {
      for (const [callId, stamps] of data.inbound) merged.inbound.set(callId, shift(stamps, clock.offsetMs));
      for (const [callId, stamps] of data.outbound) merged.outbound.set(callId, shift(stamps, clock.offsetMs));
    }
    return merged;
  }
}

export interface RelayStageSplit {
  /** Caller's emit → the server has written the append holding the frame's last byte. */
  readonly callerToServerWrite: LatencyStats;
  /** Fake's delta send → the server has emitted the `ai-audio-delta` holding the delta's last byte. */
  readonly upstreamToServerWrite: LatencyStats;
}

/**
 * The server-added latency of each direction over chunks sent from `fromMs` on (server clock); calls are
 * paired with the fake's sessions by index as in relay-analysis.ts, and calls whose upstream session was
 * lost in the window are left out the same way.
 */
export function splitRelayStages(
  stages: RelayStages,
  results: readonly ClientCallResult[],
  sessions: readonly UpstreamSessionRecord[],
  clocks: { readonly callers: ClockAlignment; readonly upstream: ClockAlignment },
  fromMs: number,
): RelayStageSplit {
  const up: number[] = [];
  const down: number[] = [];
  const fromClient = (t: number): number => t - clocks.callers.offsetMs;
  const fromUpstream = (t: number): number => t - clocks.upstream.offsetMs;
  results.forEach((result, i) => {
    const session = sessions[i];
    const inbound = stages.inbound.get(result.callId);
    const outbound = stages.outbound.get(result.callId);
    if (session === undefined || session.closedInWindow) return;
    if (inbound !== undefined) {
      const sendAt = result.frameSentAtMs.map(fromClient);
      for (const [at, latency] of matchCumulativeAt(sendAt, sendAt.map(() => FRAME_BYTES), inbound.doneMs, inbound.bytes)) if (at >= fromMs) up.push(latency);
    }
    if (outbound !== undefined) {
      // The fake counts base64 characters; the server, bytes (whole 3-byte groups in every delta).
      const deltaBytes = session.deltaB64Chars.map((chars) => (chars * 3) / 4);
      for (const [at, latency] of matchCumulativeAt(session.deltaAtMs.map(fromUpstream), deltaBytes, outbound.doneMs, outbound.bytes)) if (at >= fromMs) down.push(latency);
    }
  });
  return { callerToServerWrite: latencyStats(up), upstreamToServerWrite: latencyStats(down) };
}
