import type { Accounts } from '../services/auth/accounts.ts';
import type { ApiKeys } from '../services/auth/api-keys.ts';
import type { Sessions } from '../services/auth/sessions.ts';
import type { UserDirectory } from '../services/users.ts';
import type { Database } from '../store/database.ts';
import type { Authenticator } from './authentication.ts';

/** What the identity routes need: built in the composition root from the config. */
export interface IdentityHttpDeps {
  readonly authenticate: Authenticator;
  readonly accounts: Accounts;
  readonly sessions: Sessions;
  readonly users: UserDirectory;
  readonly apiKeys: ApiKeys;
  readonly db: Database;
  /** `POST /v1/auth/register` creates new tenants when true (`SIGNUP_ENABLED`). */
  readonly signupEnabled: boolean;
  /** `ADMIN_API_KEY`; the operator routes refuse everything when unset. */
  readonly operatorKey: string | undefined;
}
