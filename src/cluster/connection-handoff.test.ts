import type { Serializable, SendHandle } from 'node:child_process';
import type { Worker } from 'node:cluster';
import { connect, createServer, type AddressInfo, type Socket as NetSocket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.ts';
import { guardFirstBytes, HANDOFF_WEIGHT_MS, isUpgradeHandoff, watchHandoffs, type BalancedWorker } from './connection-handoff.ts';

const upgrade = (path: string, extra = ''): Buffer =>
  Buffer.from(`GET ${path} HTTP/1.1\r\nHost: voice.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`, 'latin1');

/** A stand-in for a cluster worker: what the primary's balancing reads and calls. */
function fakeWorker(events: string[] = []): { worker: BalancedWorker; sent: unknown[] } {
  const sent: unknown[] = [];
  const worker = { clientsCount: 0, send: (message: unknown) => (events.push('sent'), sent.push(message), true) } as unknown as BalancedWorker;
  return { worker, sent };
}

/** A stand-in for the primary's socket: `pause()` and the TCP handle's `readStop()`, which Node keeps polling until the worker acknowledges the hand-over. */
function fakeSocket(events: string[]): object {
  return {
    pause: () => events.push('paused'),
    _handle: {
      readStop: () => {
        events.push('read stopped');
        return 0;
      },
    },
  };
}

describe('connections the primary hands to a worker', () => {
  it('recognises a handed-over WebSocket upgrade, whatever the path, and nothing else', () => {
    expect(isUpgradeHandoff({ type: 'sticky:connection', data: upgrade('/twilio/media') })).toBe(true);
    expect(isUpgradeHandoff({ type: 'sticky:connection', data: upgrade('/socket.io/?EIO=4&transport=websocket') })).toBe(true);
    expect(isUpgradeHandoff({ type: 'sticky:connection', data: Buffer.from('GET /health HTTP/1.1\r\nHost: a\r\n\r\n') })).toBe(false);
    // An "Upgrade: websocket" in a body is not a header.
    expect(isUpgradeHandoff({ type: 'sticky:connection', data: Buffer.from('GET /x HTTP/1.1\r\nHost: a\r\n\r\n\r\nUpgrade: websocket') })).toBe(false);
    expect(isUpgradeHandoff({ type: 'sticky:http-chunk-start', data: upgrade('/ws') })).toBe(false);
    expect(isUpgradeHandoff({ type: 'switchboard:shutdown' })).toBe(false);
    expect(isUpgradeHandoff(null)).toBe(false);
  });

  it('raises the count on hand-over and lowers it after the weight time, passing every message on', () => {
    const clock = new ManualClock();
    const { worker, sent } = fakeWorker();
    watchHandoffs(worker, clock);
    const handoff = { type: 'sticky:connection', data: upgrade('/twilio/media') };
    (worker.send as (message: unknown) => boolean)(handoff);
    (worker.send as (message: unknown) => boolean)(handoff);
    (worker.send as (message: unknown) => boolean)({ type: 'switchboard:shutdown' });
    expect(worker.clientsCount).toBe(2);
    expect(sent).toEqual([handoff, handoff, { type: 'switchboard:shutdown' }]);
    clock.advance(HANDOFF_WEIGHT_MS - 1);
    expect(worker.clientsCount).toBe(2);
    clock.advance(1);
    expect(worker.clientsCount).toBe(0);
  });

  it('stops the primary reading a socket before handing it over, so no byte the client sends next is read and lost here', () => {
    const events: string[] = [];
    const { worker } = fakeWorker(events);
    watchHandoffs(worker, new ManualClock());
    const send = (message: unknown, handle?: unknown): unknown => (handle === undefined ? worker.send(message as Serializable) : worker.send(message as Serializable, handle as SendHandle));
    send({ type: 'sticky:connection', data: upgrade('/socket.io/?EIO=4&transport=websocket') }, fakeSocket(events));
    expect(events).toEqual(['paused', 'read stopped', 'sent']);
    // A plain GET is handed over the same way; messages without a socket pass untouched.
    events.length = 0;
    send({ type: 'sticky:connection', data: Buffer.from('GET /health HTTP/1.1\r\nHost: a\r\n\r\n') }, fakeSocket(events));
    send({ type: 'sticky:http-chunk', data: Buffer.from('body'), connectionId: 'c1' });
    expect(events).toEqual(['paused', 'read stopped', 'sent', 'sent']);
  });

  it('spreads a burst over the workers when the least-connection pick reads the counts', () => {
    const clock = new ManualClock();
    const workers = [fakeWorker().worker, fakeWorker().worker];
    for (const worker of workers) watchHandoffs(worker, clock);
    // What @socket.io/sticky's least-connection does for each new connection: the lowest count, first on ties.
    const pick = (): Worker => workers.reduce((a, b) => ((b.clientsCount ?? 0) < (a.clientsCount ?? 0) ? b : a));
    const counts = new Map<Worker, number>();
    for (let call = 0; call < 10; call += 1) {
      const worker = pick();
      (worker.send as (message: unknown) => boolean)({ type: 'sticky:connection', data: upgrade('/twilio/media') });
      counts.set(worker, (counts.get(worker) ?? 0) + 1);
    }
    expect(workers.map((worker) => counts.get(worker))).toEqual([5, 5]);
  });
});

describe('a connection that never speaks', () => {
  it('is closed by the primary after the first-bytes timeout; one that spoke is left alone', async () => {
    const server = createServer((socket) => {
      guardFirstBytes(socket, 100);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const open = (): Promise<NetSocket> =>
      new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          resolve(socket);
        });
      });
    try {
      const silent = await open();
      const talking = await open();
      talking.write('GET / HTTP/1.1\r\n');
      let talkingClosed = false;
      talking.on('close', () => (talkingClosed = true));
      // The silent one is closed by the server (the test's own timeout is the bound).
      await new Promise<void>((resolve) => silent.once('close', () => { resolve(); }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(talkingClosed).toBe(false);
      talking.destroy();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 10_000);
});
