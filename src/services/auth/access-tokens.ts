import { hkdfSync } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import type { Role } from '../../core/principal.ts';

/** The `typ` header of our access tokens (RFC 9068): no other JWT, and no refresh token, passes for one. */
export const accessTokenType = 'at+jwt';
export const accessTokenIssuer = 'switchboard';
export const accessTokenAudience = 'switchboard:api';
const clockToleranceS = 5;

export interface AccessTokenClaims {
  readonly userId: string;
  readonly tenantId: string;
  readonly role: Role;
  readonly sessionVersion: number;
}

export interface AccessTokenOptions {
  /** `JWT_SECRET`: at least 32 bytes. The signing key is derived from it (HKDF), never the raw secret. */
  readonly secret: Uint8Array;
  readonly ttlMs: number;
  readonly clock: Clock;
}

/** Signs and verifies our short-lived HS256 access tokens. */
export class AccessTokens {
  readonly #key: Uint8Array;
  readonly #ttlMs: number;
  readonly #clock: Clock;

  constructor(options: AccessTokenOptions) {
    if (options.secret.byteLength < 32) throw new Error('JWT_SECRET must be at least 32 bytes');
    this.#key = new Uint8Array(hkdfSync('sha256', options.secret, new Uint8Array(0), 'switchboard access token v1', 32));
    this.#ttlMs = options.ttlMs;
    this.#clock = options.clock;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  async issue(user: { readonly id: string; readonly tenantId: string; readonly role: Role; readonly sessionVersion: number }): Promise<{ token: string; expiresAt: Date; lifetimeS: number }> {
    const nowS = Math.floor(this.#clock.nowMs() / 1000);
    const expS = nowS + Math.max(1, Math.round(this.#ttlMs / 1000));
    const token = await new SignJWT({ tid: user.tenantId, role: user.role, sv: user.sessionVersion })
      .setProtectedHeader({ alg: 'HS256', typ: accessTokenType })
      .setSubject(user.id)
      .setIssuer(accessTokenIssuer)
      .setAudience(accessTokenAudience)
      .setIssuedAt(nowS)
      .setExpirationTime(expS)
      .sign(this.#key);
    return { token, expiresAt: new Date(expS * 1000), lifetimeS: expS - nowS };
  }

  /** The claims of a valid token; throws `unauthenticated` saying whether it expired or is invalid. */
  async verify(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: accessTokenIssuer,
        audience: accessTokenAudience,
        typ: accessTokenType,
        clockTolerance: clockToleranceS,
        currentDate: new Date(this.#clock.nowMs()),
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      const { sub, tid, role, sv } = payload;
      if (typeof sub !== 'string' || typeof tid !== 'string' || (role !== 'admin' && role !== 'member') || typeof sv !== 'number') {
        throw new AppError('unauthenticated', 'The access token is invalid');
      }
      return { userId: sub, tenantId: tid, role, sessionVersion: sv };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired) throw new AppError('unauthenticated', 'The access token has expired; get a new one from POST /v1/auth/refresh');
      throw new AppError('unauthenticated', 'The access token is invalid', { cause: error });
    }
  }
}
