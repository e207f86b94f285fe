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
import { frameNumberAt } from './phone-frames.ts';
import type { PhoneUpstreamSession } from './phone-upstream.ts';
import { latencyStats, matchCumulative, type LatencyStats } from './relay-analysis.ts';
import { nowMs, type ClockAlignment } from './relay-process.ts';

const PAYLOAD_KEY = '"payload":"';

interface Stamps {
  readonly atMs: number[];
  readonly values: number[];
}

function stampsOf(map: Map<string, Stamps>, callId: string): Stamps {
  let stamps = map.get(callId);
  if (stamps === undefined) {
    stamps = { atMs: [], values: [] };
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

export class ServerStages {
  /** By call id: when the bridge was handed each numbered phone frame, and its number. */
  readonly inbound = new Map<string, Stamps>();
  /** By call id: when the runtime handed the bridge assistant audio, and how many bytes. */
  readonly outbound = new Map<string, Stamps>();

  /** Wraps the bridge's methods; the returned function puts them back. */
  install(): () => void {
    const { inbound, outbound } = this;
    const receive = Object.getOwnPropertyDescriptor(TwilioMediaStream.prototype, 'receive')?.value as TwilioMediaStream['receive'];
    const sendAudio = Object.getOwnPropertyDescriptor(TwilioCallTransport.prototype, 'sendAudio')?.value as TwilioCallTransport['sendAudio'];
    TwilioMediaStream.prototype.receive = function (this: TwilioMediaStream, text: string): void {
      const atMs = nowMs();
      receive.call(this, text);
      const callId = this.transport?.callId;
      if (callId === undefined || !text.startsWith('{"event":"media"')) return;
      const number = frameNumberOf(text);
      if (number < 0) return;
      const stamps = stampsOf(inbound, callId);
      stamps.atMs.push(atMs);
      stamps.values.push(number);
    };
    TwilioCallTransport.prototype.sendAudio = function (this: TwilioCallTransport, itemId, chunk): void {
      const stamps = stampsOf(outbound, this.callId);
      stamps.atMs.push(nowMs());
      stamps.values.push(chunk.data.byteLength);
      sendAudio.call(this, itemId, chunk);
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
}

/**
 * The two halves of each direction over the window (server clock), for calls that matched one session
 * and saw no `clear`. Samples are matched as in phone-analysis.ts: by frame number inbound, by
 * cumulative bytes outbound.
 */
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
  const split = { phoneToBridge: [] as number[], bridgeToUpstream: [] as number[], upstreamToBridge: [] as number[], bridgeToPhone: [] as number[] };
  for (const call of calls) {
    const session = sessionOf(call);
    const received = stages.inbound.get(call.callId);
    if (session === undefined || received === undefined) continue;
    const atBridge = new Map<number, number>();
    received.values.forEach((number, i) => {
      if (!atBridge.has(number)) atBridge.set(number, received.atMs[i] ?? Number.NaN);
    });
    const atUpstream = new Map<number, number>();
    session.frameNumbers.forEach((number, i) => {
      if (number >= 0 && !atUpstream.has(number)) atUpstream.set(number, upstream(session.frameAtMs[i] ?? Number.NaN));
    });
    call.frameSentAtMs.forEach((sentAt, k) => {
      const at = client(sentAt);
      const bridge = atBridge.get(k & 0xffff);
      const fake = atUpstream.get(k & 0xffff);
      if (!inside(at) || bridge === undefined || fake === undefined) return;
      split.phoneToBridge.push(bridge - at);
      split.bridgeToUpstream.push(fake - bridge);
    });
    const handed = stages.outbound.get(call.callId);
    if (handed === undefined || call.clearsReceived > 0) continue;
    const deltaAt = session.deltaAtMs.map(upstream);
    const toBridge = matchCumulative(deltaAt, session.deltaBytes, handed.atMs, handed.values);
    const toPhone = matchCumulative(handed.atMs, handed.values, call.mediaAtMs.map(client), call.mediaBytes);
    deltaAt.forEach((at, k) => {
      const latency = toBridge[k];
      if (inside(at) && latency !== undefined) split.upstreamToBridge.push(latency);
    });
    handed.atMs.forEach((at, k) => {
      const latency = toPhone[k];
      if (inside(at) && latency !== undefined) split.bridgeToPhone.push(latency);
    });
  }
  return {
    phoneToBridge: latencyStats(split.phoneToBridge),
    bridgeToUpstream: latencyStats(split.bridgeToUpstream),
    upstreamToBridge: latencyStats(split.upstreamToBridge),
    bridgeToPhone: latencyStats(split.bridgeToPhone),
  };
}
