import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../testing/runtime-fakes/index.ts';
import { terminateAfter, WebSocketPeers } from './websocket-peers.ts';

/** The part of a `ws` socket the peers use: pings, pongs, close and terminate, recorded. */
class FakeSocket extends EventEmitter {
  pings = 0;
  terminated = false;
  closedWith: [number, string] | null = null;

  ping(): void {
    this.pings += 1;
  }

  /** Answers the last ping, as a live client does. */
  pong(): void {
    this.emit('pong');
  }

  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
  }

  terminate(): void {
    this.terminated = true;
    this.emit('close', 1006);
  }
}

const asWebSocket = (socket: FakeSocket) => socket as unknown as WebSocket;

describe('WebSocket peers keepalive', () => {
  it('terminates a peer after one missed pong and keeps pinging the ones that answer', () => {
    const clock = new ManualClock();
    const peers = new WebSocketPeers<string>();
    const live = new FakeSocket();
    const dead = new FakeSocket();
    peers.add(asWebSocket(live), 'live');
    peers.add(asWebSocket(dead), 'dead');
    let unresponsive = 0;
    peers.startKeepalive({ clock, pingIntervalMs: 25_000, onUnresponsive: () => (unresponsive += 1) });

    clock.advance(25_000);
    expect([live.pings, dead.pings]).toEqual([1, 1]);
    live.pong();
    clock.advance(25_000);
    expect(dead.terminated).toBe(true);
    expect(unresponsive).toBe(1);
    expect(live.terminated).toBe(false);
    expect(live.pings).toBe(2);
    expect(peers.values()).toEqual(['live']);
  });

  it('does not terminate before the interval has passed twice, and stops when told', () => {
    const clock = new ManualClock();
    const peers = new WebSocketPeers<null>();
    const silent = new FakeSocket();
    peers.add(asWebSocket(silent), null);
    const stop = peers.startKeepalive({ clock, pingIntervalMs: 1000 });
    clock.advance(1999);
    expect(silent.terminated).toBe(false);
    stop();
    clock.advance(10_000);
    expect(silent.terminated).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('forgets a peer once its socket closes', () => {
    const peers = new WebSocketPeers<number>();
    const socket = new FakeSocket();
    peers.add(asWebSocket(socket), 7);
    expect(peers.size).toBe(1);
    socket.emit('close', 1000);
    expect(peers.size).toBe(0);
  });
});

describe('closing WebSocket peers', () => {
  it('goes away with 1001 and terminates on request', () => {
    const peers = new WebSocketPeers<null>();
    const socket = new FakeSocket();
    peers.add(asWebSocket(socket), null);
    peers.goAway();
    expect(socket.closedWith).toEqual([1001, 'server shutting down']);
    peers.terminateAll();
    expect(socket.terminated).toBe(true);
  });

  it('terminates sockets that have not closed once the wait is over', async () => {
    const clock = new ManualClock();
    const slow = new FakeSocket();
    let done = false;
    const closing = terminateAfter([asWebSocket(slow)], clock, 1000).then(() => (done = true));
    clock.advance(999);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await closing;
    expect(slow.terminated).toBe(true);
  });

  it('returns as soon as every socket has closed', async () => {
    const clock = new ManualClock();
    const quick = new FakeSocket();
    const closing = terminateAfter([asWebSocket(quick)], clock, 1000);
    quick.emit('close', 1001);
    await closing;
    expect(clock.pendingTimers).toBe(0);
  });
});
