import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { decodeWav } from '../audio/wav.ts';
import {
  FAKE_OPENAI_API_KEY,
  startFakeOpenAIRealtime,
  type FakeRealtimeOptions,
  type FakeRealtimeServer,
} from '../testing/fake-openai-realtime/index.ts';
import { createTestUser, startTestApplication, type TestApplication } from '../testing/test-application.ts';

/** A real speech recording (espeak-ng, see scripts/make-speech-fixture.sh), PCM16 mono 24 kHz. */
export const speech = decodeWav(readFileSync(new URL('../testing/fixtures/hello-24k.wav', import.meta.url)));
/** What the fixture says, for the fake upstream's script. */
export const fixtureWords = 'Hello, I would like to practice my English today.';

export interface E2eServer {
  readonly fake: FakeRealtimeServer;
  readonly app: TestApplication;
  readonly baseUrl: string;
  /** An admin's access token on this server; the kit's helpers send it. */
  readonly token: string;
  close(): Promise<void>;
}

const tokens = new Map<string, string>();

/**
 * The access token the kit uses on a server: the admin `startE2eServer` created, or for a server the
 * kit did not start (a child process) a fresh signup through `POST /v1/auth/register`.
 */
export async function tokenFor(baseUrl: string): Promise<string> {
  const origin = new URL(baseUrl).origin;
  const known = tokens.get(origin);
  if (known !== undefined) return known;
  const response = await fetch(`${origin}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `e2e-${randomUUID()}@test.example`, password: randomUUID(), tenantName: 'E2E' }),
  });
  if (response.status !== 201) throw new Error(`e2e signup failed with ${String(response.status)}`);
  const { accessToken } = (await response.json()) as { accessToken: string };
  tokens.set(origin, accessToken);
  return accessToken;
}

/** `{ authorization: 'Bearer …' }` for `fetch` against this server. */
export async function authHeaders(baseUrl: string): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await tokenFor(baseUrl)}` };
}

/** The whole server listening on 127.0.0.1, its OpenAI engine pointed at a fresh fake upstream. */
export async function startE2eServer(fakeOptions: FakeRealtimeOptions, env: Record<string, string> = {}): Promise<E2eServer> {
  const fake = await startFakeOpenAIRealtime(fakeOptions);
  const app = await startTestApplication({ env: { OPENAI_API_KEY: FAKE_OPENAI_API_KEY, OPENAI_BASE_URL: fake.baseUrl, ...env } });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`;
  const { accessToken: token } = await createTestUser(app, { role: 'admin' });
  tokens.set(baseUrl, token);
  return {
    fake,
    app,
    baseUrl,
    token,
    async close() {
      await app.close();
      await fake.close();
    },
  };
}

/** Creates a call through Aero's REST route; returns its id. */
export async function createCall(baseUrl: string, userId: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/calls/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await authHeaders(baseUrl)) },
    body: JSON.stringify({ userId }),
  });
  return ((await response.json()) as { callId: string }).callId;
}

/** Creates a call through Aero's REST route and connects a Socket.IO client; `call-started` is awaited. */
export async function startSocketIoCall(
  baseUrl: string,
  userId: string,
  startOptions: Record<string, unknown> = {},
): Promise<{ callId: string; socket: Socket }> {
  const callId = await createCall(baseUrl, userId);
  const socket = io(baseUrl, { transports: ['websocket'], auth: { token: await tokenFor(baseUrl) } });
  const started = waitFor<{ callId: string }>(socket, 'call-started');
  socket.emit('start-call', { callId, ...startOptions });
  if ((await started).callId !== callId) throw new Error('call-started named another call');
  return { callId, socket };
}

export async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url, { headers: await authHeaders(url) })).json()) as T;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true (for state the server reaches asynchronously). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${String(timeoutMs)} ms`);
    await sleep(20);
  }
}

/** Resolves with the first `event` payload that satisfies `predicate`. */
export function waitFor<T>(socket: Socket, event: string, predicate: (payload: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Streams PCM16 samples as 20 ms binary frames, paced at `speed`× real time. */
export async function stream(socket: Socket, samples: Int16Array, speed: number): Promise<void> {
  const frame = 480;
  for (let offset = 0; offset < samples.length; offset += frame) {
    const chunk = samples.subarray(offset, Math.min(samples.length, offset + frame));
    socket.emit('audio-data', Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    await sleep(20 / speed);
  }
}

/** Every payload of the given events, in arrival order, from now on. */
export interface EventRecord {
  of<T = unknown>(event: string): T[];
}

export function recordEvents(socket: Socket, events: readonly string[]): EventRecord {
  const seen = new Map<string, unknown[]>(events.map((event) => [event, []]));
  for (const event of events) {
    socket.on(event, (payload: unknown) => {
      seen.get(event)?.push(payload);
    });
  }
  return {
    of<T>(event: string): T[] {
      const payloads = seen.get(event);
      if (payloads === undefined) throw new Error(`${event} is not recorded`);
      return payloads as T[];
    },
  };
}
