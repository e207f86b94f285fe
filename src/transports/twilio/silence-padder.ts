/**
 * Keeps the caller's audio flowing when Twilio's inbound media stalls. An engine with server VAD only
 * ends the caller's turn when it hears the silence after it; if the network holds Twilio's frames, the
 * turn hangs. After `stallMs` without a `media` message, μ-law silence frames are fed at real-time pace
 * (frames due are computed from the clock, so a late timer catches up instead of drifting) until media
 * resumes. Nothing is padded before `start()` or after `stop()`.
 *
 * No timer is set per message: one watchdog fires at most every `stallMs` and re-arms itself from the
 * time of the latest media, so a healthy stream costs nothing per frame. The watchdog's check is
 * deferred past the event loop's I/O poll (`setImmediate`): Node runs due timers before it reads
 * sockets, so after the loop was busy for a while, media already waiting in the socket would
 * otherwise look like a stall and get silence inserted before it.
 *
 * A stream that has been silent for `timeoutMs` (no message of any kind) is dead: padding stops and
 * `onTimeout` is called once.
 */
import type { Clock } from '../../core/clock.ts';
import { FRAME_MS, silenceFrame } from './twilio-playout.ts';

export interface SilencePadderParams {
  readonly clock: Clock;
  readonly stallMs: number;
  readonly timeoutMs: number;
  /** One 20 ms frame of μ-law silence to deliver as caller audio. */
  readonly onSilence: (frame: Uint8Array) => void;
  readonly onTimeout: () => void;
  /** Runs the watchdog's check after pending I/O; default `setImmediate`. Tests pass `(fn) => fn()`. */
  readonly defer?: (fn: () => void) => void;
}

function afterPendingIo(fn: () => void): void {
  setImmediate(fn);
}

export class SilencePadder {
  readonly #params: SilencePadderParams;
  #running = false;
  #lastMediaAtMs = 0;
  #lastMessageAtMs = 0;
  /** When the current stall's padding began, or null while media flows. */
  #padStartAtMs: number | null = null;
  #padFrames = 0;
  #cancelTimer: () => void = () => undefined;
  /** Silence frames fed in total. */
  paddedFrames = 0;

  constructor(params: SilencePadderParams) {
    this.#params = params;
  }

  get padding(): boolean {
    return this.#padStartAtMs !== null;
  }

  /** The stream is live from now (a stall is measured from the later of now and the last media). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const nowMs = this.#params.clock.nowMs();
    this.#lastMediaAtMs = Math.max(this.#lastMediaAtMs, nowMs);
    this.#lastMessageAtMs = Math.max(this.#lastMessageAtMs, nowMs);
    this.#armWatchdog(this.#lastMediaAtMs + this.#params.stallMs);
  }

  /** Real caller audio arrived: padding (if any) stops before it is delivered. */
  mediaArrived(): void {
    const nowMs = this.#params.clock.nowMs();
    this.#lastMediaAtMs = nowMs;
    this.#lastMessageAtMs = nowMs;
    if (this.#padStartAtMs === null) return;
    this.#padStartAtMs = null;
    if (this.#running) this.#armWatchdog(nowMs + this.#params.stallMs);
  }

  /** Any other message: proves the stream is alive, but is no audio. */
  messageArrived(): void {
    this.#lastMessageAtMs = this.#params.clock.nowMs();
  }

  /** Idempotent; no silence is fed after it. */
  stop(): void {
    this.#running = false;
    this.#padStartAtMs = null;
    this.#cancelTimer();
  }

  #armWatchdog(atMs: number): void {
    this.#cancelTimer();
    const delayMs = Math.max(0, atMs - this.#params.clock.nowMs());
    const defer = this.#params.defer ?? afterPendingIo;
    this.#cancelTimer = this.#params.clock.setTimer(delayMs, () => {
      defer(() => {
        this.#tick();
      });
    });
  }

  #tick(): void {
    if (!this.#running) return;
    const { clock, stallMs, timeoutMs } = this.#params;
    const nowMs = clock.nowMs();
    if (nowMs - this.#lastMessageAtMs >= timeoutMs) {
      this.stop();
      this.#params.onTimeout();
      return;
    }
    if (this.#padStartAtMs === null) {
      if (nowMs - this.#lastMediaAtMs < stallMs) {
        this.#armWatchdog(this.#lastMediaAtMs + stallMs);
        return;
      }
      this.#padStartAtMs = nowMs;
      this.#padFrames = 0;
    }
    const padStartAtMs = this.#padStartAtMs;
    const due = Math.floor((nowMs - padStartAtMs) / FRAME_MS) + 1;
    // `onSilence` may stop the padder (the call ends): re-check before every frame.
    while (this.#padFrames < due && this.padding) {
      this.#padFrames += 1;
      this.paddedFrames += 1;
      this.#params.onSilence(silenceFrame());
    }
    if (this.padding) this.#armWatchdog(padStartAtMs + this.#padFrames * FRAME_MS);
  }
}
