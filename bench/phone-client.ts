/**
 * Twilio's side of bench/phone.ts, run in a child process (`node --import tsx bench/phone-client.ts`,
 * `PHONE_BENCH_CLIENT=1`) so the simulated phone network's CPU stays out of the server's measurement.
 * Each call is what Twilio does for an incoming call to a `realtime` number:
 *
 * 1. `POST /twilio/voice`, form-encoded and signed (`X-Twilio-Signature` over the public URL, with the
 *    server's real TWILIO_AUTH_TOKEN), for the call's own number;
 * 2. the TwiML's `<Connect><Stream>` is parsed strictly; the fake Twilio media client
 *    (src/testing/fake-twilio-media/) opens the stream with a signed upgrade and the TwiML's
 *    `<Parameter>`s, and streams one numbered 20 ms μ-law frame (phone-frames.ts) every 20 ms from then
 *    on (drift-corrected) until it hangs up: line silence, except during the measured window's speech
 *    time: 1 s tone bursts, which the fake upstream's energy VAD takes for speech, then 2.5 s of silence;
 * 3. what the server sends is checked as Twilio would (anything but media/mark/clear for this stream is
 *    a 31924 protocol error), played in real time, and each mark echoed once the audio before it played.
 *
 * IPC with the parent (caller-child.ts):
 * - `{ type: 'run', baseUrl, numbers, durationMs, setupConcurrency }` → calls are set up (at most
 *   `setupConcurrency` at a time, streaming silence meanwhile); once all stream,
 *   `{ type: 'started', callIds, windowStartAtMs }`; callers speak until `windowStartAtMs + durationMs`,
 *   then `PLAYOUT_MS` of silence lets the last replies play, then `{ type: 'streamed', windowEndAtMs }`;
 * - `{ type: 'hangup' }` → every call hangs up (`stop`, clean close) → `{ type: 'done', calls, stats }`.
 */
import { twilioSignatureOf } from '../src/services/telephony/twilio-signature.ts';
import { toneAudio } from '../src/testing/fake-openai-realtime/index.ts';
import { connectFakeTwilioMedia, type ConnectedFakeTwilio } from '../src/testing/fake-twilio-media/index.ts';
import { connectStreamOf } from '../src/testing/twiml-parser.ts';
import { newCallSid, TEST_PUBLIC_URL, TEST_TWILIO_AUTH_TOKEN, voiceParams } from '../src/testing/twilio-webhooks.ts';
import { benchClock, describeError, nowMs, ProcessMonitor, type ProcessStats } from './bench-process.ts';
import { BURST_MS, PERIOD_MS, PLAYOUT_MS, serveCallers, streamedThenHangUp } from './caller-child.ts';
import { frameNumberAt, numberFrame, PHONE_FRAME_BYTES } from './phone-frames.ts';

const FRAME_MS = 20;
const MULAW_SILENCE = 0xff;
/** Settling time between the last call's stream opening and the measured window. */
const SETTLE_MS = 1000;

export interface PhoneCallResult {
  readonly index: number;
  readonly callId: string;
  readonly callSid: string;
  /** Setup: the voice webhook's round trip, and the WebSocket upgrade's. */
  readonly webhookMs: number;
  readonly upgradeMs: number;
  /** Send time of every 160-byte `media` frame, in order: index k is frame number k (phone-frames.ts). */
  readonly frameSentAtMs: number[];
  /** Arrival time, decoded size and frame number (phone-frames.ts; -1 for none) of every `media` the server sent, in order. */
  readonly mediaAtMs: number[];
  readonly mediaBytes: number[];
  readonly mediaNumbers: number[];
  /** Arrival of every `clear` (a barge-in). */
  readonly clearAtMs: number[];
  readonly marksReceived: number;
  readonly clearsReceived: number;
  readonly marksEchoed: number;
  readonly marksEchoedOnClear: number;
  /** Bytes the phone finished playing, and bytes a `clear` threw away. */
  readonly playedBytes: number;
  readonly droppedBytes: number;
  /** Server messages Twilio would refuse (31924), with the first few reasons. */
  readonly protocolErrors: number;
  readonly protocolErrorSamples: string[];
  /** Close code of the stream (1000 after a clean hang-up), null if it never closed. */
  readonly closeCode: number | null;
  /** Whether the server closed the stream before the caller hung up. */
  readonly closedEarly: boolean;
  readonly errors: string[];
}

