import { AppError } from '../core/errors.ts';
import type { Principal } from '../core/principal.ts';
import type { Database } from '../store/database.ts';
import {
  clearDefaultAgent,
  createAgent,
  deleteAgent,
  getAgent,
  getTenantDefaultAgent,
  getUserDefaultAgent,
  listAgentsVisibleTo,
  updateAgent,
  type AgentFields,
} from '../store/queries/agents.ts';
import type { AgentRow } from '../store/schema/agents.ts';
import { resolveActingUser } from './acting-user.ts';

/**
 * Sets the system prompt of a user's own default agent, creating that agent from the tenant's default
 * the first time. Only this user's calls see the change: there is no global prompt to hijack.
 */
export async function setOwnDefaultInstructions(
  db: Database,
  principal: Principal,
  params: { userRef?: string | undefined; instructions: string },
): Promise<AgentRow> {
  const user = await resolveActingUser(db, principal, params.userRef, { provision: true });
  if (!user) throw new AppError('user_not_found', 'User not found');
  return db.transaction(async (tx) => {
    const own = await getUserDefaultAgent(tx, { tenantId: principal.tenantId, userId: user.id });
    if (own) {
      const updated = await updateAgent(tx, {
        tenantId: principal.tenantId,
        agentId: own.id,
        fields: { instructions: params.instructions },
      });
      if (!updated) throw new Error('own default agent vanished during update');
      return updated;
    }
    const base = await getTenantDefaultAgent(tx, { tenantId: principal.tenantId });
    if (!base) throw new AppError('agent_not_found', 'The tenant has no default agent to start from');
    const { id: _id, tenantId: _t, ownerUserId: _o, isDefault: _d, createdAt: _c, updatedAt: _u, ...fields } = base;
    return createAgent(tx, {
      tenantId: principal.tenantId,
      ownerUserId: user.id,
      isDefault: true,
      fields: { ...fields, name: `${base.name} (${user.externalId ?? user.email ?? 'personal'})`, instructions: params.instructions },
    });
  });
}

/** Whether a principal may change an agent: admins any of the tenant's, members only their own. */
function canEdit(principal: Principal, agent: AgentRow): boolean {
  return principal.role === 'admin' || agent.ownerUserId === principal.userId;
}

function canSee(principal: Principal, agent: AgentRow): boolean {
  return agent.ownerUserId === null || canEdit(principal, agent);
}

function checkTiming(fields: Pick<AgentFields, 'maxDurationS' | 'warningBeforeEndS'>): void {
  if (fields.warningBeforeEndS >= fields.maxDurationS) {
    throw new AppError('validation_failed', 'The request is invalid', {
      details: [{ path: 'body.warningBeforeEndS', message: 'must be less than maxDurationS' }],
    });
  }
}

export async function createAgentFor(
  db: Database,
  principal: Principal,
  params: { fields: AgentFields; shared: boolean; isDefault: boolean },
): Promise<AgentRow> {
  if (params.shared && principal.role !== 'admin') throw new AppError('forbidden', 'Only admins create shared agents');
  checkTiming(params.fields);
  // An API key has no user of its own: what it creates is the tenant's (shared).
  const ownerUserId = params.shared ? null : principal.userId;
  return db.transaction(async (tx) => {
    if (params.isDefault) await clearDefaultAgent(tx, { tenantId: principal.tenantId, ownerUserId });
    return createAgent(tx, { tenantId: principal.tenantId, ownerUserId, isDefault: params.isDefault, fields: params.fields });
  });
}

export async function getAgentFor(db: Database, principal: Principal, agentId: string): Promise<AgentRow> {
  const agent = await getAgent(db, { tenantId: principal.tenantId, agentId });
  if (!agent || !canSee(principal, agent)) throw new AppError('agent_not_found', 'Agent not found');
  return agent;
}

export async function updateAgentFor(
  db: Database,
  principal: Principal,
  agentId: string,
  fields: Partial<AgentFields>,
): Promise<AgentRow> {
  const agent = await getAgentFor(db, principal, agentId);
  if (!canEdit(principal, agent)) throw new AppError('forbidden', 'Only admins change shared agents');
  checkTiming({ ...agent, ...fields });
  const updated = await updateAgent(db, { tenantId: principal.tenantId, agentId, fields });
  if (!updated) throw new AppError('agent_not_found', 'Agent not found');
  return updated;
}

export async function deleteAgentFor(db: Database, principal: Principal, agentId: string): Promise<void> {
  const agent = await getAgentFor(db, principal, agentId);
  if (!canEdit(principal, agent)) throw new AppError('forbidden', 'Only admins delete shared agents');
  await deleteAgent(db, { tenantId: principal.tenantId, agentId });
}

export async function listAgentsFor(db: Database, principal: Principal): Promise<AgentRow[]> {
  return listAgentsVisibleTo(db, { tenantId: principal.tenantId, userId: principal.userId });
}
