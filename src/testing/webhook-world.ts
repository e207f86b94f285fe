import { afterEach, beforeEach } from 'vitest';
import type { JobHandler } from '../jobs/handler.ts';
import { callLifecycleHandlers } from '../jobs/call-lifecycle-handlers.ts';
import { webhookDeliveryHandler } from '../jobs/webhook-delivery-handler.ts';
import type { JobWorkerPool } from '../jobs/worker-pool.ts';
import { WebhookDeliverer } from '../services/webhooks/deliver.ts';
import { WebhookEndpoints } from '../services/webhooks/endpoints.ts';
import { WebhookEvents } from '../services/webhooks/events.ts';
import type { WebhookUrlPolicy } from '../services/webhooks/url-policy.ts';
import type { Database } from '../store/database.ts';
import { transitionCall } from '../store/queries/calls.ts';
import { ManualClock, testPool } from './job-fixtures.ts';
import { useTestDatabase, type TestDatabase } from './test-database.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

/** Development policy: local receivers allowed. */
export const localPolicy: WebhookUrlPolicy = { requireHttps: false, allowPrivateNetworks: true };
/** Backoff of the test delivery handler: with jitter 0.5, 0.5 s after the first failure, 1 s after the second. */
export const testWebhookBackoff = { baseMs: 1_000, capMs: 60_000 };
export const testWebhookTimeoutMs = 2_000;

/** Webhook services and a worker pool running the lifecycle and delivery jobs, on a manual clock. */
export interface WebhookWorld {
  readonly clock: ManualClock;
  readonly endpoints: WebhookEndpoints;
  readonly events: WebhookEvents;
  readonly handlers: readonly JobHandler[];
  readonly pool: JobWorkerPool;
  /** Moves the call to `active`, then `ended`, a second apart. */
  runCall(tenantId: string, callId: string): Promise<void>;
}

export function webhookWorld(db: Database, options: { policy?: WebhookUrlPolicy; clock?: ManualClock } = {}): WebhookWorld {
  const clock = options.clock ?? new ManualClock();
  const policy = options.policy ?? localPolicy;
  const events = new WebhookEvents({ clock, maxAttempts: 4 });
  const deliverer = new WebhookDeliverer({ db, clock, policy, timeoutMs: testWebhookTimeoutMs });
  const handlers = [...callLifecycleHandlers({ webhooks: events }), webhookDeliveryHandler(deliverer, { timeoutMs: testWebhookTimeoutMs, backoff: testWebhookBackoff })];
  return {
    clock,
    endpoints: new WebhookEndpoints({ db, clock, policy, maxAttempts: 4 }),
    events,
    handlers,
    pool: testPool(db, clock, handlers),
    async runCall(tenantId, callId) {
      clock.advance(1_000);
      await transitionCall(db, { tenantId, callId, to: 'active', at: new Date(clock.nowMs()) });
      clock.advance(1_000);
      await transitionCall(db, { tenantId, callId, to: 'ended', reason: 'caller_hung_up', at: new Date(clock.nowMs()) });
    },
  };
}

/** What the webhook delivery tests share, read inside their tests. */
export interface WebhookTestbed extends TestDatabase {
  /** A fresh receiver per test. */
  readonly receiver: WebhookReceiver;
  /** A fresh `webhookWorld` on the file's database per test. */
  readonly world: WebhookWorld;
}

/** Registers the file's hooks: one test database for the file, a webhook receiver and a `webhookWorld` per test. */
export function useWebhookTestbed(): WebhookTestbed {
  const database = useTestDatabase();
  let current: { receiver: WebhookReceiver; world: WebhookWorld } | undefined;
  beforeEach(async () => {
    current = { receiver: await startWebhookReceiver(), world: webhookWorld(database.db) };
  });
  afterEach(async () => {
    await current?.receiver.close();
  });
  const inTest = () => {
    if (!current) throw new Error('the webhook receiver runs only inside the tests');
    return current;
  };
  return {
    get db() {
      return database.db;
    },
    get receiver() {
      return inTest().receiver;
    },
    get world() {
      return inTest().world;
    },
  };
}
