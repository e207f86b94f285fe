import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { userPrincipal, type Principal } from '../../core/principal.ts';
import type { Database } from '../../store/database.ts';
import { getTenantBySlug } from '../../store/queries/tenants.ts';
import { ensureExternalUser } from '../../store/queries/users.ts';
import { normaliseEmail } from './account-rules.ts';

/** A third-party identity provider whose ID tokens we accept (Firebase, Auth0, Clerk, …). */
export interface ExternalJwtOptions {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** Slug of the tenant the provider's users belong to. */
  readonly tenantSlug: string;
}

/** Asymmetric only: an HS256 token could be forged by anyone who knows a shared secret. */
const allowedAlgorithms = ['RS256', 'ES256'];
const clockToleranceS = 5;

function describeFailure(error: unknown): AppError {
  if (error instanceof errors.JWTExpired) return new AppError('unauthenticated', 'The identity token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AppError('unauthenticated', `The identity token's "${error.claim}" claim is not accepted by this server`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new AppError('unauthenticated', 'The identity token is signed with a key the identity provider does not publish');
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error instanceof TypeError) {
    // The provider is unreachable or broken: that is not the caller's fault, and not an auth answer.
    return new AppError('provider_unavailable', 'The identity provider’s signing keys could not be fetched', { cause: error });
  }
  return new AppError('unauthenticated', 'The identity token is invalid', { cause: error });
}

/**
 * Verifies third-party JWTs against the provider's JWKS, pinning issuer, audience and algorithm, and
 * maps the subject to a user of the configured tenant (created as a member on first sight).
 */
export class ExternalJwtVerifier {
  readonly #options: ExternalJwtOptions;
  readonly #keys: JWTVerifyGetKey;
  readonly #db: Database;
  readonly #clock: Clock;
  #tenantId: string | undefined;

  constructor(options: ExternalJwtOptions, deps: { readonly db: Database; readonly clock: Clock }) {
    this.#options = options;
    this.#keys = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  get tenantSlug(): string {
    return this.#options.tenantSlug;
  }

  async verify(token: string): Promise<Principal> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.#keys, {
        algorithms: allowedAlgorithms,
        issuer: this.#options.issuer,
        audience: this.#options.audience,
        clockTolerance: clockToleranceS,
        currentDate: new Date(this.#clock.nowMs()),
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (error) {
      throw describeFailure(error);
    }
    const sub = payload.sub;
    if (typeof sub !== 'string' || sub === '' || sub.length > 256) throw new AppError('unauthenticated', 'The identity token has no usable subject');
    const tenantId = await this.#tenant();
    const email = payload.email_verified === true && typeof payload.email === 'string' ? normaliseEmail(payload.email) : null;
    const name = typeof payload.name === 'string' ? payload.name.slice(0, 200) : null;
    const user = await ensureExternalUser(this.#db, { tenantId, externalId: sub, email, displayName: name });
    return userPrincipal(user);
  }

  async #tenant(): Promise<string> {
    if (this.#tenantId !== undefined) return this.#tenantId;
    const tenant = await getTenantBySlug(this.#db, { slug: this.#options.tenantSlug });
    if (!tenant) throw new Error(`EXTERNAL_JWT_TENANT names no tenant: ${this.#options.tenantSlug}`);
    this.#tenantId = tenant.id;
    return tenant.id;
  }
}
