import { WebSocket } from 'ws';
import { authHeaders, sleep } from './socket-io-kit.ts';

/** A JSON message from the server; `type` names it. */
export interface ServerMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A client of the plain WebSocket protocol (`/v1/realtime/ws`) that records everything it receives. */
export interface WebSocketClient {
  readonly ws: WebSocket;
  sendJson(message: unknown): void;
  /** The next JSON message of `type` (after the ones already returned for that type) that satisfies `predicate`. */
  next<T extends ServerMessage = ServerMessage>(type: string, predicate?: (message: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Every JSON message of `type` received so far. */
  all<T extends ServerMessage = ServerMessage>(type: string): T[];
  /** Binary frames (assistant audio) received so far, with the item of the `audio` message before each. */
  readonly audio: { readonly itemId: string; readonly bytes: number }[];
  /** Resolves with the close code. */
  readonly closed: Promise<number>;
}

interface Waiter {
  readonly type: string;
  readonly predicate: (message: ServerMessage) => boolean;
  readonly resolve: (message: ServerMessage) => void;
}

/** Connects to `baseUrl` with the kit's credential for that server, or with `headers` when given. */
export async function connectWebSocket(baseUrl: string, headers?: Readonly<Record<string, string>>): Promise<WebSocketClient> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/realtime/ws`, { headers: headers ?? (await authHeaders(baseUrl)) });
  const messages: ServerMessage[] = [];
  const cursors = new Map<string, number>();
  const waiters = new Set<Waiter>();
  const audio: { itemId: string; bytes: number }[] = [];
  let currentItem = '';

  /** Looks for the waiter's message from its type's cursor on; consumes it when found. */
  const serve = (waiter: Waiter): boolean => {
    for (let index = cursors.get(waiter.type) ?? 0; index < messages.length; index += 1) {
      const message = messages[index];
      if (message?.type !== waiter.type || !waiter.predicate(message)) continue;
      cursors.set(waiter.type, index + 1);
      waiters.delete(waiter);
      waiter.resolve(message);
      return true;
    }
    return false;
  };

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) {
      audio.push({ itemId: currentItem, bytes: data.byteLength });
      return;
    }
    const message = JSON.parse(data.toString('utf8')) as ServerMessage;
    if (message.type === 'audio' && typeof message['itemId'] === 'string') currentItem = message['itemId'];
    messages.push(message);
    for (const waiter of waiters) serve(waiter);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', resolve));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    audio,
    closed,
    sendJson(message) {
      ws.send(JSON.stringify(message));
    },
    next<T extends ServerMessage>(type: string, predicate: (message: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`timed out waiting for a "${type}" message; received ${messages.map((m) => m.type).join(', ')}`));
        }, timeoutMs);
        const waiter: Waiter = {
          type,
          predicate: (message) => predicate(message as T),
          resolve: (message) => {
            clearTimeout(timer);
            resolve(message as T);
          },
        };
        waiters.add(waiter);
        serve(waiter);
      });
    },
    all<T extends ServerMessage>(type: string): T[] {
      return messages.filter((message) => message.type === type) as T[];
    },
  };
}

/** Streams PCM16 samples as 20 ms binary frames, paced at `speed`× real time. */
export async function streamBinary(client: WebSocketClient, samples: Int16Array, speed: number): Promise<void> {
  const frame = 480;
  for (let offset = 0; offset < samples.length; offset += frame) {
    const chunk = samples.subarray(offset, Math.min(samples.length, offset + frame));
    client.ws.send(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    await sleep(20 / speed);
  }
}
