import { newId } from '../core/ids.ts';
import type { CallAnalyzedEvent } from '../jobs/call-analysis/call-analyzed.ts';
import { agentFromTemplate } from '../services/agent-templates.ts';
import { snapshotAgent } from '../services/calls.ts';
import type { Executor } from '../store/database.ts';
import { createAgent } from '../store/queries/agents.ts';
import { createCall, transitionCall } from '../store/queries/calls.ts';
import { insertTelephonyCall } from '../store/queries/telephony-calls.ts';
import type { AgentRow } from '../store/schema/agents.ts';
import type { CallRow } from '../store/schema/calls.ts';
import { seedTenant } from './store-fixtures.ts';

/** A tenant with a HandleHome agent (from the template). */
export async function seedHandlehomeTenant(db: Executor): Promise<{ tenantId: string; agent: AgentRow }> {
  const { tenant } = await seedTenant(db, 'handlehome');
  const agent = await createAgent(db, { tenantId: tenant.id, ownerUserId: null, isDefault: false, fields: agentFromTemplate('handlehome') });
  return { tenantId: tenant.id, agent };
}

/**
 * An ended call on `agent` (its snapshot carries the analysis plan), a phone call from `from` when
 * given (`null`: no telephony row at all, as for a browser call).
 */
export async function seedHandlehomeCall(
  db: Executor,
  params: { tenantId: string; agent: AgentRow; from: string | null; direction?: 'inbound' | 'outbound'; startedAt: Date },
): Promise<CallRow> {
  const id = newId();
  // The snapshot as the analysis hook sees it: the agent with its plan.
  const agentSnapshot = { ...snapshotAgent(params.agent), analysis: params.agent.analysis };
  await createCall(db, { id, tenantId: params.tenantId, userId: null, agentId: params.agent.id, agentSnapshot, channel: 'twilio', direction: params.direction ?? 'inbound', metadata: {}, at: params.startedAt });
  if (params.from !== null) {
    const [fromNumber, toNumber] = params.direction === 'outbound' ? ['+33100000000', params.from] : [params.from, '+33100000000'];
    await insertTelephonyCall(db, { callId: id, tenantId: params.tenantId, callSid: `CA${id.replaceAll('-', '')}`, phoneNumberId: null, fromNumber, toNumber, providerStatus: 'completed', at: params.startedAt });
  }
  await transitionCall(db, { tenantId: params.tenantId, callId: id, to: 'active', at: params.startedAt });
  const ended = await transitionCall(db, { tenantId: params.tenantId, callId: id, to: 'ended', reason: 'caller_hangup', at: new Date(params.startedAt.getTime() + 120_000) });
  if (!ended.ok) throw new Error('could not end the seeded call');
  return ended.value;
}

/** A valid HandleHome extraction, with `overrides` applied. */
export function handlehomeExtraction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    prenom: 'Léa',
    nom: 'Martin',
    telephone: null,
    type_demande: 'Commande à emporter',
    services: 'Burgers',
    description: 'Deux burgers à emporter pour 19 h.',
    order: {
      date: '2026-11-23',
      heure: '19:00',
      duree: 30,
      type: 'Commande à emporter',
      modalite: 'À emporter',
      nombrePersonnes: null,
      description: 'Deux burgers classiques, un sans oignons',
      commandes: [
        { nom: 'Burger classique', categorie: 'Burgers', quantite: 2, prixUnitaire: 9.5, supplements: ['cheddar'], personnalisation: 'un sans oignons' },
      ],
    },
    ...overrides,
  };
}

/** The event the analysis hands its steps after a successful analysis of `call` (its own plan, no transcript). */
export function analyzedEvent(call: CallRow, extraction: Record<string, unknown> | null, at: Date): CallAnalyzedEvent {
  return { call, transcript: [], analysis: { summary: null, extraction, evaluation: null }, plan: call.agentSnapshot.analysis ?? {}, at };
}
