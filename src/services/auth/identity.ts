import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { Database } from '../../store/database.ts';
import { getTenantBySlug } from '../../store/queries/tenants.ts';
import { countUsers } from '../../store/queries/users.ts';
import { createTenantWithDefaults } from '../tenants.ts';
import { UserDirectory } from '../users.ts';
import { AccessTokens } from './access-tokens.ts';
import { Accounts } from './accounts.ts';
import { ApiKeys } from './api-keys.ts';
import { CredentialAuthenticator } from './authenticator.ts';
import { ExternalJwtVerifier, type ExternalJwtOptions } from './external-jwt.ts';
import { Sessions } from './sessions.ts';

export interface IdentityOptions {
  readonly jwtSecret: Uint8Array;
  readonly accessTokenTtlMs: number;
  readonly refreshTokenTtlMs: number;
  readonly externalJwt: ExternalJwtOptions | undefined;
}

/** Every identity service, built once per application. */
export interface Identity {
  readonly accessTokens: AccessTokens;
  readonly sessions: Sessions;
  readonly apiKeys: ApiKeys;
  readonly accounts: Accounts;
  readonly users: UserDirectory;
  readonly authenticator: CredentialAuthenticator;
  readonly external: ExternalJwtVerifier | undefined;
}

export function createIdentity(deps: { readonly db: Database; readonly clock: Clock }, options: IdentityOptions): Identity {
  const { db, clock } = deps;
  const accessTokens = new AccessTokens({ secret: options.jwtSecret, ttlMs: options.accessTokenTtlMs, clock });
  const sessions = new Sessions({ db, clock, accessTokens, refreshTtlMs: options.refreshTokenTtlMs });
  const apiKeys = new ApiKeys({ db, clock });
  const external = options.externalJwt ? new ExternalJwtVerifier(options.externalJwt, { db, clock }) : undefined;
  return {
    accessTokens,
    sessions,
    apiKeys,
    accounts: new Accounts({ db, sessions }),
    users: new UserDirectory({ db, sessions }),
    authenticator: new CredentialAuthenticator({ db, accessTokens, apiKeys, external }),
    external,
  };
}

/**
 * Start-up checks: creates the external provider's tenant if it does not exist yet, says whether
 * self-service signup is open, and when the server has no user at all says plainly how to create
 * the first admin (there is no default one).
 */
export async function prepareIdentity(db: Database, identity: Identity, logger: Logger, hints: { readonly signupEnabled: boolean }): Promise<void> {
  if (identity.external) {
    const slug = identity.external.tenantSlug;
    if (!(await getTenantBySlug(db, { slug }))) {
      await createTenantWithDefaults(db, { name: slug, slug });
      logger.info({ tenant: slug }, 'created the tenant of EXTERNAL_JWT_TENANT; its users appear on their first request');
    }
  }
  if (hints.signupEnabled) {
    logger.info({ signupEnabled: true }, 'self-service signup is open: anyone can create a tenant (SIGNUP_ENABLED=false closes it)');
  } else {
    logger.info({ signupEnabled: false }, 'self-service signup is closed: accounts come from admin:create, admins and the operator key');
  }
  if ((await countUsers(db)) === 0) {
    logger.warn(
      {
        command: 'npm run admin:create -- --email you@example.com --tenant "Your org"',
        ...(hints.signupEnabled ? { orSignUp: 'POST /v1/auth/register' } : {}),
      },
      'no users yet and no default admin: create the first admin with this command',
    );
  }
}
