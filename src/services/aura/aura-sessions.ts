import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Principal } from '../../core/principal.ts';
import type { Database } from '../../store/database.ts';
import { deleteAuraSession, getAuraSession, insertAuraSession, listAuraSessions, updateAuraSession, type AuraSessionPatch } from '../../store/queries/aura-sessions.ts';
import { getUser } from '../../store/queries/users.ts';
import type { AuraSessionConfig, AuraSessionRow, AuraSessionStatus, AuraSessionType } from '../../store/schema/aura-sessions.ts';
import { sessionNotFound, sessionScope } from './session-scope.ts';

export const defaultSessionConfig: AuraSessionConfig = {
  maxDurationS: 1800,
  feedbackFrequencyS: 5,
  realTimeFeedback: true,
  aiCoaching: true,
  detailedAnalysis: false,
  storeAudio: false,
  shareAnalytics: false,
};

export interface NewSessionInput {
  readonly userId: string | undefined;
  readonly title: string | null;
  readonly description: string | null;
  readonly sessionType: AuraSessionType;
  readonly language: 'fr' | 'en';
  readonly config: Partial<AuraSessionConfig>;
  readonly tags: readonly string[];
}

export interface SessionChanges {
  readonly title?: string | null;
  readonly description?: string | null;
  readonly sessionType?: AuraSessionType;
  readonly language?: 'fr' | 'en';
  readonly status?: AuraSessionStatus;
  readonly config?: Partial<AuraSessionConfig>;
  readonly tags?: readonly string[];
}

/** Statuses a session may move to from each status (the same status is always allowed). */
const transitions: Readonly<Record<AuraSessionStatus, readonly AuraSessionStatus[]>> = {
  active: ['paused', 'completed', 'cancelled', 'error'],
  paused: ['active', 'completed', 'cancelled', 'error'],
  completed: [],
  expired: [],
  cancelled: [],
  error: [],
};

/** Whether audio may still be analysed in a session. */
export function isOpen(session: AuraSessionRow): boolean {
  return session.status === 'active' || session.status === 'paused';
}

type Defined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

function withoutUndefined<T extends object>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}

/** AURA practice sessions: CRUD, scoped to their user (tenant admins see their tenant's). */
export class AuraSessions {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(deps: { db: Database; clock: Clock }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  async create(principal: Principal, input: NewSessionInput): Promise<AuraSessionRow> {
    const scope = sessionScope(principal);
    const owner = input.userId ?? principal.userId ?? '';
    if (owner !== principal.userId) {
      if (scope.userId !== null) throw new AppError('forbidden', 'Members create sessions for themselves only: leave user_id out or send your own id');
      if (!(await getUser(this.#db, { tenantId: principal.tenantId, userId: owner }))) throw new AppError('user_not_found', 'No such user in your tenant');
    }
    return insertAuraSession(this.#db, {
      id: newId(),
      tenantId: principal.tenantId,
      userId: owner,
      title: input.title,
      description: input.description,
      sessionType: input.sessionType,
      language: input.language,
      config: { ...defaultSessionConfig, ...withoutUndefined(input.config) },
      tags: input.tags,
      at: new Date(this.#clock.nowMs()),
    });
  }

  /** The session, marked `expired` first if its time ran out while open. */
  async get(principal: Principal, sessionId: string): Promise<AuraSessionRow> {
    const scope = sessionScope(principal);
    const row = await getAuraSession(this.#db, scope, sessionId);
    if (!row) throw sessionNotFound();
    return this.#expireIfDue(row);
  }

  async list(principal: Principal, filter: { userId?: string | undefined; status?: AuraSessionStatus | undefined; limit: number; offset: number }): Promise<{ rows: AuraSessionRow[]; total: number }> {
    const scope = sessionScope(principal);
    if (filter.userId !== undefined && scope.userId !== null && filter.userId !== scope.userId) {
      throw new AppError('forbidden', 'Members list their own sessions only');
    }
    const userId = filter.userId ?? scope.userId;
    const { rows, total } = await listAuraSessions(this.#db, { tenantId: scope.tenantId, userId, status: filter.status, limit: filter.limit, offset: filter.offset });
    return { rows: await Promise.all(rows.map((r) => this.#expireIfDue(r))), total };
  }

  async update(principal: Principal, sessionId: string, changes: SessionChanges): Promise<{ before: AuraSessionRow; after: AuraSessionRow }> {
    const before = await this.get(principal, sessionId);
    const at = new Date(this.#clock.nowMs());
    const patch: AuraSessionPatch = withoutUndefined({
      title: changes.title,
      description: changes.description,
      sessionType: changes.sessionType,
      language: changes.language,
      tags: changes.tags === undefined ? undefined : [...changes.tags],
    });
    if (changes.config !== undefined) {
      const config = { ...before.config, ...withoutUndefined(changes.config) };
      patch.config = config;
      patch.expiresAt = new Date((before.startedAt ?? before.createdAt).getTime() + config.maxDurationS * 1000);
    }
    if (changes.status !== undefined && changes.status !== before.status) {
      if (!transitions[before.status].includes(changes.status)) {
        throw new AppError('invalid_state_transition', `A ${before.status} session cannot become ${changes.status}`);
      }
      patch.status = changes.status;
      if (changes.status === 'completed' || changes.status === 'cancelled' || changes.status === 'error') patch.endedAt = at;
    }
    const after = await updateAuraSession(this.#db, sessionScope(principal), sessionId, patch, at);
    if (!after) throw sessionNotFound();
    return { before, after };
  }

  /** Marks the session started (first audio), once. */
  async markStarted(session: AuraSessionRow): Promise<AuraSessionRow> {
    if (session.startedAt !== null) return session;
    const at = new Date(this.#clock.nowMs());
    const scope = { tenantId: session.tenantId, userId: session.userId };
    return (await updateAuraSession(this.#db, scope, session.id, { startedAt: at, expiresAt: new Date(at.getTime() + session.config.maxDurationS * 1000) }, at)) ?? session;
  }

  async remove(principal: Principal, sessionId: string): Promise<void> {
    if (!(await deleteAuraSession(this.#db, sessionScope(principal), sessionId))) throw sessionNotFound();
  }

  async #expireIfDue(row: AuraSessionRow): Promise<AuraSessionRow> {
    if (!isOpen(row) || row.expiresAt.getTime() > this.#clock.nowMs()) return row;
    const at = new Date(this.#clock.nowMs());
    const scope = { tenantId: row.tenantId, userId: row.userId };
    return (await updateAuraSession(this.#db, scope, row.id, { status: 'expired', endedAt: row.expiresAt }, at)) ?? row;
  }
}
