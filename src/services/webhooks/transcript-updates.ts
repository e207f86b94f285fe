import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../store/database.ts';
import { upsertTranscriptItem, type NewTranscriptItem } from '../../store/queries/transcript-items.ts';
import { listSubscribedEndpoints } from '../../store/queries/webhook-endpoints.ts';
import type { JsonObject } from '../../store/schema/jobs.ts';
import type { TranscriptItemRow } from '../../store/schema/transcript-items.ts';
import type { WebhookEvents } from './events.ts';

/** One turn as `transcript.updated` carries it. */
export function turnData(turn: Pick<TranscriptItemRow, 'seq' | 'role' | 'text' | 'startMs' | 'endMs' | 'interrupted'>): JsonObject {
  return { seq: turn.seq, role: turn.role, text: turn.text, startMs: turn.startMs, endMs: turn.endMs, interrupted: turn.interrupted };
}

export interface TranscriptUpdatesDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly events: WebhookEvents;
  /**
   * How long "does this tenant have an endpoint for `transcript.updated`?" is remembered (default 5 s):
   * a tenant without one costs no query per turn. An endpoint created or enabled during a call gets its
   * per-turn events at most this much later (the final transcript at the end is never missed).
   */
  readonly subscriptionCacheMs?: number;
}

/**
 * Saves a live call's finished turns and, for tenants with a `transcript.updated` endpoint, emits the
 * per-turn event in the same transaction as the turn (durable: the turn and its event commit together).
 * Runs on the call sink's write queue, never on the audio path.
 */
export class TranscriptUpdates {
  readonly #deps: TranscriptUpdatesDeps;
  readonly #subscribed = new Map<string, { readonly wanted: boolean; readonly untilMs: number }>();

  constructor(deps: TranscriptUpdatesDeps) {
    this.#deps = deps;
  }

  async saveTurn(item: NewTranscriptItem): Promise<void> {
    const { db, events } = this.#deps;
    if (!(await this.#wanted(item.tenantId))) {
      await upsertTranscriptItem(db, item);
      return;
    }
    await db.transaction(async (tx) => {
      await upsertTranscriptItem(tx, item);
      await events.emitEvent(tx, item.tenantId, { type: 'transcript.updated', callId: item.callId, data: { final: false, turn: turnData(item) } });
    });
  }

  async #wanted(tenantId: string): Promise<boolean> {
    const nowMs = this.#deps.clock.nowMs();
    const cached = this.#subscribed.get(tenantId);
    if (cached && cached.untilMs > nowMs) return cached.wanted;
    const wanted = (await listSubscribedEndpoints(this.#deps.db, { tenantId, type: 'transcript.updated' })).length > 0;
    if (this.#subscribed.size > 10_000) this.#subscribed.clear();
    this.#subscribed.set(tenantId, { wanted, untilMs: nowMs + (this.#deps.subscriptionCacheMs ?? 5_000) });
    return wanted;
  }
}