export type PhoneParentMessage =
  | { readonly type: 'ping'; readonly id: number }
  | { readonly type: 'run'; readonly baseUrl: string; readonly numbers: readonly string[]; readonly durationMs: number; readonly setupConcurrency: number }
  | { readonly type: 'hangup' };

export type PhoneChildMessage =
  | { readonly type: 'pong'; readonly id: number; readonly atMs: number }
  | { readonly type: 'started'; readonly callIds: string[]; readonly windowStartAtMs: number; readonly setupMs: number }
  | { readonly type: 'streamed'; readonly windowEndAtMs: number }
  | { readonly type: 'done'; readonly calls: PhoneCallResult[]; readonly stats: ProcessStats }
  | { readonly type: 'failed'; readonly message: string };

/** 1 s of 440 Hz tone in μ-law, cut into 20 ms frames by position in the burst. */
const burst = toneAudio(BURST_MS, { type: 'audio/pcmu' });

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface LiveCall {
  readonly connection: ConnectedFakeTwilio;
  readonly result: Mutable<PhoneCallResult>;
  readonly streaming: Promise<void>;
}

/** The measured window's speech time, in which callers speak (tone bursts); line silence before and after it. */
let speech: { readonly fromMs: number; readonly toMs: number } | null = null;

function send(message: PhoneChildMessage): void {
  process.send?.(message);
}

/** What Twilio says for caller `index`: a distinct caller number, E.164. */
function callerNumber(index: number): string {
  return `+1555${String(2_000_000 + index)}`;
}

/** Frame `sequence` of a call: the burst's tone at this point of its speech pattern, or line silence; numbered (phone-frames.ts). */
function nextFrame(dueAtMs: number, phaseMs: number, sequence: number): Uint8Array {
  const frame = new Uint8Array(PHONE_FRAME_BYTES).fill(MULAW_SILENCE);
  if (speech !== null && dueAtMs >= speech.fromMs && dueAtMs < speech.toMs) {
    const position = (dueAtMs - speech.fromMs + phaseMs) % PERIOD_MS;
    if (position < BURST_MS) {
      const offset = Math.floor(position / FRAME_MS) * PHONE_FRAME_BYTES;
      frame.set(burst.subarray(offset, offset + PHONE_FRAME_BYTES));
    }
  }
  return numberFrame(frame, sequence);
}

/**
 * Sends a numbered frame every 20 ms on an ideal grid from now until the call stops streaming (the
 * hang-up): speech bursts by phase within the speech time, line silence otherwise (a phone line never
 * goes quiet, so the server's silence padding only steps in when the phone really stalled).
 */
async function stream(call: Pick<LiveCall, 'connection' | 'result'>, phaseMs: number): Promise<void> {
  const { twilio } = call.connection;
  const startAtMs = nowMs();
  for (let k = 0; ; k += 1) {
    const dueAtMs = startAtMs + k * FRAME_MS;
    const waitMs = dueAtMs - nowMs();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    if (twilio.state !== 'streaming') return;
    // Exactly one frame's worth is queued, so the fake sends these bytes as they are.
    twilio.say(nextFrame(dueAtMs, phaseMs, k));
    call.result.frameSentAtMs.push(nowMs());
    twilio.sendFrames(1);
    // The fake keeps every frame it sent; the bench has its own record (stamps), so let them go.
    if (k % 50 === 0) twilio.sentAudio.length = 0;
  }
}

