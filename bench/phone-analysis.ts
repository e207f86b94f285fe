/**
 * Turns the stamps of the phone bench's callers (phone-client.ts) and fake upstream
 * (phone-upstream.ts) into added latency and lost audio, per direction, over the measured window.
 *
 * - phone→upstream, per frame by its number (phone-frames.ts): from the phone's send to the arrival of
 *   the append that completes that frame; a number that never arrives is a lost frame, wherever the
 *   server dropped it, and frames without a number are the server's silence padding.
 * - upstream→phone, by cumulative bytes per call (relay-analysis.ts `matchCumulative`): from the fake's
 *   send of a delta to the arrival of the `media` that completes its bytes. A barge-in (`clear`) lets the
 *   server drop the rest of the interrupted reply, after which cumulative bytes no longer line up, so a
 *   call that saw a `clear` is left out of these figures and counted apart.
 */
import type { PhoneCallResult } from './phone-client.ts';
import { PHONE_FRAME_BYTES } from './phone-frames.ts';
import type { PhoneUpstreamSession } from './phone-upstream.ts';
import { latencyStats, matchCumulative, type LatencyStats } from './relay-analysis.ts';
import type { ClockAlignment } from './relay-process.ts';

const inside = (at: number, window: Window): boolean => at >= window.fromMs && at <= window.toMs;

