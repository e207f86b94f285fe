/**
 * Optional stamps inside the measured server (`--stages`), to say where the added latency goes: when
 * the Twilio bridge is handed each phone message (before parsing) and when the runtime hands it each
 * chunk of assistant audio. They split each direction in two:
 *
 * - phone→upstream: phone send → bridge receives the frame (network, and waiting for the server's
 *   event loop) | bridge → fake receives the append (the server's own work: validation, runtime, engine,
 *   the upstream socket, and the fake's loop);
 * - upstream→phone: fake send → runtime hands the audio to the bridge (the upstream socket, waiting
 *   for the loop, engine and runtime work) | bridge → phone receives the `media` (framing, the phone
 *   socket, and the phone's loop).
 *
 * It wraps two prototype methods of the bridge for the level's duration; the cost is a clock read and
 * a few array pushes per message (a frame number is read from the first bytes of each `media`).
 */
import { TwilioCallTransport } from '../src/transports/twilio/twilio-call-transport.ts';
import { TwilioMediaStream } from '../src/transports/twilio/twilio-media-stream.ts';
import type { PhoneCallResult } from './phone-client.ts';
import { frameNumberAt, PHONE_FRAME_BYTES } from './phone-frames.ts';
import type { PhoneUpstreamSession } from './phone-upstream.ts';
import { latencyStats, type LatencyStats } from './latency-stats.ts';
import { nowMs, type ClockAlignment } from './bench-process.ts';

const PAYLOAD_KEY = '"payload":"';

interface Stamps {
  /** When the bridge was handed the message. */
  readonly atMs: number[];
  /** When the server's synchronous handling of it returned: the message it causes is written to the next socket. */
  readonly doneMs: number[];
  readonly values: number[];
}

function stampsOf(map: Map<string, Stamps>, callId: string): Stamps {
  let stamps = map.get(callId);
  if (stamps === undefined) {
    stamps = { atMs: [], doneMs: [], values: [] };
    map.set(callId, stamps);
  }
  return stamps;
}

/** The phone frame number in a Twilio `media` message's payload, read from its first base64 characters. */
function frameNumberOf(text: string): number {
  const at = text.indexOf(PAYLOAD_KEY);
  if (at < 0) return -1;
  const start = at + PAYLOAD_KEY.length;
  return frameNumberAt(Buffer.from(text.slice(start, start + 8), 'base64'), 0);
}

/** A worker's stamps as sent over IPC (cluster mode), in the worker's clock. */
export interface StagesExport {
  readonly inbound: [string, Stamps][];
  readonly outbound: [string, Stamps][];
}

export class ServerStages {
  /** By call id: when the bridge was handed each numbered phone frame, and its number. */
  readonly inbound = new Map<string, Stamps>();
  /** By call id: when the runtime handed the bridge assistant audio, and the numbers of the reply frames in it. */
  readonly outbound = new Map<string, Stamps>();

  export(): StagesExport {
    return { inbound: [...this.inbound], outbound: [...this.outbound] };
  }

  /** Every worker's stamps in this process's clock (a worker's `offsetMs` is its clock minus this one's). */
  static merge(parts: readonly { readonly data: StagesExport; readonly clock: { readonly offsetMs: number } }[]): ServerStages {
    const merged = new ServerStages();
    const shift = (stamps: Stamps, offsetMs: number): Stamps => ({
      atMs: stamps.atMs.map((at) => at - offsetMs),
      doneMs: stamps.doneMs.map((at) => at - offsetMs),
      values: stamps.values,
    });
    for (const { data, clock } of parts) {
      for (const [callId, stamps] of data.inbound) merged.inbound.set(callId, shift(stamps, clock.offsetMs));
      for (const [callId, stamps] of data.outbound) merged.outbound.set(callId, shift(stamps, clock.offsetMs));
    }
    return merged;
  }

  /** Wraps the bridge's methods; the returned function puts them back. */
  install(): () => void {
    const { inbound, outbound } = this;
    const receive = Object.getOwnPropertyDescriptor(TwilioMediaStream.prototype, 'receive')?.value as TwilioMediaStream['receive'];
    const sendAudio = Object.getOwnPropertyDescriptor(TwilioCallTransport.prototype, 'sendAudio')?.value as TwilioCallTransport['sendAudio'];
    TwilioMediaStream.prototype.receive = function (this: TwilioMediaStream, text: string): void {
      const atMs = nowMs();
      receive.call(this, text);
      const doneMs = nowMs();
      const callId = this.transport?.callId;
      if (callId === undefined || !text.startsWith('{"event":"media"')) return;
      const number = frameNumberOf(text);
      if (number < 0) return;
      const stamps = stampsOf(inbound, callId);
      stamps.atMs.push(atMs);
      stamps.doneMs.push(doneMs);
      stamps.values.push(number);
    };
    TwilioCallTransport.prototype.sendAudio = function (this: TwilioCallTransport, itemId, chunk): void {
      const atMs = nowMs();
      sendAudio.call(this, itemId, chunk);
      const doneMs = nowMs();
      const stamps = stampsOf(outbound, this.callId);
      // Reply audio arrives in whole numbered frames from the start of each reply (phone-frames.ts).
      for (let offset = 0; offset + PHONE_FRAME_BYTES <= chunk.data.byteLength; offset += PHONE_FRAME_BYTES) {
        stamps.atMs.push(atMs);
        stamps.doneMs.push(doneMs);
        stamps.values.push(frameNumberAt(chunk.data, offset));
      }
    };
    return () => {
      TwilioMediaStream.prototype.receive = receive;
      TwilioCallTransport.prototype.sendAudio = sendAudio;
    };
  }
}

