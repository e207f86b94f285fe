import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { apiKeyPrincipal, type Principal, type Scope } from '../../core/principal.ts';
import type { Database } from '../../store/database.ts';
import { findApiKeyById, insertApiKey, listApiKeys, revokeApiKey, touchApiKey } from '../../store/queries/api-keys.ts';
import type { ApiKeyRow } from '../../store/schema/api-keys.ts';
import { secretMatchesHash, sha256Hex } from './secret-compare.ts';

export const apiKeyPrefix = 'sb_live_';
const idAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
const keyPattern = /^sb_live_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
/** `last_used_at` is written at most this often per key, so authentication is not a write per request. */
export const lastUsedThrottleMs = 60_000;

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(apiKeyPrefix);
}

/** Splits `sb_live_<id>_<secret>`; `undefined` when the shape is wrong. */
export function parseApiKey(key: string): { id: string; secret: string } | undefined {
  const m = keyPattern.exec(key);
  return m?.[1] !== undefined && m[2] !== undefined ? { id: m[1], secret: m[2] } : undefined;
}

function newKeyId(): string {
  let id = '';
  for (let i = 0; i < 8; i += 1) id += idAlphabet.charAt(randomInt(idAlphabet.length));
  return id;
}

/** The public part of a key, shown in lists: `sb_live_<id>`. */
export function displayPrefix(row: Pick<ApiKeyRow, 'id'>): string {
  return `${apiKeyPrefix}${row.id}`;
}

export class ApiKeys {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(deps: { readonly db: Database; readonly clock: Clock }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  /** Creates a key and returns it in full: the only time the secret exists outside the caller's hands. */
  async create(params: { tenantId: string; name: string; scopes: readonly Scope[]; createdByUserId: string | null }): Promise<{ row: ApiKeyRow; key: string }> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const id = newKeyId();
      const secret = randomBytes(32).toString('base64url');
      const row = await insertApiKey(this.#db, {
        id,
        tenantId: params.tenantId,
        name: params.name,
        scopes: [...new Set(params.scopes)],
        secretHash: sha256Hex(secret),
        createdByUserId: params.createdByUserId,
        createdAt: new Date(this.#clock.nowMs()),
      });
      if (row) return { row, key: `${apiKeyPrefix}${id}_${secret}` };
    }
    throw new Error('could not draw a free API key id');
  }

  async list(tenantId: string): Promise<ApiKeyRow[]> {
    return listApiKeys(this.#db, { tenantId });
  }

  /** Revokes at once: the next request with the key is refused. */
  async revoke(tenantId: string, id: string): Promise<void> {
    const revoked = await revokeApiKey(this.#db, { tenantId, id, at: new Date(this.#clock.nowMs()) });
    if (!revoked) throw new AppError('api_key_not_found', 'API key not found');
  }

  /** The principal of a presented key; throws `unauthenticated` for a malformed, unknown, wrong or revoked key. */
  async authenticate(key: string): Promise<Principal> {
    const parsed = parseApiKey(key);
    if (!parsed) throw new AppError('unauthenticated', 'The API key is malformed (expected sb_live_<id>_<secret>)');
    const row = await findApiKeyById(this.#db, { id: parsed.id });
    if (!row || !secretMatchesHash(parsed.secret, row.secretHash)) throw new AppError('unauthenticated', 'The API key is invalid');
    if (row.revokedAt !== null) throw new AppError('unauthenticated', 'The API key was revoked');
    const nowMs = this.#clock.nowMs();
    if (row.lastUsedAt === null || nowMs - row.lastUsedAt.getTime() >= lastUsedThrottleMs) {
      await touchApiKey(this.#db, { tenantId: row.tenantId, id: row.id, at: new Date(nowMs) });
    }
    return apiKeyPrincipal(row);
  }
}
