/**
 * Fans a call's audio out to its observers (recordings, speech analytics). Each observer is isolated:
 * what one throws is caught and logged (once per observer and callback, so a broken observer cannot
 * flood the log at 50 chunks a second) and the call and the other observers carry on. With no
 * observers every method is a loop over an empty array: nothing is allocated on the hot path.
 */
import type { AudioChunk } from '../audio/format.ts';
import type { Logger } from '../core/logger.ts';
import type { CallAudioObserver } from './ports.ts';

type Callback = 'onCallerAudio' | 'onAgentAudio' | 'onAgentAudioCleared' | 'close';

/** The observers of one call, called in order, each shielded from the others. */
export class AudioObservers {
  readonly #observers: readonly CallAudioObserver[];
  readonly #logger: Logger;
  /** `index:callback` pairs already logged. */
  readonly #reported = new Set<string>();
  #closing: Promise<void> | null = null;

  constructor(observers: readonly CallAudioObserver[], logger: Logger) {
    this.#observers = observers;
    this.#logger = logger;
  }

  get count(): number {
    return this.#observers.length;
  }

  callerAudio(chunk: AudioChunk, atMs: number): void {
    if (this.#closing !== null) return;
    for (let i = 0; i < this.#observers.length; i++) {
      try {
        this.#observers[i]?.onCallerAudio(chunk, atMs);
      } catch (error) {
        this.#report(i, 'onCallerAudio', error);
      }
    }
  }

  agentAudio(itemId: string, chunk: AudioChunk, atMs: number): void {
    if (this.#closing !== null) return;
    for (let i = 0; i < this.#observers.length; i++) {
      try {
        this.#observers[i]?.onAgentAudio(itemId, chunk, atMs);
      } catch (error) {
        this.#report(i, 'onAgentAudio', error);
      }
    }
  }

  agentAudioCleared(itemId: string, heardMs: number, atMs: number): void {
    if (this.#closing !== null) return;
    for (let i = 0; i < this.#observers.length; i++) {
      try {
        this.#observers[i]?.onAgentAudioCleared?.(itemId, heardMs, atMs);
      } catch (error) {
        this.#report(i, 'onAgentAudioCleared', error);
      }
    }
  }

  /**
   * Closes every observer at once and resolves when all have settled (a rejection is logged). Later
   * calls return the same promise; no callback reaches an observer after this. The caller bounds the
   * wait (the session gives up after its close timeout).
   */
  close(atMs: number): Promise<void> {
    this.#closing ??= Promise.all(
      this.#observers.map(async (observer, i) => {
        try {
          await observer.close(atMs);
        } catch (error) {
          this.#report(i, 'close', error);
        }
      }),
    ).then(() => undefined);
    return this.#closing;
  }

  #report(index: number, callback: Callback, error: unknown): void {
    const key = `${index}:${callback}`;
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.#logger.error({ err: error, observer: index, callback }, 'call audio observer failed; later failures of this callback are not logged');
  }
}

/** No observers: the default of a call that records and analyses nothing. */
export const noAudioObservers: readonly CallAudioObserver[] = [];
