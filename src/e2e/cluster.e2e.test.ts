/**
 * Cluster mode end to end: the real server as a child process with WORKERS=2 on a fresh PostgreSQL
 * database and a Redis, behind one port. Runs in the integration run only (it needs DATABASE_URL and
 * REDIS_URL, as cluster mode does).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OPENAI_API_KEY, startFakeOpenAIRealtime, type FakeRealtimeServer } from '../testing/fake-openai-realtime/index.ts';
import { createDurableTestDatabase, type DurableTestDatabase } from '../testing/durable-test-database.ts';
import { spawnServerProcess, startChildServer, type ChildServer } from './child-server.ts';
import { authHeaders, createCall, eventually, speech, stream, tokenFor, waitFor } from './socket-io-kit.ts';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const CALLS = 4;

let database: DurableTestDatabase | undefined;
let fake: FakeRealtimeServer | undefined;
let server: ChildServer | undefined;

/** The JSON log lines of the child (primary and workers) whose message is `msg`. */
function logged(msg: string): Record<string, unknown>[] {
  return (server?.linesMatching(new RegExp(`"msg":"${msg}"`)) ?? []).map((line) => JSON.parse(line) as Record<string, unknown>);
}

function workerPids(): number[] {
  return logged('worker ready').map((line) => line.workerPid as number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!databaseUrl || !redisUrl)('cluster mode: WORKERS=2 behind one port (PostgreSQL and Redis)', () => {
  beforeAll(async () => {
    database = await createDurableTestDatabase();
    fake = await startFakeOpenAIRealtime({ pacing: { speedFactor: 4 } });
    server = await startChildServer(
      {
        ...database.env,
        REDIS_URL: redisUrl ?? '',
        REDIS_KEY_PREFIX: `sbtest:${randomUUID()}:`,
        WORKERS: '2',
        OPENAI_API_KEY: FAKE_OPENAI_API_KEY,
        OPENAI_BASE_URL: fake.baseUrl,
      },
      90_000,
    );
  }, 100_000);
  afterAll(async () => {
    const pids = workerPids();
    await server?.kill('SIGKILL');
    // A worker whose primary is gone exits on its own; none may outlive the test.
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await fake?.close();
    await database?.dispose();
  });

  it('starts two workers, each logging with its worker id, and the primary logs as the cluster', () => {
    expect(workerPids()).toHaveLength(2);
    const listening = logged('Switchboard is listening');
    expect(listening).toHaveLength(1);
    expect(listening[0]).toMatchObject({ component: 'cluster', workers: 2 });
  });

  it('serves REST requests: a GET, and POSTs with a JSON body relayed by the primary', async () => {
    if (!server) throw new Error('no server');
    const { baseUrl } = server;
    const callId = await createCall(baseUrl, 'cluster-rest'); // signup and call creation: two POSTs with bodies
    const response = await fetch(`${baseUrl}/v1/calls/${callId}`, { headers: await authHeaders(baseUrl) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: callId, status: 'created' });
    const refused = await fetch(`${baseUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@test.example', password: 'not-the-password' }) });
    expect(refused.status).toBe(401);
  });

  it('runs Socket.IO calls with the default transports (polling, then the upgrade) to the end, spread over both workers', async () => {
    if (!server) throw new Error('no server');
    const { baseUrl } = server;
    const token = await tokenFor(baseUrl);
    const sockets: Socket[] = [];
    const callIds: string[] = [];
    try {
      // One after another, so each worker's count of Socket.IO sessions is known to the primary before the next.
      for (let n = 0; n < CALLS; n += 1) {
        const callId = await createCall(baseUrl, `cluster-caller-${String(n)}`);
        const socket = io(baseUrl, { auth: { token }, reconnection: false });
        sockets.push(socket);
        const upgraded = new Promise<void>((resolve) => socket.io.engine.once('upgrade', () => { resolve(); }));
        const started = waitFor<{ callId: string }>(socket, 'call-started', () => true, 20_000);
        socket.emit('start-call', { callId, inputSampleRate: 24_000, outputSampleRate: 24_000 });
        expect((await started).callId).toBe(callId);
        await upgraded;
        expect(socket.io.engine.transport.name).toBe('websocket');
        callIds.push(callId);
      }
      await Promise.all(
        sockets.map(async (socket) => {
          const heard = waitFor<{ text: string; final: boolean }>(socket, 'user-transcript', (p) => p.final, 20_000);
          const answered = waitFor<{ text: string }>(socket, 'ai-text-done', () => true, 20_000);
          await stream(socket, speech.samples, 4);
          await stream(socket, new Int16Array(24_000), 4);
          expect((await heard).text).not.toBe('');
          expect((await answered).text).not.toBe('');
        }),
      );
      const ends = await Promise.all(
        sockets.map((socket, n) => {
          const ended = waitFor<{ callId: string; transcription: { role: string }[] }>(socket, 'call-ended', () => true, 20_000);
          socket.emit('end-call', { callId: callIds[n] });
          return ended;
        }),
      );
      for (const end of ends) expect(end.transcription.map((t) => t.role)).toEqual(['user', 'assistant']);
    } finally {
      for (const socket of sockets) socket.disconnect();
    }
    // Each worker logs the calls it ran with its worker id: both ran some.
    await eventually(() => logged('call ended').filter((line) => callIds.includes(line.callId as string)).length === CALLS);
    const workers = new Set(logged('call ended').filter((line) => callIds.includes(line.callId as string)).map((line) => line.worker));
    expect([...workers].sort()).toEqual([1, 2]);
  }, 90_000);

  it('replaces a worker killed with SIGKILL, and keeps answering meanwhile and after', async () => {
    if (!server) throw new Error('no server');
    const { baseUrl } = server;
    const [victim] = workerPids();
    if (victim === undefined) throw new Error('no worker');
    process.kill(victim, 'SIGKILL');
    await eventually(() => logged('worker died; replacing it').some((line) => line.workerPid === victim), 10_000);
    expect(logged('worker died; replacing it').find((line) => line.workerPid === victim)).toMatchObject({ level: 50, signal: 'SIGKILL', component: 'cluster' });
    expect(server.exited).toBe(false);
    // During the back-off the other worker answers everything.
    expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
    await eventually(() => workerPids().length === 3, 30_000);
    const replacement = workerPids()[2] ?? 0;
    expect(replacement).not.toBe(victim);
    expect(alive(replacement)).toBe(true);
    for (let n = 0; n < 6; n += 1) {
      expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
      expect(await createCall(baseUrl, `after-kill-${String(n)}`)).toMatch(/./);
    }
    expect(server.exited).toBe(false);
  }, 60_000);

  it('ends the primary and every worker with exit code 0 on SIGTERM, within the grace', async () => {
    if (!server) throw new Error('no server');
    const workers = workerPids().filter(alive);
    expect(workers).toHaveLength(2);
    const exit = await server.kill('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    for (const pid of workers) expect(alive(pid), `worker ${String(pid)}`).toBe(false);
    expect(logged('worker shutting down').length).toBeGreaterThanOrEqual(2);
    expect(logged('worker died; replacing it')).toHaveLength(1);
  }, 25_000);
});

describe.skipIf(!databaseUrl || !redisUrl)('cluster mode: a worker whose primary dies', () => {
  let ownDatabase: DurableTestDatabase | undefined;
  let ownFake: FakeRealtimeServer | undefined;
  let child: ChildServer | undefined;
  const pidsOf = (): number[] => (child?.linesMatching(/"msg":"worker ready"/) ?? []).map((line) => (JSON.parse(line) as { workerPid: number }).workerPid);

  beforeAll(async () => {
    ownDatabase = await createDurableTestDatabase();
    ownFake = await startFakeOpenAIRealtime({ pacing: { speedFactor: 4 } });
    child = await startChildServer(
      {
        ...ownDatabase.env,
        REDIS_URL: redisUrl ?? '',
        REDIS_KEY_PREFIX: `sbtest:${randomUUID()}:`,
        WORKERS: '2',
        OPENAI_API_KEY: FAKE_OPENAI_API_KEY,
        OPENAI_BASE_URL: ownFake.baseUrl,
      },
      90_000,
    );
  }, 100_000);
  afterAll(async () => {
    const pids = pidsOf();
    await child?.kill('SIGKILL');
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await ownFake?.close();
    await ownDatabase?.dispose();
  });

  it('ends its live calls through the session (caller told, reason server_shutdown) and exits, instead of vanishing', async () => {
    if (!child) throw new Error('no server');
    const { baseUrl } = child;
    const token = await tokenFor(baseUrl);
    const callId = await createCall(baseUrl, 'orphaned-caller');
    const socket = io(baseUrl, { auth: { token }, transports: ['websocket'], reconnection: false });
    try {
      const started = waitFor<{ callId: string }>(socket, 'call-started', () => true, 20_000);
      socket.emit('start-call', { callId, inputSampleRate: 24_000, outputSampleRate: 24_000 });
      await started;
      const ended = waitFor<{ callId: string; status: string; reason: string }>(socket, 'call-ended', () => true, 20_000);
      const workers = pidsOf();
      expect(workers).toHaveLength(2);
      await child.kill('SIGKILL');
      expect(await ended).toMatchObject({ callId, status: 'ended', reason: 'server_shutdown' });
      await eventually(() => workers.every((pid) => !alive(pid)), 15_000);
      const shutdowns = child.linesMatching(/"msg":"worker shutting down"/).map((line) => JSON.parse(line) as { reason: string });
      expect(shutdowns.map((line) => line.reason)).toEqual(['primary gone', 'primary gone']);
    } finally {
      socket.disconnect();
    }
  }, 60_000);
});

describe.skipIf(!databaseUrl || !redisUrl)('cluster mode: stopped during start-up', () => {
  let ownDatabase: DurableTestDatabase | undefined;
  beforeAll(async () => {
    ownDatabase = await createDurableTestDatabase();
  });
  afterAll(async () => {
    await ownDatabase?.dispose();
  });

  it('stops the starting workers and exits 0 on SIGTERM before it listens, instead of dying by the signal', async () => {
    if (!ownDatabase) throw new Error('no database');
    const child = spawnServerProcess({ ...ownDatabase.env, REDIS_URL: redisUrl ?? '', REDIS_KEY_PREFIX: `sbtest:${randomUUID()}:`, WORKERS: '2' });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => { resolve({ code, signal }); }));
    let workers: number[] = [];
    try {
      // The primary forks its workers right after this line; they take seconds to build the application.
      await eventually(() => output.includes('"msg":"starting Switchboard"'), 30_000);
      await eventually(() => {
        workers = execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' }).split('\n').map(Number).filter((pid) => pid > 0);
        return workers.length === 2;
      }, 10_000);
      expect(output).not.toContain('Switchboard is listening');
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(output).toContain('start-up interrupted; stopping the workers');
      await eventually(() => workers.every((pid) => !alive(pid)), 10_000);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const pid of workers) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 60_000);
});
