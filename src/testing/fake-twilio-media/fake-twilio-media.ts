/**
 * A protocol-faithful fake of Twilio's side of a bidirectional Media Stream (`<Connect><Stream>`), the
 * WebSocket CLIENT. It speaks like Twilio: `connected`, then `start` (stream, call and account sids,
 * `customParameters`, μ-law 8 kHz mono), then one 20 ms `media` frame every 20 ms (the caller's queued
 * speech, or silence: a phone line never stops) with increasing `sequenceNumber`, `chunk` and
 * `timestamp`; `dtmf`, `stop`, and abrupt drops on demand. It plays what the server sends through a
 * {@link TwilioPlayback} and echoes marks as Twilio does. Everything the server sends is recorded;
 * anything Twilio would refuse (31924) lands in `protocolErrors`.
 *
 * It is transport-agnostic: it talks through a {@link TwilioLink} (a real `ws` socket from
 * `connectFakeTwilioMedia`, or an in-memory pipe in unit tests) and keeps time on an injected clock.
 */
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.ts';
import { TwilioPlayback } from './playback.ts';
import { parseServerMessage, type ProtocolError, type ServerMessage } from './server-messages.ts';

/** 20 ms of μ-law 8 kHz. */
export const TWILIO_FRAME_BYTES = 160;
const FRAME_MS = 20;
const MULAW_SILENCE = 0xff;

/** The sending half the fake talks through. */
export interface TwilioLink {
  send(text: string): void;
  /** A clean close (Twilio closes after `stop`). */
  close(code: number): void;
  /** Drops the connection without a close handshake. */
  terminate(): void;
}

export interface FakeTwilioMediaOptions {
  /** The `<Parameter>`s of the `<Stream>` (e.g. `callId`, `streamToken`). */
  readonly customParameters?: Readonly<Record<string, string>>;
  readonly clock?: Clock;
  /** Send a media frame every 20 ms on the clock after `start` (default true). Off: frames go out only through `sendFrames`. */
  readonly pacedMedia?: boolean;
  /** Echo pending marks on `clear`, as Twilio documents (default true). */
  readonly echoMarksOnClear?: boolean;
  readonly streamSid?: string;
  readonly callSid?: string;
  readonly accountSid?: string;
}

