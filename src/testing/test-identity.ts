import type { Application } from '../app.ts';
import type { Role, Scope } from '../core/principal.ts';
import { hashPassword } from '../services/auth/passwords.ts';
import { createTenantWithDefaults } from '../services/tenants.ts';
import { getTenant } from '../store/queries/tenants.ts';
import { createUser } from '../store/queries/users.ts';
import type { TenantRow } from '../store/schema/tenants.ts';
import type { UserRow } from '../store/schema/users.ts';

export interface TestUser {
  readonly tenant: TenantRow;
  readonly user: UserRow;
  readonly accessToken: string;
  readonly refreshToken: string;
  /** `{ authorization: 'Bearer <accessToken>' }`, to spread into `inject({ headers })` or `fetch`. */
  readonly headers: { readonly authorization: string };
}

let counter = 0;

/** A fresh tenant with its default agent. */
export async function createTestTenant(app: Pick<Application, 'database'>, name = 'Test tenant'): Promise<TenantRow> {
  return createTenantWithDefaults(app.database.db, { name });
}

/**
 * A user with a live session, straight through the store and the session service (no password
 * hashing unless `password` is given, so it is cheap). Without `tenant` a new tenant is created.
 */
export async function createTestUser(
  app: Pick<Application, 'database' | 'identity'>,
  options: { role?: Role; tenant?: TenantRow | string; email?: string; externalId?: string; password?: string } = {},
): Promise<TestUser> {
  counter += 1;
  const tenant =
    typeof options.tenant === 'string'
      ? await getTenant(app.database.db, { tenantId: options.tenant })
      : (options.tenant ?? (await createTestTenant(app)));
  if (!tenant) throw new Error('createTestUser: no such tenant');
  const user = await createUser(app.database.db, {
    tenantId: tenant.id,
    role: options.role ?? 'admin',
    email: options.email ?? `user-${counter}-${Date.now()}@test.example`,
    externalId: options.externalId ?? null,
    passwordHash: options.password === undefined ? null : await hashPassword(options.password),
  });
  const tokens = await app.identity.sessions.start(user);
  return { tenant, user, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, headers: { authorization: `Bearer ${tokens.accessToken}` } };
}

/** An API key of the tenant with these scopes; `headers` is `{ 'x-api-key': key }`. */
export async function createTestApiKey(
  app: Pick<Application, 'identity'>,
  options: { tenantId: string; scopes: readonly Scope[]; name?: string },
): Promise<{ key: string; id: string; headers: { readonly 'x-api-key': string } }> {
  const { row, key } = await app.identity.apiKeys.create({ tenantId: options.tenantId, name: options.name ?? 'test key', scopes: options.scopes, createdByUserId: null });
  return { key, id: row.id, headers: { 'x-api-key': key } };
}
