import type { Application } from '../app.ts';
import { newId } from '../core/ids.ts';
import type { Scope } from '../core/principal.ts';
import { snapshotAgent } from '../services/calls.ts';
import { createTenantWithDefaults } from '../services/tenants.ts';
import { createAgent, getTenantDefaultAgent } from '../store/queries/agents.ts';
import { createCall, transitionCall } from '../store/queries/calls.ts';
import { createUser } from '../store/queries/users.ts';
import type { TenantRow } from '../store/schema/tenants.ts';
import type { UserRow } from '../store/schema/users.ts';
import { testAgentFields } from './store-fixtures.ts';

/** Who calls a route in the authorization matrix. */
export const actors = [
  'anonymous',
  'operator',
  'stranger',
  'strangerKey',
  'member',
  'owner',
  'admin',
  'keyRead',
  'keyWrite',
  'keyCalls',
  'keyAdmin',
] as const;
export type Actor = (typeof actors)[number];

/** The password every user of a world has (hashed once, see {@link buildWorld}). */
export const worldPassword = 'matrix passphrase 0123';

/**
 * One tenant with an owner (a member who owns a call and a private agent), another member, an admin
 * and an API key per scope; plus a stranger tenant with an admin and an all-scope key. Fresh for each
 * route, so a route that ends a session or deletes a resource cannot disturb another.
 */
export interface World {
  readonly tenant: TenantRow;
  readonly owner: UserRow;
  readonly member: UserRow;
  readonly admin: UserRow;
  readonly ownerCallId: string;
  readonly ownerAgentId: string;
  readonly keyIds: readonly string[];
  readonly headers: Readonly<Record<Actor, Readonly<Record<string, string>>>>;
  /** A new session of one of the world's users. */
  session(user: UserRow): Promise<{ accessToken: string; refreshToken: string }>;
  /** Fresh resources for routes that consume them. */
  call(options?: { ended?: boolean }): Promise<string>;
  agent(): Promise<string>;
  user(): Promise<string>;
  apiKey(): Promise<string>;
  /** Ids a stranger must never see in a response body. */
  readonly tenantSecrets: readonly string[];
}

let worlds = 0;

export async function buildWorld(app: Pick<Application, 'database' | 'identity'>, options: { passwordHash: string; operatorKey: string }): Promise<World> {
  const db = app.database.db;
  worlds += 1;
  const tenant = await createTenantWithDefaults(db, { name: `Matrix ${worlds}` });
  const other = await createTenantWithDefaults(db, { name: `Stranger ${worlds}` });
  const user = (tenantId: string, role: 'admin' | 'member', label: string, externalId: string | null = null) =>
    createUser(db, { tenantId, role, email: `${label}-${worlds}@matrix.test`, externalId, passwordHash: options.passwordHash });
  const owner = await user(tenant.id, 'member', 'owner', `owner-app-id-${worlds}`);
  const member = await user(tenant.id, 'member', 'member');
  const admin = await user(tenant.id, 'admin', 'admin');
  const stranger = await user(other.id, 'admin', 'stranger');
  const bearer = async (row: UserRow) => ({ authorization: `Bearer ${(await app.identity.sessions.start(row)).accessToken}` });
  const key = async (tenantId: string, scopes: readonly Scope[]) => app.identity.apiKeys.create({ tenantId, name: 'matrix', scopes, createdByUserId: null });
  const keys = { keyRead: await key(tenant.id, ['read']), keyWrite: await key(tenant.id, ['write']), keyCalls: await key(tenant.id, ['calls']), keyAdmin: await key(tenant.id, ['admin']) };
  const strangerKey = await key(other.id, ['read', 'write', 'calls', 'admin']);
  const defaultAgent = await getTenantDefaultAgent(db, { tenantId: tenant.id });
  if (!defaultAgent) throw new Error('world tenant has no default agent');

  const call = async ({ ended = false } = {}) => {
    const row = await createCall(db, {
      id: newId(),
      tenantId: tenant.id,
      userId: owner.id,
      agentId: defaultAgent.id,
      agentSnapshot: snapshotAgent(defaultAgent),
      channel: 'api',
      direction: 'inbound',
      metadata: {},
      at: new Date(),
    });
    if (ended) await transitionCall(db, { tenantId: tenant.id, callId: row.id, to: 'ended', reason: 'matrix', at: new Date() });
    return row.id;
  };
  const agent = async () => (await createAgent(db, { tenantId: tenant.id, ownerUserId: owner.id, isDefault: false, fields: { ...testAgentFields, name: 'Owner’s agent' } })).id;
  const ownerCallId = await call();
  const ownerAgentId = await agent();
  const keyIds = Object.values(keys).map((k) => k.row.id);
  return {
    tenant,
    owner,
    member,
    admin,
    ownerCallId,
    ownerAgentId,
    keyIds,
    headers: {
      anonymous: {},
      operator: { authorization: `Bearer ${options.operatorKey}` },
      stranger: await bearer(stranger),
      strangerKey: { 'x-api-key': strangerKey.key },
      member: await bearer(member),
      owner: await bearer(owner),
      admin: await bearer(admin),
      keyRead: { 'x-api-key': keys.keyRead.key },
      keyWrite: { 'x-api-key': keys.keyWrite.key },
      keyCalls: { 'x-api-key': keys.keyCalls.key },
      keyAdmin: { 'x-api-key': keys.keyAdmin.key },
    },
    session: (row) => app.identity.sessions.start(row),
    call,
    agent,
    user: async () => (await user(tenant.id, 'member', `target-${newId()}`)).id,
    apiKey: async () => (await key(tenant.id, ['read'])).row.id,
    tenantSecrets: [tenant.id, owner.id, member.id, admin.id, ownerCallId, ownerAgentId, defaultAgent.id, ...keyIds],
  };
}
