import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.ts';
import { silentLogger } from '../../testing/transport-test-support.ts';
import { openWebSocket, refusedUpgrade } from '../../testing/websocket-test-kit.ts';
import { attachWebSocketEndpoint, type UpgradeAdmission, type WebSocketEndpoint, type WebSocketEndpointOptions } from './websocket-endpoint.ts';
import type { WebSocketPeers } from './websocket-peers.ts';

let running: { httpServer: HttpServer; endpoint: WebSocketEndpoint } | undefined;

afterEach(async () => {
  if (running === undefined) return;
  await running.endpoint.close();
  running.httpServer.closeAllConnections();
  await new Promise<void>((resolve) => running?.httpServer.close(() => { resolve(); }));
  running = undefined;
});

type Options = WebSocketEndpointOptions<string, string, string>;

/** An endpoint at `/rooms/{name}` on its own server; returns its `ws://` base URL. */
async function start(overrides: Partial<Pick<Options, 'admit' | 'shutdown' | 'echoDetail'>> = {}): Promise<{ base: string; endpoint: WebSocketEndpoint; served: string[] }> {
  const httpServer = createServer();
  const served: string[] = [];
  const endpoint = attachWebSocketEndpoint(httpServer, {
    wss: new WebSocketServer({ noServer: true }),
    logger: silentLogger(),
    clock: systemClock,
    pingIntervalMs: 60_000,
    route: (url) => /^\/rooms\/([a-z]+)$/.exec(url.pathname)?.[1] ?? null,
    admit: (_request, _url, room) => Promise.resolve({ ok: true, value: room }),
    serve: (_ws, room) => {
      served.push(room);
      return room;
    },
    shutdown: (peers) => {
      peers.goAway();
      peers.terminateAll();
      return Promise.resolve();
    },
    ...overrides,
  });
  running = { httpServer, endpoint };
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return { base: `ws://127.0.0.1:${String((httpServer.address() as AddressInfo).port)}`, endpoint, served };
}

describe('a WebSocket endpoint on a shared HTTP server', () => {
  it('serves what its route and admission name, and answers 404 elsewhere when it listens alone', async () => {
    const { base, served } = await start();
    await openWebSocket(`${base}/rooms/blue`);
    expect(served).toEqual(['blue']);
    expect(await refusedUpgrade(`${base}/halls/blue`)).toEqual({ status: 404, body: { code: 'route_not_found', message: 'Not found' } });
  });

  it('answers a refused admission as plain HTTP, with detail when asked', async () => {
    const admit = (): Promise<UpgradeAdmission<string>> => Promise.resolve({ ok: false, refusal: { status: 409, code: 'room_full', message: 'The room is full' } });
    const { base, served } = await start({ admit, echoDetail: true });
    expect(await refusedUpgrade(`${base}/rooms/blue`)).toEqual({ status: 409, body: { code: 'room_full', message: 'The room is full', detail: 'The room is full' } });
    expect(served).toEqual([]);
  });

  it('drops a connection whose admission ends after close() began', async () => {
    let admitted: (admission: UpgradeAdmission<string>) => void = () => undefined;
    const pending = new Promise<UpgradeAdmission<string>>((resolve) => (admitted = resolve));
    const { base, endpoint, served } = await start({ admit: () => pending });
    const opening = openWebSocket(`${base}/rooms/blue`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = endpoint.close();
    expect(endpoint.isClosing()).toBe(true);
    admitted({ ok: true, value: 'blue' });
    await expect(opening).rejects.toThrow();
    await closing;
    expect(served).toEqual([]);
  });

  it('closes once, handing the open peers to shutdown', async () => {
    const shutdowns: string[][] = [];
    const shutdown = (peers: WebSocketPeers<string>) => {
      shutdowns.push(peers.values());
      peers.goAway();
      return Promise.resolve();
    };
    const { base, endpoint } = await start({ shutdown });
    const client = await openWebSocket(`${base}/rooms/green`);
    await Promise.all([endpoint.close(), endpoint.close()]);
    expect(shutdowns).toEqual([['green']]);
    expect(await client.closed).toBe(1001);
  });
});
