/**
 * Turns the stamps of the phone bench's callers (phone-client.ts) and fake upstream
 * (phone-upstream.ts) into added latency and lost audio, per direction, over the measured window.
 * Latency is matched by cumulative bytes per call (relay-analysis.ts `matchCumulative`): a frame's
 * latency is from its send to the arrival of the message on the other side that completes its bytes.
 */
import type { TwilioStreamStats } from '../src/transports/twilio/twilio-media-stream.ts';
import type { PhoneCallResult } from './phone-client.ts';
import type { PhoneUpstreamSession } from './phone-upstream.ts';
import { latencyStats, matchCumulative, type LatencyStats } from './relay-analysis.ts';
import type { ClockAlignment } from './relay-process.ts';

/** 20 ms of μ-law 8 kHz: every phone frame, and the grain of every append the server builds from them. */
const FRAME_BYTES = 160;

/**
 * Decoded size of base64 text of `chars` characters holding whole 160-byte frames. The fake records
 * audio payloads only by length (`<N base64 chars elided>`), which leaves the padding unknown
 * (3N/4 − 0, 1 or 2 bytes); exactly one of those is a whole number of frames. Otherwise the upper
 * bound is returned (the exact totals, checked in {@link analysePhoneFlows}, then disagree).
 */
export function frameBytesOfBase64(chars: number): number {
  const upper = (chars / 4) * 3;
  for (let pad = 0; pad <= 2; pad += 1) if ((upper - pad) % FRAME_BYTES === 0) return upper - pad;
  return upper;
}

/** Latencies of the chunks sent inside [fromMs, toMs], and how many of them never arrived. */
function inWindow(
  sendAt: readonly number[],
  sendSizes: readonly number[],
  recvAt: readonly number[],
  recvSizes: readonly number[],
  window: { readonly fromMs: number; readonly toMs: number },
): { readonly all: number[]; readonly window: number[]; readonly lostInWindow: number; readonly lostBytes: number } {
  const latencies = matchCumulative(sendAt, sendSizes, recvAt, recvSizes);
  const inside: number[] = [];
  let lostInWindow = 0;
  let lostBytes = 0;
  sendAt.forEach((at, k) => {
    const latency = latencies[k];
    if (latency === undefined) lostBytes += sendSizes[k] ?? 0;
    if (at < window.fromMs || at > window.toMs) return;
    if (latency === undefined) lostInWindow += 1;
    else inside.push(latency);
  });
  return { all: latencies, window: inside, lostInWindow, lostBytes };
}

export interface PhoneFlows {
  /** Phone `media` sent → the fake receives the append completing it; frames sent in the window. */
  readonly phoneToUpstream: LatencyStats;
  /** Fake sends `response.output_audio.delta` → the phone receives the `media` completing it; deltas sent in the window. */
  readonly upstreamToPhone: LatencyStats;
  /** The same over each call's whole life (set-up, engine connect, teardown included). */
  readonly phoneToUpstreamWholeCall: LatencyStats;
  readonly upstreamToPhoneWholeCall: LatencyStats;
  readonly caller: {
    readonly framesSent: number;
    readonly framesSentInWindow: number;
    /** Frames sent in the window whose bytes never reached the upstream. */
    readonly framesLostInWindow: number;
    readonly bytesSent: number;
    /** Exact decoded bytes the fake received, and the silence the server's padder added (stalls). */
    readonly bytesReceivedByUpstream: number;
    readonly paddedBytesByServer: number;
    /** bytesSent + padding − received: caller audio that never reached the upstream (teardown included). */
    readonly lostBytes: number;
    /** Sum of append sizes inferred from base64 lengths minus the exact total (0 when the inference holds). */
    readonly appendSizeInferenceError: number;
    /** Calls left out of the latency figures because the server padded their stream (a phone stall shifts byte matching). */
    readonly callsPadded: number;
  };
  readonly assistant: {
    readonly deltas: number;
    readonly deltasInWindow: number;
    /** Deltas sent in the window whose bytes never reached the phone. */
    readonly deltasLostInWindow: number;
    readonly bytesSentByUpstream: number;
    readonly bytesReceivedByPhone: number;
    /** Sent − received, whole calls (audio cut by a `clear` or still in flight at the hang-up counts here). */
    readonly lostBytes: number;
    readonly mediaMessages: number;
  };
  /** Calls with no upstream session, or more than one. */
  readonly callsWithoutOneSession: number;
}

/** `phone bench call <n>` → n. */
function callIndexOf(instructions: string): number | null {
  const match = /phone bench call (\d+)/.exec(instructions);
  return match ? Number(match[1]) : null;
}

interface Totals {
  up: number[];
  down: number[];
  upAll: number[];
  downAll: number[];
  framesSent: number;
  framesInWindow: number;
  framesLost: number;
  bytesAtUpstream: number;
  padded: number;
  inferred: number;
  callsPadded: number;
  deltas: number;
  deltasInWindow: number;
  deltasLost: number;
  bytesSentUpstream: number;
  bytesAtPhone: number;
  media: number;
  withoutOneSession: number;
}