/** A Twilio-style sid: two letters and 32 hex digits. */
export function fakeSid(prefix: 'MZ' | 'CA' | 'AC'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

export class FakeTwilioMedia {
  readonly streamSid: string;
  readonly callSid: string;
  readonly accountSid: string;
  /** Every valid message the server sent, in order. */
  readonly received: ServerMessage[] = [];
  /** Messages Twilio would have refused (error 31924). A correct server leaves this empty. */
  readonly protocolErrors: ProtocolError[] = [];
  /** Mark names echoed back to the server, in order. */
  readonly marksEchoed: string[] = [];
  /** The same echoes with when they were sent and whether a `clear` caused them (audio not played). */
  readonly echoes: { readonly name: string; readonly atMs: number; readonly onClear: boolean }[] = [];
  readonly playback: TwilioPlayback;
  /** Caller audio (μ-law) sent in `media` frames, in order. */
  readonly sentAudio: Uint8Array[] = [];
  readonly #link: TwilioLink;
  readonly #clock: Clock;
  readonly #options: FakeTwilioMediaOptions;
  #speech: Uint8Array[] = [];
  #speechOffset = 0;
  #sequence = 0;
  #chunk = 0;
  #startedAtMs = 0;
  #paceStartAtMs = 0;
  #pacedFrames = 0;
  #paused = false;
  #cancelPacer: () => void = () => undefined;
  #state: 'new' | 'streaming' | 'stopped' | 'closed' = 'new';
  #closeCode: number | null = null;

  constructor(link: TwilioLink, options: FakeTwilioMediaOptions = {}) {
    this.#link = link;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.streamSid = options.streamSid ?? fakeSid('MZ');
    this.callSid = options.callSid ?? fakeSid('CA');
    this.accountSid = options.accountSid ?? fakeSid('AC');
    this.playback = new TwilioPlayback({
      clock: this.#clock,
      echoMarksOnClear: options.echoMarksOnClear ?? true,
      echoMark: (name, onClear) => {
        this.#echoMark(name, onClear);
      },
    });
  }

  /** The last mark echoed because its audio played (not because of a `clear`), or null. */
  lastPlayedMark(): string | null {
    for (let i = this.echoes.length - 1; i >= 0; i--) {
      const echo = this.echoes[i];
      if (echo !== undefined && !echo.onClear) return echo.name;
    }
    return null;
  }

  /** The close code the server (or `hangUp`) closed with; null while open. */
  get closeCode(): number | null {
    return this.#closeCode;
  }

  get state(): 'new' | 'streaming' | 'stopped' | 'closed' {
    return this.#state;
  }

  /** Milliseconds of queued caller speech not yet sent. */
  get speechQueuedMs(): number {
    const bytes = this.#speech.reduce((total, chunk) => total + chunk.byteLength, 0) - this.#speechOffset;
    return bytes / 8;
  }

  /** Sends `connected` and `start`, then (paced) media every 20 ms. */
  begin(): void {
    if (this.#state !== 'new') return;
    this.#state = 'streaming';
    this.#link.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    this.#startedAtMs = this.#clock.nowMs();
    this.#send({
      event: 'start',
      start: {
        accountSid: this.accountSid,
        streamSid: this.streamSid,
        callSid: this.callSid,
        tracks: ['inbound'],
        customParameters: this.#options.customParameters ?? {},
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    if (this.#options.pacedMedia ?? true) this.#startPacer();
  }

  /** Queues caller speech (μ-law 8 kHz); it goes out in 20 ms frames ahead of line silence. */
  say(mulaw: Uint8Array): void {
    this.#speech.push(mulaw);
  }

  /** Sends `count` media frames now (queued speech, else silence). */
  sendFrames(count = 1): void {
    for (let i = 0; i < count; i++) this.#sendFrame();
  }

  /** Stops sending media (a network stall) until `resumeMedia`. */
  pauseMedia(): void {
    this.#paused = true;
  }

  /** Resumes after a stall; frames missed meanwhile are not sent (Twilio does not backfill a stall here). */
  resumeMedia(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#paceStartAtMs = this.#clock.nowMs();
    this.#pacedFrames = 0;
  }

  dtmf(digit: string): void {
    this.#send({ event: 'dtmf', dtmf: { track: 'inbound_track', digit } });
  }

  /** Sends any text as is (garbage, for validation tests). */
  sendRaw(text: string): void {
    this.#link.send(text);
  }

  /** The caller hangs up: `stop`, then a clean close, as Twilio does. */
  hangUp(): void {
    if (this.#state !== 'streaming') return;
    this.#send({ event: 'stop', stop: { accountSid: this.accountSid, callSid: this.callSid } });
    this.#state = 'stopped';
    this.#halt();
    this.#link.close(1000);
  }

  /** The connection drops: no `stop`, no close frame. */
  drop(): void {
    this.#halt();
    this.#state = 'closed';
    this.#link.terminate();
  }

  /** Concatenated payloads of every `media` the server sent. */
  receivedAudio(): Uint8Array {
    return Buffer.concat(this.received.flatMap((message) => (message.event === 'media' ? [message.payload] : [])));
  }

  /** Event names of everything the server sent, in order. */
  receivedEvents(): string[] {
    return this.received.map((message) => message.event);
  }

  /** Throws if the server sent anything Twilio would refuse. */
  assertNoProtocolErrors(): void {
    if (this.protocolErrors.length > 0) {
      throw new Error(`server sent messages Twilio refuses (31924): ${this.protocolErrors.map((error) => error.reason).join('; ')}`);
    }
  }

  // ─── From the link ───────────────────────────────────────────────────────────────────────────

  /** A text frame from the server. */
  receive(text: string): void {
    const atMs = this.#clock.nowMs();
    const message = parseServerMessage(text, this.streamSid, atMs);
    if (typeof message === 'string') {
      this.protocolErrors.push({ atMs, reason: message, text: text.slice(0, 200) });
      return;
    }
    this.received.push(message);
    if (this.#state !== 'streaming') return;
    switch (message.event) {
      case 'media':
        this.playback.enqueueMedia(message.payload);
        return;
      case 'mark':
        this.playback.enqueueMark(message.name);
        return;
      case 'clear':
        this.playback.clear();
        return;
    }
  }

  /** A binary frame from the server: Twilio refuses it. */
  receiveBinary(): void {
    this.protocolErrors.push({ atMs: this.#clock.nowMs(), reason: 'binary frame', text: '' });
  }

  /** The connection closed (by the server or after `hangUp`/`drop`). */
  linkClosed(code: number): void {
    this.#closeCode ??= code;
    this.#state = 'closed';
    this.#halt();
  }

  #send(message: Record<string, unknown>): void {
    if (this.#state === 'closed') return;
    this.#sequence += 1;
    this.#link.send(JSON.stringify({ ...message, sequenceNumber: String(this.#sequence), streamSid: this.streamSid }));
  }

  #echoMark(name: string, onClear: boolean): void {
    this.marksEchoed.push(name);
    this.echoes.push({ name, atMs: this.#clock.nowMs(), onClear });
    this.#send({ event: 'mark', mark: { name } });
  }

  #sendFrame(): void {
    if (this.#state !== 'streaming') return;
    const frame = this.#nextFrame();
    this.#chunk += 1;
    this.sentAudio.push(frame);
    const timestamp = Math.max(0, Math.round(this.#clock.nowMs() - this.#startedAtMs));
    this.#send({
      event: 'media',
      media: { track: 'inbound', chunk: String(this.#chunk), timestamp: String(timestamp), payload: Buffer.from(frame).toString('base64') },
    });
  }

  /** The next 160 bytes of queued speech, completed with silence. */
  #nextFrame(): Uint8Array {
    const frame = new Uint8Array(TWILIO_FRAME_BYTES).fill(MULAW_SILENCE);
    let filled = 0;
    while (filled < TWILIO_FRAME_BYTES) {
      const head = this.#speech[0];
      if (head === undefined) break;
      const take = Math.min(TWILIO_FRAME_BYTES - filled, head.byteLength - this.#speechOffset);
      frame.set(head.subarray(this.#speechOffset, this.#speechOffset + take), filled);
      filled += take;
      this.#speechOffset += take;
      if (this.#speechOffset >= head.byteLength) {
        this.#speech.shift();
        this.#speechOffset = 0;
      }
    }
    return frame;
  }

  #startPacer(): void {
    this.#paceStartAtMs = this.#clock.nowMs();
    this.#pacedFrames = 0;
    const tick = (): void => {
      if (this.#state !== 'streaming') return;
      if (this.#paused) {
        this.#cancelPacer = this.#clock.setTimer(FRAME_MS, tick);
        return;
      }
      // Frames due by now on the ideal 20 ms grid: late timers catch up instead of drifting.
      const due = Math.floor((this.#clock.nowMs() - this.#paceStartAtMs) / FRAME_MS) + 1;
      while (this.#pacedFrames < due && this.state === 'streaming') {
        this.#pacedFrames += 1;
        this.#sendFrame();
      }
      const nextAtMs = this.#paceStartAtMs + this.#pacedFrames * FRAME_MS;
      this.#cancelPacer = this.#clock.setTimer(Math.max(1, nextAtMs - this.#clock.nowMs()), tick);
    };
    tick();
  }

  #halt(): void {
    this.#cancelPacer();
    this.playback.dispose();
  }
}
