/**
 * The open connections of one hand-written WebSocket endpoint, each with what serves it: kept alive by
 * ping/pong (a peer that missed the previous pong is terminated) and closed together at shutdown.
 */
import type { WebSocket } from 'ws';
import type { Clock } from '../../core/clock.ts';

interface Peer<T> {
  readonly value: T;
  alive: boolean;
}

export interface KeepaliveOptions {
  readonly clock: Clock;
  readonly pingIntervalMs: number;
  /** Called just before an unresponsive peer is terminated. */
  readonly onUnresponsive?: () => void;
}

export class WebSocketPeers<T> {
  readonly #peers = new Map<WebSocket, Peer<T>>();

  /** Tracks `ws` until it closes; each pong marks it alive. */
  add(ws: WebSocket, value: T): void {
    const peer: Peer<T> = { value, alive: true };
    this.#peers.set(ws, peer);
    ws.on('pong', () => {
      peer.alive = true;
    });
    ws.on('close', () => {
      this.#peers.delete(ws);
    });
  }

  /** Connections open now. */
  get size(): number {
    return this.#peers.size;
  }

  sockets(): WebSocket[] {
    return [...this.#peers.keys()];
  }

  values(): T[] {
    return [...this.#peers.values()].map((peer) => peer.value);
  }

  /** One keepalive round: terminates each peer that has not answered the previous ping and pings the others. */
  #sweep(onUnresponsive: (() => void) | undefined): void {
    for (const [ws, peer] of this.#peers) {
      if (!peer.alive) {
        onUnresponsive?.();
        ws.terminate();
        continue;
      }
      peer.alive = false;
      ws.ping();
    }
  }

  /** Sweeps every `pingIntervalMs` until the returned function is called. */
  startKeepalive({ clock, pingIntervalMs, onUnresponsive }: KeepaliveOptions): () => void {
    const next = (): void => {
      this.#sweep(onUnresponsive);
      cancel = clock.setTimer(pingIntervalMs, next);
    };
    let cancel = clock.setTimer(pingIntervalMs, next);
    return () => {
      cancel();
    };
  }

  /** Closes every connection with 1001 (going away). */
  goAway(): void {
    for (const ws of this.#peers.keys()) ws.close(1001, 'server shutting down');
  }

  terminateAll(): void {
    for (const ws of this.#peers.keys()) ws.terminate();
  }
}

/** Waits until every socket has closed or `waitMs` has passed, then terminates the ones left. */
export async function terminateAfter(sockets: readonly WebSocket[], clock: Clock, waitMs: number): Promise<void> {
  const allClosed = Promise.all(sockets.map((ws) => new Promise<void>((resolve) => ws.once('close', () => { resolve(); }))));
  let cancel: () => void = () => undefined;
  const waited = new Promise<void>((resolve) => (cancel = clock.setTimer(waitMs, resolve)));
  await Promise.race([allClosed, waited]);
  cancel();
  for (const ws of sockets) ws.terminate();
}
