/**
 * The server side of bench/phone.ts: its configuration (Twilio signatures on, abuse limits lifted),
 * a logger that records what the server says about its streams without writing anything, the bench
 * tenant's agents and phone numbers, and the check that every call ended.
 */
import { inArray } from 'drizzle-orm';
import { pino, type Logger } from 'pino';
import type { Application } from '../src/app.ts';
import { calls as callsTable } from '../src/store/schema/calls.ts';
import type { DatabaseHandle } from '../src/store/database.ts';
import { createTestUser } from '../src/testing/test-application.ts';
import { twilioTestEnv } from '../src/testing/twilio-webhooks.ts';
import type { TwilioStreamStats } from '../src/transports/twilio/twilio-media-stream.ts';
import { callBenchServerEnv } from './bench-server.ts';
import { phoneAgentInstructions } from './phone-upstream.ts';

/**
 * The call benchmarks' server configuration (bench-server.ts: silent logs, abuse limits lifted, so one
 * tenant's numbers take every call, all from one address) with Twilio configured as in the tests
 * (TWILIO_AUTH_TOKEN set, so every webhook and media upgrade is really verified; PUBLIC_URL
 * https://voice.switchboard.test, which the phones sign and the TwiML points at).
 */
// Twilio's test settings first: they name a dead OpenAI key and URL, which the bench's own (the fake's) replace.
export const PHONE_BENCH_ENV = { ...twilioTestEnv, ...callBenchServerEnv('phone') } as const;

/**
 * The server's logger, at `info` but writing nothing: a pino hook keeps each stream's final counters
 * (`twilio stream finished`, by call id) and counts every warning or error by message. Lines are never
 * serialised, so it costs the measured process next to nothing.
 */
export class ServerLogTap {
  readonly streams = new Map<string, TwilioStreamStats>();
  readonly problems = new Map<string, number>();
  readonly logger: Logger;

  constructor() {
    const { streams, problems } = this;
    this.logger = pino(
      {
        level: 'info',
        hooks: {
          logMethod(args, _method, level) {
            const [first, second] = args as unknown[];
            const message = typeof first === 'string' ? first : typeof second === 'string' ? second : '';
            if (level >= 40) problems.set(message, (problems.get(message) ?? 0) + 1);
            if (message !== 'twilio stream finished') return;
            const callId = (this.bindings() as { callId?: unknown }).callId;
            const stats = (first as { stats?: TwilioStreamStats } | null)?.stats;
            if (typeof callId === 'string' && stats !== undefined) streams.set(callId, stats);
          },
        },
      },
      { write: () => undefined },
    );
  }

  /** Resolves once every call id has its stream counters, or after `timeoutMs` (then some are missing). */
  async waitForStreams(callIds: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && callIds.some((id) => !this.streams.has(id))) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Creates a tenant whose admin adds `count` shared agents (instructions naming the call index, which
 * is how the fake upstream tells sessions apart) and one `realtime` phone number for each, through the
 * API. Returns the numbers; number `i` is answered by agent `i`.
 */
export async function setUpPhoneNumbers(app: Application, count: number): Promise<string[]> {
  const admin = await createTestUser(app, { role: 'admin' });
  const numbers: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const agent = await app.http.inject({
      method: 'POST',
      url: '/v1/agents',
      headers: admin.headers,
      payload: { name: `Phone bench ${String(i)}`, instructions: phoneAgentInstructions(i), engine: 'openai-realtime', shared: true },
    });
    if (agent.statusCode !== 201) throw new Error(`POST /v1/agents answered ${String(agent.statusCode)}: ${agent.body}`);
    const number = `+1555${String(1_000_000 + i)}`;
    const added = await app.http.inject({
      method: 'POST',
      url: '/v1/phone-numbers',
      headers: admin.headers,
      payload: { number, agentId: (agent.json<{ id: string }>()).id, mode: 'realtime' },
    });
    if (added.statusCode !== 201) throw new Error(`POST /v1/phone-numbers answered ${String(added.statusCode)}: ${added.body}`);
    numbers.push(number);
  }
  return numbers;
}

/** Waits (up to `timeoutMs`) for the calls to be over in the store; returns how many ended each way. */
export async function waitForCallsOver(database: DatabaseHandle, callIds: readonly string[], timeoutMs: number): Promise<{ readonly notOver: number; readonly endReasons: Record<string, number> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = callIds.length === 0 ? [] : await database.db.select({ status: callsTable.status, endReason: callsTable.endReason }).from(callsTable).where(inArray(callsTable.id, [...callIds]));
    const notOver = callIds.length - rows.filter((row) => row.status === 'ended' || row.status === 'failed').length;
    if (notOver === 0 || Date.now() >= deadline) {
      const endReasons: Record<string, number> = {};
      for (const row of rows) {
        const key = `${row.status}:${row.endReason ?? ''}`;
        endReasons[key] = (endReasons[key] ?? 0) + 1;
      }
      return { notOver, endReasons };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
