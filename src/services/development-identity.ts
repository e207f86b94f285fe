import type { Principal } from '../core/principal.ts';
import type { Database } from '../store/database.ts';
import { createAgent, getTenantDefaultAgent } from '../store/queries/agents.ts';
import { createTenant, getTenantBySlug } from '../store/queries/tenants.ts';
import { createUser, findUserByRef } from '../store/queries/users.ts';
import { agentFromTemplate } from './agent-templates.ts';

export const developmentTenantSlug = 'development';
export const developmentUserRef = 'developer';

/**
 * Creates (once) the development tenant, its admin user and a default agent, and returns the principal
 * every request acts as until real authentication is configured. Idempotent across restarts.
 */
export async function ensureDevelopmentIdentity(db: Database): Promise<Principal> {
  return db.transaction(async (tx) => {
    const tenant =
      (await getTenantBySlug(tx, { slug: developmentTenantSlug })) ??
      (await createTenant(tx, { name: 'Development', slug: developmentTenantSlug }));
    const user =
      (await findUserByRef(tx, { tenantId: tenant.id, ref: developmentUserRef })) ??
      (await createUser(tx, { tenantId: tenant.id, role: 'admin', externalId: developmentUserRef, displayName: 'Developer' }));
    const agent = await getTenantDefaultAgent(tx, { tenantId: tenant.id });
    if (!agent) {
      await createAgent(tx, { tenantId: tenant.id, ownerUserId: null, isDefault: true, fields: agentFromTemplate('assistant') });
    }
    return { tenantId: tenant.id, userId: user.id, role: user.role };
  });
}
