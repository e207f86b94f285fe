import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * One `OPENAI_BASE_URL` in front of two fakes, as the real API is one host: WebSocket upgrades go to
 * the fake Realtime server, HTTP requests (chat completions) to the fake Chat Completions server.
 * A TEST TOOL: bytes are relayed untouched, nothing is interpreted.
 */
export interface FakeOpenAiGateway {
  readonly baseUrl: string;
  close(): Promise<void>;
}

function portOf(baseUrl: string): number {
  return Number(new URL(baseUrl).port);
}

function requestHead(req: IncomingMessage): string {
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i] ?? ''}: ${req.rawHeaders[i + 1] ?? ''}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export async function startFakeOpenAiGateway(targets: { realtimeBaseUrl: string; chatBaseUrl: string }): Promise<FakeOpenAiGateway> {
  const realtimePort = portOf(targets.realtimeBaseUrl);
  const chatPort = portOf(targets.chatBaseUrl);
  const sockets = new Set<Duplex>();
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = Object.fromEntries(Object.entries(req.headers).flatMap(([name, value]) => (typeof value === 'string' && name !== 'host' && name !== 'content-length' ? [[name, value]] : [])));
      const method = req.method ?? 'GET';
      const upstream = await fetch(`http://127.0.0.1:${String(chatPort)}${req.url ?? '/'}`, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }) });
      const body = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(body);
    })().catch(() => {
      res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const upstream = connect(realtimePort, '127.0.0.1', () => {
      upstream.write(requestHead(req));
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    const closeBoth = (): void => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', closeBoth);
    socket.on('error', closeBoth);
    upstream.on('close', closeBoth);
    socket.on('close', closeBoth);
    sockets.add(upstream);
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${String(port)}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => { resolve(); });
      }),
  };
}