export interface StageSplit {
  readonly phoneToBridge: LatencyStats;
  readonly bridgeToUpstream: LatencyStats;
  readonly upstreamToBridge: LatencyStats;
  readonly bridgeToPhone: LatencyStats;
  /**
   * The latency the server adds: the sender's send (≈ the bytes reaching the server's socket: loopback
   * delivers inside the sender's write) → the server has written the frame to the next socket (the
   * append to the upstream; the `media` to the phone). It leaves out only how long the receiving
   * simulator's own event loop took to read it.
   */
  readonly phoneToServerWrite: LatencyStats;
  readonly upstreamToServerWrite: LatencyStats;
}

/** First time each frame number was seen. */
function firstSeen(numbers: readonly number[], atMs: readonly number[], toServer: (at: number) => number = (at) => at): Map<number, number> {
  const seen = new Map<number, number>();
  numbers.forEach((number, i) => {
    if (number >= 0 && !seen.has(number)) seen.set(number, toServer(atMs[i] ?? Number.NaN));
  });
  return seen;
}

/** For frames sent (by number, in the server's clock) inside the window: both halves, where the frame reached both points. */
function addHalves(
  sent: ReadonlyMap<number, number>,
  middle: ReadonlyMap<number, number>,
  end: ReadonlyMap<number, number>,
  inside: (at: number) => boolean,
  written: ReadonlyMap<number, number>,
  into: { readonly first: number[]; readonly second: number[]; readonly added: number[] },
): void {
  for (const [number, at] of sent) {
    const mid = middle.get(number);
    const last = end.get(number);
    const out = written.get(number);
    if (!inside(at) || mid === undefined || last === undefined || out === undefined) continue;
    into.first.push(mid - at);
    into.second.push(last - mid);
    into.added.push(out - at);
  }
}

/** The two halves of each direction over the window (server clock), matched by frame number like phone-analysis.ts. */
export function splitStages(
  stages: ServerStages,
  calls: readonly PhoneCallResult[],
  sessionOf: (call: PhoneCallResult) => PhoneUpstreamSession | undefined,
  clocks: { readonly callers: ClockAlignment; readonly upstream: ClockAlignment },
  window: { readonly fromMs: number; readonly toMs: number },
): StageSplit {
  const client = (at: number): number => at - clocks.callers.offsetMs;
  const upstream = (at: number): number => at - clocks.upstream.offsetMs;
  const inside = (at: number): boolean => at >= client(window.fromMs) && at <= client(window.toMs);
  const inbound = { first: [] as number[], second: [] as number[], added: [] as number[] };
  const outbound = { first: [] as number[], second: [] as number[], added: [] as number[] };
  for (const call of calls) {
    const session = sessionOf(call);
    const received = stages.inbound.get(call.callId);
    const handed = stages.outbound.get(call.callId);
    if (session === undefined) continue;
    if (received !== undefined) {
      const sent = new Map(call.frameSentAtMs.map((at, k) => [k & 0xffff, client(at)]));
      addHalves(sent, firstSeen(received.values, received.atMs), firstSeen(session.frameNumbers, session.frameAtMs, upstream), inside, firstSeen(received.values, received.doneMs), inbound);
    }
    if (handed !== undefined) {
      const sent = firstSeen(session.replyFrameNumbers, session.replyFrameAtMs, upstream);
      addHalves(sent, firstSeen(handed.values, handed.atMs), firstSeen(call.mediaNumbers, call.mediaAtMs, client), inside, firstSeen(handed.values, handed.doneMs), outbound);
    }
  }
  return {
    phoneToBridge: latencyStats(inbound.first),
    bridgeToUpstream: latencyStats(inbound.second),
    upstreamToBridge: latencyStats(outbound.first),
    bridgeToPhone: latencyStats(outbound.second),
    phoneToServerWrite: latencyStats(inbound.added),
    upstreamToServerWrite: latencyStats(outbound.added),
  };
}
