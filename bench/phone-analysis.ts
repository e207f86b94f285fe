/**
 * Turns the stamps of the phone bench's callers (phone-client.ts) and fake upstream
 * (phone-upstream.ts) into added latency and lost audio, per direction, over the measured window.
 *
 * - phone→upstream, per frame by its number (phone-frames.ts): from the phone's send to the arrival of
 *   the append that completes that frame; a number that never arrives is a lost frame, wherever the
 *   server dropped it, and frames without a number are the server's silence padding.
 * - upstream→phone, per frame of each reply by its number (the fake's replies are numbered too): from
 *   the fake's send of the delta holding the frame to the phone's arrival of the `media` carrying it. A
 *   frame that never arrives is cut by a barge-in when a `clear` reached the phone after it was sent and
 *   before any frame of a later reply did (the server drops the interrupted reply's audio still to
 *   come, by design); otherwise it is lost.
 */
import type { PhoneCallResult } from './phone-client.ts';
import { PHONE_FRAME_BYTES } from './phone-frames.ts';
import type { PhoneUpstreamSession } from './phone-upstream.ts';
import { latencyStats, type LatencyStats } from './latency-stats.ts';
import type { ClockAlignment } from './bench-process.ts';

const inside = (at: number, window: Window): boolean => at >= window.fromMs && at <= window.toMs;

interface Window {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface PhoneFlows {
  /** Phone `media` sent → the fake receives the append completing that frame; frames sent in the window. */
  readonly phoneToUpstream: LatencyStats;
  /** Fake sends the `response.output_audio.delta` holding a reply frame → the phone receives that frame's `media`; frames sent in the window. */
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
    /** 160-byte frames of the replies the fake sent (whole calls), and those sent in the window. */
    readonly framesSent: number;
    readonly framesSentInWindow: number;
    /** Frames sent in the window, or outside it, that never reached the phone and no barge-in explains. */
    readonly framesLostInWindow: number;
    readonly framesLostOutsideWindow: number;
    /** Frames the server dropped after a barge-in `clear` (the rest of the interrupted reply). */
    readonly framesCutByBargeIn: number;
    /** `media` the phone received twice, or without a number (e.g. silence completing a partial frame). */
    readonly mediaDuplicated: number;
    readonly mediaUnnumbered: number;
    readonly bytesSentByUpstream: number;
    readonly bytesReceivedByPhone: number;
    readonly mediaMessages: number;
    readonly callsWithClear: number;
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

interface AssistantTotals {
  readonly down: number[];
  readonly downAll: number[];
  sent: number;
  inWindow: number;
  lostIn: number;
  lostOut: number;
  cut: number;
  duplicated: number;
  unnumbered: number;
  bytesSent: number;
  bytesReceived: number;
  media: number;
  withClear: number;
}

/** One call's reply frames, by number, against what the phone received; latencies in the server's clock. */
function addAssistant(t: AssistantTotals, call: PhoneCallResult, session: PhoneUpstreamSession, window: Window, toServer: { client: (at: number) => number; upstream: (at: number) => number }): void {
  const receivedAt = new Map<number, number>();
  /** Per reply, when the phone first received one of its frames. */
  const replyStartAt = new Map<number, number>();
  call.mediaNumbers.forEach((number, i) => {
    const at = toServer.client(call.mediaAtMs[i] ?? Number.NaN);
    if (number < 0) t.unnumbered += 1;
    else if (receivedAt.has(number)) t.duplicated += 1;
    else {
      receivedAt.set(number, at);
      if (!replyStartAt.has(number >> 8)) replyStartAt.set(number >> 8, at);
    }
  });
  const clears = call.clearAtMs.map(toServer.client);
  /** A `clear` after `sentAt` and before the phone heard anything of a later reply. */
  const cutByClear = (reply: number, sentAt: number): boolean => {
    let nextReplyAt = Number.POSITIVE_INFINITY;
    for (const [other, at] of replyStartAt) if (other > reply && at < nextReplyAt) nextReplyAt = at;
    return clears.some((at) => at >= sentAt && at <= nextReplyAt);
  };
  session.replyFrameNumbers.forEach((number, i) => {
    const sentAt = toServer.upstream(session.replyFrameAtMs[i] ?? Number.NaN);
    const counted = inside(sentAt, window);
    t.sent += 1;
    if (counted) t.inWindow += 1;
    const arrived = receivedAt.get(number);
    if (arrived !== undefined) {
      t.downAll.push(arrived - sentAt);
      if (counted) t.down.push(arrived - sentAt);
    } else if (number >= 0 && cutByClear(number >> 8, sentAt)) t.cut += 1;
    else if (counted) t.lostIn += 1;
    else t.lostOut += 1;
  });
  t.bytesSent += session.deltaBytes.reduce((sum, bytes) => sum + bytes, 0);
  t.bytesReceived += call.mediaBytes.reduce((sum, bytes) => sum + bytes, 0);
  t.media += call.mediaBytes.length;
  if (call.clearsReceived > 0) t.withClear += 1;
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
  const a: AssistantTotals = { down: [], downAll: [], sent: 0, inWindow: 0, lostIn: 0, lostOut: 0, cut: 0, duplicated: 0, unnumbered: 0, bytesSent: 0, bytesReceived: 0, media: 0, withClear: 0 };
  let withoutOneSession = 0;
  for (const call of calls) {
    const session = sessionOf(call);
    if (session === undefined) {
      withoutOneSession += 1;
      continue;
    }
    addCaller(caller, call.frameSentAtMs, session, serverWindow, toServer);
    addAssistant(a, call, session, serverWindow, toServer);
  }
  return {
    phoneToUpstream: latencyStats(caller.up),
    upstreamToPhone: latencyStats(a.down),
    phoneToUpstreamWholeCall: latencyStats(caller.upAll),
    upstreamToPhoneWholeCall: latencyStats(a.downAll),
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
      framesSent: a.sent,
      framesSentInWindow: a.inWindow,
      framesLostInWindow: a.lostIn,
      framesLostOutsideWindow: a.lostOut,
      framesCutByBargeIn: a.cut,
      mediaDuplicated: a.duplicated,
      mediaUnnumbered: a.unnumbered,
      bytesSentByUpstream: a.bytesSent,
      bytesReceivedByPhone: a.bytesReceived,
      mediaMessages: a.media,
      callsWithClear: a.withClear,
    },
    callsWithoutOneSession: withoutOneSession,
  };
}
