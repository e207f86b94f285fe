import { createServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { EventLog } from './event-log.ts';
import { resolveOptions, type ResolvedOptions } from './options.ts';
import { TurnScriptQueue } from './script.ts';
import { FakeSession } from './session.ts';
import type {
  FakeRealtimeOptions,
  FakeRealtimeServer,
  FakeRealtimeSession,
  FakeServerEvent,
  FakeServerEventOf,
  ObservedEvent,
  RejectedUpgrade,
  TurnScript,
} from './types.ts';

const realtimePath = '/v1/realtime';
const defaultTimeoutMs = 5_000;
/** The real API caps one client event at 15 MiB of audio; allow the base64 and JSON around it. */
const maxPayloadBytes = 24 * 1024 * 1024;

type RefuseMode = false | 'http-503' | 'destroy';

interface SessionWaiter {
  readonly nth: number;
  readonly resolve: (session: FakeRealtimeSession) => void;
}

/**
 * Starts a protocol-faithful fake of the OpenAI Realtime GA WebSocket API on 127.0.0.1 with an
 * ephemeral port. A TEST TOOL for engine tests, end-to-end tests and benchmarks; never product code.
 */
export async function startFakeOpenAIRealtime(options: FakeRealtimeOptions = {}): Promise<FakeRealtimeServer> {
  const fake = new FakeRealtimeServerImpl(resolveOptions(options));
  if (options.script !== undefined) fake.script(options.script);
  await fake.listen();
  return fake;
}

class FakeRealtimeServerImpl implements FakeRealtimeServer {
  readonly rejectedUpgrades: RejectedUpgrade[] = [];
  readonly #options: ResolvedOptions;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #log: EventLog;
  readonly #serverScript = new TurnScriptQueue();
  readonly #sessions: FakeSession[] = [];
  readonly #sessionWaiters = new Set<SessionWaiter>();
  #refuse: RefuseMode = false;
  #port = 0;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.#log = new EventLog(options.clock);
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: maxPayloadBytes,
      // Browsers authenticate with subprotocols ["realtime", "openai-insecure-api-key.<key>"].
      handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
    });
    this.#http = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Not found. The fake serves only the Realtime WebSocket.', type: 'invalid_request_error', code: null, param: null } }));
    });
    this.#http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.#onUpgrade(req, socket, head);
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(this.#options.port, '127.0.0.1', () => {
        this.#port = (this.#http.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  get port(): number {
    return this.#port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${String(this.#port)}/v1`;
  }

  get sessions(): readonly FakeRealtimeSession[] {
    return this.#sessions;
  }

  get events(): readonly ObservedEvent[] {
    return this.#log.entries;
  }

  realtimeUrl(model = 'gpt-realtime'): string {
    return `ws://127.0.0.1:${String(this.#port)}${realtimePath}?model=${encodeURIComponent(model)}`;
  }

  session(id: string): FakeRealtimeSession | undefined {
    return this.#sessions.find((session) => session.id === id);
  }

  waitForSession(nth = 1, timeoutMs = defaultTimeoutMs): Promise<FakeRealtimeSession> {
    const existing = this.#sessions[nth - 1];
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const cancel = this.#options.clock.setTimer(timeoutMs, () => {
        this.#sessionWaiters.delete(waiter);
        reject(new Error(`Session #${String(nth)} did not connect within ${String(timeoutMs)} ms`));
      });
      const waiter: SessionWaiter = {
        nth,
        resolve: (session) => {
          cancel();
          resolve(session);
        },
      };
      this.#sessionWaiters.add(waiter);
    });
  }

  waitFor(predicate: (event: ObservedEvent) => boolean, timeoutMs = defaultTimeoutMs): Promise<ObservedEvent> {
    return this.#log.waitFor(predicate, timeoutMs);
  }

  async waitForServerEvent<T extends FakeServerEvent['type']>(
    type: T,
    options: { readonly sessionId?: string; readonly where?: (event: FakeServerEventOf<T>) => boolean; readonly timeoutMs?: number } = {},
  ): Promise<FakeServerEventOf<T>> {
    const isWanted = (event: FakeServerEvent): event is FakeServerEventOf<T> => event.type === type;
    const observed = await this.#log.waitFor(
      (entry) =>
        entry.direction === 'server' &&
        (options.sessionId === undefined || entry.sessionId === options.sessionId) &&
        isWanted(entry.event) &&
        (options.where?.(entry.event) ?? true),
      options.timeoutMs ?? defaultTimeoutMs,
    );
    if (observed.direction !== 'server' || !isWanted(observed.event)) throw new Error('unreachable: predicate guaranteed the type');
    return observed.event;
  }

  script(script: TurnScript): void {
    this.#serverScript.append(script);
  }

  expireSession(sessionId: string): void {
    for (const session of this.#sessions) if (sessionId === 'all' || session.id === sessionId) session.expire();
  }

  dropAll(): void {
    for (const session of this.#sessions) if (!session.closed) session.drop();
  }

  setRefuseConnections(mode: boolean | 'http-503' | 'destroy'): void {
    this.#refuse = mode === true ? 'http-503' : mode;
  }

  async close(): Promise<void> {
    for (const session of this.#sessions) if (!session.closed) session.drop();
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => {
      this.#wss.close(() => {
        resolve();
      });
    });
    await new Promise<void>((resolve) => {
      this.#http.close(() => {
        resolve();
      });
      this.#http.closeAllConnections();
    });
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#refuse === 'destroy') {
      this.#reject(socket, 0, 'connection reset (refusing connections)', null);
      return;
    }
    if (this.#refuse === 'http-503') {
      this.#reject(socket, 503, 'refusing connections', { message: 'The server is temporarily unavailable.', type: 'server_error', code: null, param: null });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== realtimePath) {
      this.#reject(socket, 404, `unknown path ${url.pathname}`, { message: `Invalid URL (GET ${url.pathname})`, type: 'invalid_request_error', code: null, param: null });
      return;
    }
    const key = bearerKey(req);
    if (key === null || !this.#options.acceptsKey(key)) {
      const message = key === null ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)." : `Incorrect API key provided: ${redact(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
      this.#reject(socket, 401, key === null ? 'missing API key' : 'wrong API key', { message, type: 'invalid_request_error', code: key === null ? null : 'invalid_api_key', param: null });
      return;
    }
    const model = url.searchParams.get('model');
    if (model === null || model === '') {
      this.#reject(socket, 400, 'missing model', { message: "Missing required parameter: 'model'.", type: 'invalid_request_error', code: 'missing_required_parameter', param: 'model' });
      return;
    }
    const accept = (): void => {
      if (socket.destroyed) return;
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        this.#onConnection(ws, req, model);
      });
    };
    if (this.#options.connectDelayMs > 0) this.#options.clock.setTimer(this.#options.connectDelayMs, accept);
    else accept();
  }

  #onConnection(ws: WebSocket, req: IncomingMessage, model: string): void {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const session = new FakeSession({
      socket: ws,
      model,
      requestHeaders: headers,
      options: this.#options,
      serverScript: this.#serverScript,
      observe: (event) => {
        this.#log.push(event);
      },
    });
    this.#sessions.push(session);
    session.open(asksForBeta(req));
    for (const waiter of this.#sessionWaiters) {
      const wanted = this.#sessions[waiter.nth - 1];
      if (wanted === undefined) continue;
      this.#sessionWaiters.delete(waiter);
      waiter.resolve(wanted);
    }
  }

  #reject(socket: Duplex, status: number, reason: string, error: Record<string, string | null> | null): void {
    this.rejectedUpgrades.push({ atMs: this.#options.clock.nowMs(), status, reason });
    if (error === null) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ error });
    socket.end(
      `HTTP/1.1 ${String(status)} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\ncontent-length: ${String(Buffer.byteLength(body))}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
}

/** The key from `Authorization: Bearer …`, or from the browser subprotocol `openai-insecure-api-key.<key>`. */
function bearerKey(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (match?.[1] !== undefined) return match[1];
  const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((protocol) => protocol.trim());
  const keyProtocol = protocols.find((protocol) => protocol.startsWith('openai-insecure-api-key.'));
  return keyProtocol === undefined ? null : keyProtocol.slice('openai-insecure-api-key.'.length);
}

function asksForBeta(req: IncomingMessage): boolean {
  const header = req.headers['openai-beta'];
  const protocols = req.headers['sec-websocket-protocol'] ?? '';
  return (header !== undefined && /realtime/i.test(String(header))) || protocols.includes('openai-beta.realtime-v1');
}

function redact(key: string): string {
  return key.length <= 8 ? '****' : `${key.slice(0, 3)}****${key.slice(-4)}`;
}
