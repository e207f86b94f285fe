import { afterEach, beforeEach } from 'vitest';
import type { AnalysisPlan } from '../core/analysis-plan.ts';
import { newId } from '../core/ids.ts';
import { CallAnalyst } from '../jobs/call-analysis/call-analyst.ts';
import { callAnalysisHandler } from '../jobs/call-analysis/call-analysis-handler.ts';
import type { CallAnalyzedStep } from '../jobs/call-analysis/call-analyzed.ts';
import { enqueueCallAnalysis } from '../jobs/call-analysis/enqueue-analysis.ts';
import { callLifecycleHandlers } from '../jobs/call-lifecycle-handlers.ts';
import type { JobHandler } from '../jobs/handler.ts';
import type { JobWorkerPool } from '../jobs/worker-pool.ts';
import { webhookDeliveryHandler } from '../jobs/webhook-delivery-handler.ts';
import { snapshotAgent } from '../services/calls.ts';
import { WebhookDeliverer } from '../services/webhooks/deliver.ts';
import { WebhookEndpoints } from '../services/webhooks/endpoints.ts';
import { WebhookEvents } from '../services/webhooks/events.ts';
import type { Database } from '../store/database.ts';
import { createCall, transitionCall } from '../store/queries/calls.ts';
import { upsertTranscriptItem } from '../store/queries/transcript-items.ts';
import type { CallRow } from '../store/schema/calls.ts';
import type { TranscriptRole } from '../store/schema/transcript-items.ts';
import { startFakeOpenAiChat, type FakeOpenAiChat } from './fake-openai-chat/index.ts';
import { ManualClock, testPool } from './job-fixtures.ts';
import { seedTenant } from './store-fixtures.ts';
import { useTestDatabase, type TestDatabase } from './test-database.ts';
import { localPolicy, testWebhookBackoff, testWebhookTimeoutMs } from './webhook-world.ts';

/** A HandleHome-like call: long enough for the default thresholds. */
export const bookingTranscript: readonly (readonly [TranscriptRole, string])[] = [
  ['assistant', 'Hello, Chez Marco, how can I help you?'],
  ['user', 'Hi, this is Julie Martin, I would like to book a table for four tomorrow at eight pm.'],
  ['assistant', 'Of course. Can I have a phone number for the booking?'],
  ['user', 'Yes, it is 06 12 34 56 78.'],
  ['assistant', 'Thank you Julie, your table for four is booked for tomorrow at 8 pm.'],
];

/** A strict-mode extraction schema (every object closed, every property required). */
export const bookingSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 2 },
    phone: { type: ['string', 'null'], pattern: '^\\+?[0-9 ]{8,20}$' },
    partySize: { type: 'integer', minimum: 1 },
  },
  required: ['name', 'phone', 'partySize'],
  additionalProperties: false,
} as const;

export interface AnalysisWorld {
  readonly clock: ManualClock;
  /** The `call-analysis` handler alone (for pools that run nothing else). */
  readonly analysisHandler: JobHandler;
  readonly endpoints: WebhookEndpoints;
  readonly pool: JobWorkerPool;
  /**
   * A new tenant whose default agent has `plan`, and one of its calls, started and ended with `turns`;
   * `beforeEnd` runs once the tenant exists (to register webhook endpoints).
   */
  endedCall(plan: AnalysisPlan, turns?: readonly (readonly [TranscriptRole, string])[], beforeEnd?: (tenantId: string) => Promise<unknown>): Promise<CallRow>;
}

/**
 * The post-call pipeline on a manual clock: lifecycle jobs (with the analysis enqueue step), the
 * `call-analysis` handler talking to `fake` (or without a key when `fake` is undefined), webhook deliveries.
 */
export function analysisWorld(db: Database, fake: FakeOpenAiChat | undefined, options: { onCallAnalyzed?: readonly CallAnalyzedStep[]; model?: string; requestTimeoutMs?: number } = {}): AnalysisWorld {
  const clock = new ManualClock();
  const events = new WebhookEvents({ clock, maxAttempts: 4 });
  const deliverer = new WebhookDeliverer({ db, clock, policy: localPolicy, timeoutMs: testWebhookTimeoutMs });
  const analyst = fake && new CallAnalyst({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, defaultModel: options.model ?? 'gpt-4o-mini', requestTimeoutMs: options.requestTimeoutMs ?? 5_000 });
  const analysisHandler = callAnalysisHandler({ analyst, webhooks: events, onCallAnalyzed: options.onCallAnalyzed, timeoutMs: 60_000 });
  const handlers = [
    ...callLifecycleHandlers({ webhooks: events, onCallEnded: [enqueueCallAnalysis({ maxAttempts: 3 })] }),
    analysisHandler,
    webhookDeliveryHandler(deliverer, { timeoutMs: testWebhookTimeoutMs, backoff: testWebhookBackoff }),
  ];
  return {
    clock,
    analysisHandler,
    endpoints: new WebhookEndpoints({ db, clock, policy: localPolicy, maxAttempts: 4 }),
    pool: testPool(db, clock, handlers),
    async endedCall(plan, turns = bookingTranscript, beforeEnd) {
      const { tenant, agent } = await seedTenant(db, 'analysis');
      await beforeEnd?.(tenant.id);
      const call = await createCall(db, {
        id: newId(),
        tenantId: tenant.id,
        userId: null,
        agentId: agent.id,
        agentSnapshot: { ...snapshotAgent(agent), analysis: plan },
        channel: 'api',
        direction: 'inbound',
        metadata: {},
        at: new Date(clock.nowMs()),
      });
      clock.advance(1_000);
      await transitionCall(db, { tenantId: tenant.id, callId: call.id, to: 'active', at: new Date(clock.nowMs()) });
      for (const [seq, [role, text]] of turns.entries()) {
        await upsertTranscriptItem(db, { tenantId: tenant.id, callId: call.id, seq, role, text, startMs: seq * 2_000, endMs: seq * 2_000 + 1_500, interrupted: false });
      }
      clock.advance(30_000);
      const ended = await transitionCall(db, { tenantId: tenant.id, callId: call.id, to: 'ended', reason: 'caller_hung_up', at: new Date(clock.nowMs()) });
      return ended.ok ? ended.value : call;
    },
  };
}

/** What the analysis job tests share, read inside their tests. */
export interface AnalysisTestbed extends TestDatabase {
  /** A fresh fake Chat Completions server per test. */
  readonly fake: FakeOpenAiChat;
}

/** Registers the file's hooks: one test database for the file, a fake Chat Completions server per test. */
export function useAnalysisTestbed(): AnalysisTestbed {
  const database = useTestDatabase();
  let fake: FakeOpenAiChat | undefined;
  beforeEach(async () => {
    fake = await startFakeOpenAiChat();
  });
  afterEach(async () => {
    await fake?.close();
  });
  return {
    get db() {
      return database.db;
    },
    get fake() {
      if (!fake) throw new Error('the fake Chat Completions server runs only inside the tests');
      return fake;
    },
  };
}
