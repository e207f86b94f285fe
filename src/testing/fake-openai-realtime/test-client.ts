import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import { WebSocket, type RawData } from 'ws';
import { FAKE_OPENAI_API_KEY, type FakeRealtimeServer, type FakeServerEvent, type FakeServerEventOf } from './types.ts';

export interface TestClientOptions {
  readonly model?: string;
  /** Sent as `Authorization: Bearer <key>`; `null` sends no header. Default {@link FAKE_OPENAI_API_KEY}. */
  readonly apiKey?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  readonly protocols?: readonly string[];
}

/** A plain `ws` client for driving the fake from tests (the product has its own client). */
export interface TestClient {
  readonly socket: WebSocket;
  /** Every server event received, in order. */
  readonly received: readonly FakeServerEvent[];
  /** Sends a client event; anything JSON-serialisable goes, so tests can send invalid events too. */
  send(event: RealtimeClientEvent | Readonly<Record<string, unknown>>): void;
  /** Sends `audio` as `input_audio_buffer.append` events of `chunkBytes` each (default 160: 20 ms of G.711). */
  appendAudio(audio: Uint8Array, chunkBytes?: number): void;
  /** The next event of `type` not yet returned by `next` (each type has its own cursor). */
  next<T extends FakeServerEvent['type']>(type: T, timeoutMs?: number): Promise<FakeServerEventOf<T>>;
  /** Resolves when the socket closes. */
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>;
  close(): void;
}

export class UpgradeRejectedError extends Error {
  readonly status: number;
  readonly body: string;

  constructor(status: number, body: string) {
    super(`Upgrade rejected with HTTP ${String(status)}: ${body}`);
    this.status = status;
    this.body = body;
  }
}

/** Connects to the fake and resolves once the socket is open (`session.created` follows). */
export function connectTestClient(server: FakeRealtimeServer, options: TestClientOptions = {}): Promise<TestClient> {
  const apiKey = options.apiKey === undefined ? FAKE_OPENAI_API_KEY : options.apiKey;
  const headers: Record<string, string> = { ...options.headers };
  if (apiKey !== null) headers['authorization'] = `Bearer ${apiKey}`;
  const socket = new WebSocket(server.realtimeUrl(options.model ?? 'gpt-realtime'), [...(options.protocols ?? [])], { headers });
  const received: FakeServerEvent[] = [];
  const listeners = new Set<() => void>();
  const cursors = new Map<string, number>();
  socket.on('message', (data: RawData) => {
    received.push(JSON.parse(rawText(data)) as FakeServerEvent);
    for (const listener of listeners) listener();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString('utf8') });
    });
  });
  const client: TestClient = {
    socket,
    received,
    closed,
    send(event) {
      socket.send(JSON.stringify(event));
    },
    appendAudio(audio, chunkBytes = 160) {
      for (let offset = 0; offset < audio.length; offset += chunkBytes) {
        const chunk = Buffer.from(audio.subarray(offset, offset + chunkBytes));
        socket.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: chunk.toString('base64') }));
      }
    },
    next<T extends FakeServerEvent['type']>(type: T, timeoutMs = 5_000): Promise<FakeServerEventOf<T>> {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          for (let index = cursors.get(type) ?? 0; index < received.length; index += 1) {
            const event = received[index];
            if (event?.type !== type) continue;
            cursors.set(type, index + 1);
            finish();
            resolve(event as FakeServerEventOf<T>);
            return;
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`No '${type}' within ${String(timeoutMs)} ms; received: ${received.map((event) => event.type).join(', ')}`));
        }, timeoutMs);
        const finish = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    close() {
      socket.close();
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      resolve(client);
    });
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => {
        reject(new UpgradeRejectedError(res.statusCode ?? 0, body));
      });
    });
    socket.once('error', reject);
  });
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
