import type { Notifications, Unlisten } from '../store/database.ts';

/**
 * Test support: `LISTEN`/`NOTIFY` without a database, delivered like PGlite does (each listener of the
 * channel, the sender's own included, in a microtask after `notify`). Records every payload sent.
 */
export class InMemoryNotifications implements Notifications {
  readonly sent: Array<{ readonly channel: string; readonly payload: string }> = [];
  readonly #listeners = new Map<string, Set<(payload: string) => void>>();

  listen(channel: string, onPayload: (payload: string) => void): Promise<Unlisten> {
    const listeners = this.#listeners.get(channel) ?? new Set();
    this.#listeners.set(channel, listeners);
    // A wrapper per subscription, so the same callback subscribed twice is two listeners.
    const listener = (payload: string): void => {
      onPayload(payload);
    };
    listeners.add(listener);
    return Promise.resolve(() => {
      listeners.delete(listener);
      return Promise.resolve();
    });
  }

  notify(channel: string, payload: string): Promise<void> {
    this.sent.push({ channel, payload });
    for (const listener of this.#listeners.get(channel) ?? []) {
      queueMicrotask(() => {
        listener(payload);
      });
    }
    return Promise.resolve();
  }

  /** Listeners subscribed to `channel` now. */
  listenerCount(channel: string): number {
    return this.#listeners.get(channel)?.size ?? 0;
  }
}
