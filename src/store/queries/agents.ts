import { and, asc, eq, isNull, or } from 'drizzle-orm';
import { newId } from '../../core/ids.ts';
import type { Executor } from '../database.ts';
import { agents, type AgentRow } from '../schema/agents.ts';

/** The editable fields of an agent. */
export type AgentFields = Pick<
  AgentRow,
  | 'name'
  | 'instructions'
  | 'voice'
  | 'language'
  | 'engine'
  | 'engineOptions'
  | 'tools'
  | 'analysis'
  | 'coaching'
  | 'maxDurationS'
  | 'warningBeforeEndS'
  | 'warningMessage'
> &
  Partial<Pick<AgentRow, 'recording'>>;

export async function createAgent(
  db: Executor,
  params: { tenantId: string; ownerUserId: string | null; isDefault: boolean; fields: AgentFields },
): Promise<AgentRow> {
  const [row] = await db
    .insert(agents)
    .values({
      id: newId(),
      tenantId: params.tenantId,
      ownerUserId: params.ownerUserId,
      isDefault: params.isDefault,
      ...params.fields,
    })
    .returning();
  if (!row) throw new Error('insert into agents returned no row');
  return row;
}

export async function getAgent(db: Executor, params: { tenantId: string; agentId: string }): Promise<AgentRow | undefined> {
  const [row] = await db
    .select()
    .from(agents)
    .where(and(eq(agents.tenantId, params.tenantId), eq(agents.id, params.agentId)))
    .limit(1);
  return row;
}

/** Agents a user may use: the tenant's shared agents and the user's own. */
/** The tenant's shared agents and, given a user, that user's own. */
export async function listAgentsVisibleTo(db: Executor, params: { tenantId: string; userId: string | null }): Promise<AgentRow[]> {
  const owner = params.userId === null ? isNull(agents.ownerUserId) : or(isNull(agents.ownerUserId), eq(agents.ownerUserId, params.userId));
  return db
    .select()
    .from(agents)
    .where(and(eq(agents.tenantId, params.tenantId), owner))
    .orderBy(asc(agents.createdAt), asc(agents.id));
}

export async function updateAgent(
  db: Executor,
  params: { tenantId: string; agentId: string; fields: Partial<AgentFields> },
): Promise<AgentRow | undefined> {
  const [row] = await db
    .update(agents)
    .set({ ...params.fields, updatedAt: new Date() })
    .where(and(eq(agents.tenantId, params.tenantId), eq(agents.id, params.agentId)))
    .returning();
  return row;
}

export async function deleteAgent(db: Executor, params: { tenantId: string; agentId: string }): Promise<boolean> {
  const rows = await db
    .delete(agents)
    .where(and(eq(agents.tenantId, params.tenantId), eq(agents.id, params.agentId)))
    .returning({ id: agents.id });
  return rows.length > 0;
}

/** The tenant-wide default agent (no owner). */
export async function getTenantDefaultAgent(db: Executor, params: { tenantId: string }): Promise<AgentRow | undefined> {
  const [row] = await db
    .select()
    .from(agents)
    .where(and(eq(agents.tenantId, params.tenantId), isNull(agents.ownerUserId), eq(agents.isDefault, true)))
    .limit(1);
  return row;
}

/** The user's own default agent, if they have made one (e.g. through the language prompt route). */
export async function getUserDefaultAgent(
  db: Executor,
  params: { tenantId: string; userId: string },
): Promise<AgentRow | undefined> {
  const [row] = await db
    .select()
    .from(agents)
    .where(and(eq(agents.tenantId, params.tenantId), eq(agents.ownerUserId, params.userId), eq(agents.isDefault, true)))
    .limit(1);
  return row;
}

/** The agent a call uses when it names none: the user's own default, else the tenant's. */
export async function resolveDefaultAgent(
  db: Executor,
  params: { tenantId: string; userId: string | null },
): Promise<AgentRow | undefined> {
  if (params.userId !== null) {
    const own = await getUserDefaultAgent(db, { tenantId: params.tenantId, userId: params.userId });
    if (own) return own;
  }
  return getTenantDefaultAgent(db, { tenantId: params.tenantId });
}

/** Unsets the default flag of an owner's current default agent (tenant-wide when `ownerUserId` is null). */
export async function clearDefaultAgent(db: Executor, params: { tenantId: string; ownerUserId: string | null }): Promise<void> {
  await db
    .update(agents)
    .set({ isDefault: false })
    .where(
      and(
        eq(agents.tenantId, params.tenantId),
        params.ownerUserId === null ? isNull(agents.ownerUserId) : eq(agents.ownerUserId, params.ownerUserId),
        eq(agents.isDefault, true),
      ),
    );
}