/**
 * Matches each call with the fake's session named by its index; every stamp is moved onto the
 * server's clock (`clientClock`, `upstreamClock`: each child's offset from the server process).
 * `window` is in the callers' clock; `serverStats` are the server's stream counters by call id.
 */
export function analysePhoneFlows(
  calls: readonly PhoneCallResult[],
  sessions: readonly PhoneUpstreamSession[],
  clocks: { readonly callers: ClockAlignment; readonly upstream: ClockAlignment },
  window: { readonly fromMs: number; readonly toMs: number },
  serverStats: ReadonlyMap<string, TwilioStreamStats>,
): PhoneFlows {
  const byIndex = new Map<number, PhoneUpstreamSession[]>();
  for (const session of sessions) {
    const index = callIndexOf(session.instructions);
    if (index !== null) byIndex.set(index, [...(byIndex.get(index) ?? []), session]);
  }
  const fromClient = (t: number): number => t - clocks.callers.offsetMs;
  const fromUpstream = (t: number): number => t - clocks.upstream.offsetMs;
  const serverWindow = { fromMs: fromClient(window.fromMs), toMs: fromClient(window.toMs) };
  const t: Totals = { up: [], down: [], upAll: [], downAll: [], framesSent: 0, framesInWindow: 0, framesLost: 0, bytesAtUpstream: 0, padded: 0, inferred: 0, callsPadded: 0, deltas: 0, deltasInWindow: 0, deltasLost: 0, bytesSentUpstream: 0, bytesAtPhone: 0, media: 0, withoutOneSession: 0 };
  for (const call of calls) {
    const matched = byIndex.get(call.index) ?? [];
    const session = matched[0];
    if (matched.length !== 1 || session === undefined) {
      t.withoutOneSession += 1;
      continue;
    }
    const paddedBytes = (serverStats.get(call.callId)?.paddedFrames ?? 0) * FRAME_BYTES;
    const frameAt = call.frameSentAtMs.map(fromClient);
    const appendBytes = session.appendB64Chars.map(frameBytesOfBase64);
    const up = inWindow(frameAt, frameAt.map(() => FRAME_BYTES), session.appendAtMs.map(fromUpstream), appendBytes, serverWindow);
    t.framesSent += frameAt.length;
    t.framesInWindow += frameAt.filter((at) => at >= serverWindow.fromMs && at <= serverWindow.toMs).length;
    t.bytesAtUpstream += session.bytesReceived;
    t.padded += paddedBytes;
    t.inferred += appendBytes.reduce((sum, bytes) => sum + bytes, 0) - session.bytesReceived;
    if (paddedBytes > 0) t.callsPadded += 1;
    else {
      t.up.push(...up.window);
      t.upAll.push(...up.all);
      t.framesLost += up.lostInWindow;
    }
    const deltaAt = session.deltaAtMs.map(fromUpstream);
    const deltaBytes = session.deltaB64Chars.map(frameBytesOfBase64);
    const down = inWindow(deltaAt, deltaBytes, call.mediaAtMs.map(fromClient), call.mediaBytes, serverWindow);
    t.down.push(...down.window);
    t.downAll.push(...down.all);
    t.deltas += deltaAt.length;
    t.deltasInWindow += deltaAt.filter((at) => at >= serverWindow.fromMs && at <= serverWindow.toMs).length;
    t.deltasLost += down.lostInWindow;
    t.bytesSentUpstream += deltaBytes.reduce((sum, bytes) => sum + bytes, 0);
    t.bytesAtPhone += call.mediaBytes.reduce((sum, bytes) => sum + bytes, 0);
    t.media += call.mediaBytes.length;
  }
  return {
    phoneToUpstream: latencyStats(t.up),
    upstreamToPhone: latencyStats(t.down),
    phoneToUpstreamWholeCall: latencyStats(t.upAll),
    upstreamToPhoneWholeCall: latencyStats(t.downAll),
    caller: {
      framesSent: t.framesSent,
      framesSentInWindow: t.framesInWindow,
      framesLostInWindow: t.framesLost,
      bytesSent: t.framesSent * FRAME_BYTES,
      bytesReceivedByUpstream: t.bytesAtUpstream,
      paddedBytesByServer: t.padded,
      lostBytes: t.framesSent * FRAME_BYTES + t.padded - t.bytesAtUpstream,
      appendSizeInferenceError: t.inferred,
      callsPadded: t.callsPadded,
    },
    assistant: {
      deltas: t.deltas,
      deltasInWindow: t.deltasInWindow,
      deltasLostInWindow: t.deltasLost,
      bytesSentByUpstream: t.bytesSentUpstream,
      bytesReceivedByPhone: t.bytesAtPhone,
      lostBytes: t.bytesSentUpstream - t.bytesAtPhone,
      mediaMessages: t.media,
    },
    callsWithoutOneSession: t.withoutOneSession,
  };
}
