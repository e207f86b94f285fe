import { decodeProtectedHeader } from 'jose';
import { AppError } from '../../core/errors.ts';
import { userPrincipal, type Principal } from '../../core/principal.ts';
import type { Database } from '../../store/database.ts';
import { getUser } from '../../store/queries/users.ts';
import { accessTokenType, type AccessTokens } from './access-tokens.ts';
import { looksLikeApiKey, type ApiKeys } from './api-keys.ts';
import type { Credential } from './credentials.ts';
import type { ExternalJwtVerifier } from './external-jwt.ts';

export interface AuthenticatorDeps {
  readonly db: Database;
  readonly accessTokens: AccessTokens;
  readonly apiKeys: ApiKeys;
  /** Absent when no external identity provider is configured. */
  readonly external?: ExternalJwtVerifier | undefined;
}

function headerTyp(token: string): string | undefined {
  try {
    const typ = decodeProtectedHeader(token).typ;
    return typeof typ === 'string' ? typ.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Turns a presented credential into a principal, for HTTP and realtime alike: an API key, then our
 * access token (recognised by its `typ`), then a configured provider's ID token. Every failure is an
 * `unauthenticated` AppError whose message says what was wrong.
 */
export class CredentialAuthenticator {
  readonly #deps: AuthenticatorDeps;

  constructor(deps: AuthenticatorDeps) {
    this.#deps = deps;
  }

  async authenticate(credential: Credential): Promise<Principal> {
    if (credential.kind === 'api_key') return this.#deps.apiKeys.authenticate(credential.key);
    const { token } = credential;
    if (looksLikeApiKey(token)) return this.#deps.apiKeys.authenticate(token);
    const typ = headerTyp(token);
    if (typ === undefined) {
      throw new AppError('unauthenticated', 'The bearer token is neither an access token nor an API key (a refresh token goes to POST /v1/auth/refresh)');
    }
    if (typ === accessTokenType) return this.#accessToken(token);
    if (this.#deps.external) return this.#deps.external.verify(token);
    throw new AppError('unauthenticated', 'The bearer token is not an access token of this server, and no external identity provider is configured');
  }

  async #accessToken(token: string): Promise<Principal> {
    const claims = await this.#deps.accessTokens.verify(token);
    const user = await getUser(this.#deps.db, { tenantId: claims.tenantId, userId: claims.userId });
    if (!user) throw new AppError('unauthenticated', 'The user of this access token no longer exists');
    if (user.sessionVersion !== claims.sessionVersion) {
      throw new AppError('unauthenticated', 'The access token was revoked (password change or logout everywhere); log in again');
    }
    // The role comes from the database, not the token: a demotion takes effect at once.
    return userPrincipal(user);
  }
}