interface Window {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface PhoneFlows {
  /** Phone `media` sent → the fake receives the append completing that frame; frames sent in the window. */
  readonly phoneToUpstream: LatencyStats;
  /** Fake sends `response.output_audio.delta` → the phone receives the `media` completing it; deltas sent in the window. */
  readonly upstreamToPhone: LatencyStats;
  /** The same over each call's whole life (set-up, engine connect, teardown included). */
  readonly phoneToUpstreamWholeCall: LatencyStats;
  readonly upstreamToPhoneWholeCall: LatencyStats;
  readonly caller: {
    readonly framesSent: number;
    readonly framesSentInWindow: number;
    /** Frames sent in the window that never reached the upstream. */
    readonly framesLostInWindow: number;
    /** Frames sent before the window (while calls were set up) or after it (teardown) that never arrived. */
    readonly framesLostBeforeWindow: number;
    readonly framesLostAfterWindow: number;
    /** Frames the upstream received twice, and frames without a number (the server's silence padding). */
    readonly framesDuplicated: number;
    readonly framesPaddedByServer: number;
    /** Bytes after the last whole frame of a session (0 unless the server cut frames apart). */
    readonly trailingBytes: number;
    readonly bytesSent: number;
    readonly bytesReceivedByUpstream: number;
  };
  readonly assistant: {
    readonly deltas: number;
    readonly deltasInWindow: number;
    /** Deltas sent in the window whose bytes never reached the phone (calls without a `clear`). */
    readonly deltasLostInWindow: number;
    readonly bytesSentByUpstream: number;
    readonly bytesReceivedByPhone: number;
    /** Sent − received over calls without a `clear` (audio in flight at the hang-up counts here). */
    readonly lostBytes: number;
    readonly mediaMessages: number;
    /** Calls that saw a barge-in `clear`: left out of the latency and loss figures above. */
    readonly callsWithClear: number;
    readonly bytesNotDeliveredInCallsWithClear: number;
  };
  /** Calls with no upstream session, or more than one. */
  readonly callsWithoutOneSession: number;
}

/** `phone bench call <n>` → n. */
function callIndexOf(instructions: string): number | null {
  const match = /phone bench call (\d+)/.exec(instructions);
  return match ? Number(match[1]) : null;
}

/** The upstream session of each call: the one named by its index (none when there is none, or several). */
export function sessionsByCall(sessions: readonly PhoneUpstreamSession[]): (call: PhoneCallResult) => PhoneUpstreamSession | undefined {
  const byIndex = new Map<number, PhoneUpstreamSession[]>();
  for (const session of sessions) {
    const index = callIndexOf(session.instructions);
    if (index !== null) byIndex.set(index, [...(byIndex.get(index) ?? []), session]);
  }
  return (call) => {
    const matched = byIndex.get(call.index) ?? [];
    return matched.length === 1 ? matched[0] : undefined;
  };
}

interface CallerTotals {
  readonly up: number[];
  readonly upAll: number[];
  framesSent: number;
  framesInWindow: number;
  lostIn: number;
  lostBefore: number;
  lostAfter: number;
  duplicated: number;
  padded: number;
  trailing: number;
  bytesAtUpstream: number;
}

/** One call's frames, by number, against what the upstream received; latencies in the server's clock. */
function addCaller(t: CallerTotals, sentAt: readonly number[], session: PhoneUpstreamSession, window: Window, toServer: { client: (at: number) => number; upstream: (at: number) => number }): void {
  const arrivedAt = new Map<number, number>();
  session.frameNumbers.forEach((number, i) => {
    if (number < 0) t.padded += 1;
    else if (arrivedAt.has(number)) t.duplicated += 1;
    else arrivedAt.set(number, toServer.upstream(session.frameAtMs[i] ?? Number.NaN));
  });
  sentAt.forEach((clientAt, k) => {
    const at = toServer.client(clientAt);
    const arrived = arrivedAt.get(k & 0xffff);
    const counted = inside(at, window);
    if (counted) t.framesInWindow += 1;
    if (arrived === undefined) {
      if (counted) t.lostIn += 1;
      else if (at < window.fromMs) t.lostBefore += 1;
      else t.lostAfter += 1;
      return;
    }
    t.upAll.push(arrived - at);
    if (counted) t.up.push(arrived - at);
  });
  t.framesSent += sentAt.length;
  t.trailing += session.trailingBytes;
  t.bytesAtUpstream += session.bytesReceived;
}

/**
 * Matches each call with the fake's session named by its index; every stamp is moved onto the
 * server's clock (`clocks`: each child's offset from the server process). `window` is in the callers' clock.
 */
export function analysePhoneFlows(
  calls: readonly PhoneCallResult[],
  sessions: readonly PhoneUpstreamSession[],
  clocks: { readonly callers: ClockAlignment; readonly upstream: ClockAlignment },
  window: Window,
): PhoneFlows {
  const sessionOf = sessionsByCall(sessions);
  const toServer = { client: (at: number): number => at - clocks.callers.offsetMs, upstream: (at: number): number => at - clocks.upstream.offsetMs };
  const serverWindow = { fromMs: toServer.client(window.fromMs), toMs: toServer.client(window.toMs) };
  const caller: CallerTotals = { up: [], upAll: [], framesSent: 0, framesInWindow: 0, lostIn: 0, lostBefore: 0, lostAfter: 0, duplicated: 0, padded: 0, trailing: 0, bytesAtUpstream: 0 };
  const down: number[] = [];
  const downAll: number[] = [];
  const a = { deltas: 0, inWindow: 0, lost: 0, sent: 0, received: 0, media: 0, withClear: 0, notDeliveredWithClear: 0 };
  let withoutOneSession = 0;
  for (const call of calls) {
    const session = sessionOf(call);
    if (session === undefined) {
      withoutOneSession += 1;
      continue;
    }
    addCaller(caller, call.frameSentAtMs, session, serverWindow, toServer);
    const deltaAt = session.deltaAtMs.map(toServer.upstream);
    const sent = session.deltaBytes.reduce((sum, bytes) => sum + bytes, 0);
    const received = call.mediaBytes.reduce((sum, bytes) => sum + bytes, 0);
    a.deltas += deltaAt.length;
    a.inWindow += deltaAt.filter((at) => inside(at, serverWindow)).length;
    a.media += call.mediaBytes.length;
    if (call.clearsReceived > 0) {
      a.withClear += 1;
      a.notDeliveredWithClear += sent - received;
      continue;
    }
    a.sent += sent;
    a.received += received;
    const latencies = matchCumulative(deltaAt, session.deltaBytes, call.mediaAtMs.map(toServer.client), call.mediaBytes);
    deltaAt.forEach((at, k) => {
      const latency = latencies[k];
      if (latency !== undefined) downAll.push(latency);
      if (!inside(at, serverWindow)) return;
      if (latency === undefined) a.lost += 1;
      else down.push(latency);
    });
  }
  return {
    phoneToUpstream: latencyStats(caller.up),
    upstreamToPhone: latencyStats(down),
    phoneToUpstreamWholeCall: latencyStats(caller.upAll),
    upstreamToPhoneWholeCall: latencyStats(downAll),
    caller: {
      framesSent: caller.framesSent,
      framesSentInWindow: caller.framesInWindow,
      framesLostInWindow: caller.lostIn,
      framesLostBeforeWindow: caller.lostBefore,
      framesLostAfterWindow: caller.lostAfter,
      framesDuplicated: caller.duplicated,
      framesPaddedByServer: caller.padded,
      trailingBytes: caller.trailing,
      bytesSent: caller.framesSent * PHONE_FRAME_BYTES,
      bytesReceivedByUpstream: caller.bytesAtUpstream,
    },
    assistant: {
      deltas: a.deltas,
      deltasInWindow: a.inWindow,
      deltasLostInWindow: a.lost,
      bytesSentByUpstream: a.sent,
      bytesReceivedByPhone: a.received,
      lostBytes: a.sent - a.received,
      mediaMessages: a.media,
      callsWithClear: a.withClear,
      bytesNotDeliveredInCallsWithClear: a.notDeliveredWithClear,
    },
    callsWithoutOneSession: withoutOneSession,
  };
}