async function startCall(baseUrl: string, number: string, index: number): Promise<LiveCall> {
  const callSid = newCallSid();
  const params = voiceParams({ to: number, from: callerNumber(index), callSid });
  const webhookAt = nowMs();
  const response = await fetch(`${baseUrl}/twilio/voice`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignatureOf(TEST_TWILIO_AUTH_TOKEN, `${TEST_PUBLIC_URL}/twilio/voice`, params) },
    body: new URLSearchParams(params).toString(),
  });
  const twiml = await response.text();
  if (!response.ok) throw new Error(`call ${String(index)}: POST /twilio/voice answered ${String(response.status)}: ${twiml.slice(0, 200)}`);
  const { url, parameters } = connectStreamOf(twiml);
  const upgradeAt = nowMs();
  // Twilio connects to the public wss:// URL of the TwiML (here the local address behind it) and signs that URL.
  const connection = await connectFakeTwilioMedia({
    url: `${baseUrl.replace(/^http/, 'ws')}${new URL(url).pathname}`,
    headers: { 'X-Twilio-Signature': twilioSignatureOf(TEST_TWILIO_AUTH_TOKEN, url) },
    customParameters: parameters,
    callSid,
    clock: benchClock,
    pacedMedia: false,
  });
  const connectedAt = nowMs();
  const result: Mutable<PhoneCallResult> = {
    index,
    callId: parameters.callId ?? '',
    callSid,
    webhookMs: upgradeAt - webhookAt,
    upgradeMs: connectedAt - upgradeAt,
    frameSentAtMs: [],
    mediaAtMs: [],
    mediaBytes: [],
    mediaNumbers: [],
    clearAtMs: [],
    marksReceived: 0,
    clearsReceived: 0,
    marksEchoed: 0,
    marksEchoedOnClear: 0,
    playedBytes: 0,
    droppedBytes: 0,
    protocolErrors: 0,
    protocolErrorSamples: [],
    closeCode: null,
    closedEarly: false,
    errors: [],
  };
  // A phone line never stops sending: the stream starts the moment the socket is open.
  const streaming = stream({ connection, result }, (index * 137) % PERIOD_MS).catch((error: unknown) => {
    result.errors.push(describeError(error));
  });
  return { connection, result, streaming };
}

/** Runs `task` for 0..count-1, at most `concurrency` at a time, results in index order. */
async function pool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

function finish(call: LiveCall, hungUp: boolean): PhoneCallResult {
  const { twilio } = call.connection;
  const { result } = call;
  for (const message of twilio.received) {
    if (message.event === 'media') {
      result.mediaAtMs.push(message.atMs);
      result.mediaBytes.push(message.payload.byteLength);
      result.mediaNumbers.push(frameNumberAt(message.payload, 0));
    } else if (message.event === 'mark') result.marksReceived += 1;
    else {
      result.clearsReceived += 1;
      result.clearAtMs.push(message.atMs);
    }
  }
  result.marksEchoed = twilio.echoes.length;
  result.marksEchoedOnClear = twilio.echoes.filter((echo) => echo.onClear).length;
  result.playedBytes = twilio.playback.playedBytes;
  result.droppedBytes = twilio.playback.droppedBytes;
  result.protocolErrors = twilio.protocolErrors.length;
  result.protocolErrorSamples = twilio.protocolErrors.slice(0, 3).map((error) => `${error.reason}: ${error.text}`);
  result.closeCode = twilio.closeCode;
  result.closedEarly = !hungUp;
  return result;
}

async function run(baseUrl: string, numbers: readonly string[], durationMs: number, setupConcurrency: number): Promise<void> {
  const setupStart = nowMs();
  const calls = await pool(numbers.length, setupConcurrency, (index) => startCall(baseUrl, numbers[index] ?? '', index));
  const setupMs = nowMs() - setupStart;
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const monitor = new ProcessMonitor();
  monitor.start();
  const windowStartAtMs = nowMs();
  speech = { fromMs: windowStartAtMs, toMs: windowStartAtMs + durationMs };
  send({ type: 'started', callIds: calls.map((call) => call.result.callId), windowStartAtMs, setupMs });
  // Speech for `durationMs`, then line silence while the last replies play out (and their marks are echoed).
  await new Promise((resolve) => setTimeout(resolve, durationMs + PLAYOUT_MS));
  const stats = monitor.stop();
  await streamedThenHangUp({ type: 'streamed', windowEndAtMs: nowMs() } satisfies PhoneChildMessage);
  const results = await Promise.all(
    calls.map(async (call) => {
      const { twilio, closed } = call.connection;
      const open = twilio.state === 'streaming';
      twilio.hangUp();
      await call.streaming;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => {
          resolve(null);
        }, 10_000);
      });
      if ((await Promise.race([closed, timeout])) === null) call.result.errors.push('the stream did not close within 10 s of the hang-up');
      clearTimeout(timer);
      return finish(call, open);
    }),
  );
  send({ type: 'done', calls: results, stats });
}

if (process.env.PHONE_BENCH_CLIENT === '1') {
  serveCallers((message: Extract<PhoneParentMessage, { type: 'run' }>) => run(message.baseUrl, message.numbers, message.durationMs, message.setupConcurrency));
}
