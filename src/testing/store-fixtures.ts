import { agentFromTemplate } from '../services/agent-templates.ts';
import type { Executor } from '../store/database.ts';
import type { AgentFields } from '../store/queries/agents.ts';
import { createAgent } from '../store/queries/agents.ts';
import { createTenant } from '../store/queries/tenants.ts';
import { createUser } from '../store/queries/users.ts';
import type { AgentRow } from '../store/schema/agents.ts';
import type { TenantRow } from '../store/schema/tenants.ts';
import type { UserRow } from '../store/schema/users.ts';

/** The built-in assistant template with a fixed, recognisable prompt. */
export const testAgentFields: AgentFields = { ...agentFromTemplate('assistant'), name: 'Test agent', instructions: 'You are a test agent.' };

let counter = 0;

/** A tenant with one admin, one member and a default agent. */
export async function seedTenant(
  db: Executor,
  label = 'acme',
): Promise<{ tenant: TenantRow; admin: UserRow; member: UserRow; agent: AgentRow }> {
  counter += 1;
  const tenant = await createTenant(db, { name: label, slug: `${label}-${counter}-${Date.now()}` });
  const admin = await createUser(db, { tenantId: tenant.id, role: 'admin', email: `admin@${label}.test` });
  const member = await createUser(db, { tenantId: tenant.id, role: 'member', externalId: `${label}-member` });
  const agent = await createAgent(db, { tenantId: tenant.id, ownerUserId: null, isDefault: true, fields: testAgentFields });
  return { tenant, admin, member, agent };
}
