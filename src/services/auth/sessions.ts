import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Database, Executor } from '../../store/database.ts';
import {
  findRefreshTokenByHash,
  insertRefreshToken,
  lockRefreshTokenByHash,
  markRefreshTokenUsed,
  revokeRefreshFamily,
  revokeUserRefreshTokens,
} from '../../store/queries/refresh-tokens.ts';
import { getUser, updateUser } from '../../store/queries/users.ts';
import type { UserRow } from '../../store/schema/users.ts';
import type { AccessTokens } from './access-tokens.ts';
import { sha256Hex } from './secret-compare.ts';

/** What login, register, refresh and password change return. */
export interface TokenPair {
  readonly tokenType: 'Bearer';
  readonly accessToken: string;
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
  readonly accessTokenExpiresAt: Date;
  readonly refreshToken: string;
  readonly refreshTokenExpiresAt: Date;
}

export interface SessionsDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly accessTokens: AccessTokens;
  readonly refreshTtlMs: number;
}

const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const refreshShape = /^[A-Za-z0-9_-]{43}$/;

type RotateOutcome =
  | { readonly ok: true; readonly user: UserRow; readonly tokens: TokenPair }
  | { readonly ok: false; readonly message: string };

/**
 * Sessions: an access token plus an opaque refresh token of a family. Refreshing rotates the refresh
 * token; presenting a used one again means it was copied, so the whole family is revoked.
 */
export class Sessions {
  readonly #deps: SessionsDeps;

  constructor(deps: SessionsDeps) {
    this.#deps = deps;
  }

  /** Starts a new family for the user (login, register, password change). */
  async start(user: UserRow, db: Executor = this.#deps.db): Promise<TokenPair> {
    return this.#issue(db, user, newId());
  }

  /** Rotates a refresh token: the old one is used up, a new one of the same family is returned. */
  async refresh(refreshToken: string): Promise<{ user: UserRow; tokens: TokenPair }> {
    if (jwtShape.test(refreshToken)) {
      throw new AppError('unauthenticated', 'This is an access token (a JWT); /v1/auth/refresh needs the refresh token issued with it');
    }
    if (!refreshShape.test(refreshToken)) throw new AppError('unauthenticated', 'The refresh token is invalid');
    const { db, clock } = this.#deps;
    const tokenHash = sha256Hex(refreshToken);
    const outcome = await db.transaction(async (tx): Promise<RotateOutcome> => {
      const row = await lockRefreshTokenByHash(tx, { tokenHash });
      const now = new Date(clock.nowMs());
      if (!row) return { ok: false, message: 'The refresh token is invalid' };
      if (row.revokedAt !== null) return { ok: false, message: 'The refresh token was revoked; log in again' };
      if (row.usedAt !== null) {
        // Reuse: someone holds a copy. Revoking the family ends its refresh tokens; bumping the user's
        // session version ends the access tokens already issued (the thief's too), in one transaction.
        await revokeRefreshFamily(tx, { tenantId: row.tenantId, familyId: row.familyId, at: now });
        await updateUser(tx, { tenantId: row.tenantId, userId: row.userId, changes: { bumpSessionVersion: true } });
        return { ok: false, message: 'The refresh token was already used; its session has been revoked, log in again' };
      }
      if (row.expiresAt.getTime() <= now.getTime()) return { ok: false, message: 'The refresh token has expired; log in again' };
      const user = await getUser(tx, { tenantId: row.tenantId, userId: row.userId });
      if (!user) return { ok: false, message: 'The user of this refresh token no longer exists' };
      const issued = await this.#issueIn(tx, user, row.familyId);
      await markRefreshTokenUsed(tx, { id: row.id, at: now, replacedBy: issued.id });
      return { ok: true, user, tokens: issued.tokens };
    });
    // Thrown after the transaction, so that a reuse's family revocation is committed, not rolled back.
    if (!outcome.ok) throw new AppError('unauthenticated', outcome.message);
    return { user: outcome.user, tokens: outcome.tokens };
  }

  /** Revokes the family of this refresh token if it belongs to the user; unknown tokens are ignored (logout is idempotent). */
  async logout(user: { readonly tenantId: string; readonly id: string }, refreshToken: string): Promise<void> {
    const { db, clock } = this.#deps;
    if (!refreshShape.test(refreshToken)) return;
    const row = await findRefreshTokenByHash(db, { tokenHash: sha256Hex(refreshToken) });
    if (row?.tenantId !== user.tenantId || row.userId !== user.id) return;
    await revokeRefreshFamily(db, { tenantId: row.tenantId, familyId: row.familyId, at: new Date(clock.nowMs()) });
  }

  /** Revokes every refresh token of the user (password change, log out everywhere). */
  async revokeAll(user: { readonly tenantId: string; readonly id: string }, db: Executor = this.#deps.db): Promise<void> {
    await revokeUserRefreshTokens(db, { tenantId: user.tenantId, userId: user.id, at: new Date(this.#deps.clock.nowMs()) });
  }

  async #issue(db: Executor, user: UserRow, familyId: string): Promise<TokenPair> {
    return (await this.#issueIn(db, user, familyId)).tokens;
  }

  async #issueIn(db: Executor, user: UserRow, familyId: string): Promise<{ id: string; tokens: TokenPair }> {
    const { clock, accessTokens, refreshTtlMs } = this.#deps;
    const nowMs = clock.nowMs();
    const refreshToken = randomBytes(32).toString('base64url');
    const id = newId();
    const refreshTokenExpiresAt = new Date(nowMs + refreshTtlMs);
    await insertRefreshToken(db, {
      id,
      tenantId: user.tenantId,
      userId: user.id,
      familyId,
      tokenHash: sha256Hex(refreshToken),
      createdAt: new Date(nowMs),
      expiresAt: refreshTokenExpiresAt,
    });
    const access = await accessTokens.issue(user);
    return {
      id,
      tokens: {
        tokenType: 'Bearer',
        accessToken: access.token,
        // The token's own lifetime (exp − iat), not a difference of two clock readings that drifts under load.
        expiresIn: access.lifetimeS,
        accessTokenExpiresAt: access.expiresAt,
        refreshToken,
        refreshTokenExpiresAt,
      },
    };
  }
}
