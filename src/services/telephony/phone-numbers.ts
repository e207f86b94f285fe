import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Principal } from '../../core/principal.ts';
import type { Database, Executor } from '../../store/database.ts';
import { getAgent } from '../../store/queries/agents.ts';
import {
  deletePhoneNumber,
  getPhoneNumber,
  insertPhoneNumber,
  listPhoneNumbers,
  updatePhoneNumber,
  type PhoneNumberChanges,
} from '../../store/queries/phone-numbers.ts';
import type { PhoneNumberMode, PhoneNumberRow } from '../../store/schema/phone-numbers.ts';
import { isUniqueViolation } from '../../store/unique-violation.ts';

/** An E.164 number: `+`, a country code that does not start with 0, at most 15 digits in all. */
export const e164Number = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +33123456789');

export interface NewPhoneNumberParams {
  readonly number: string;
  readonly agentId?: string | null | undefined;
  readonly mode?: PhoneNumberMode | undefined;
  readonly label?: string | null | undefined;
}

/**
 * The tenant's phone numbers: which number answers with which agent, in which mode. Managing them
 * needs the `admin` scope (checked by the routes); every query is scoped by the principal's tenant.
 */
export class PhoneNumbers {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(deps: { readonly db: Database; readonly clock: Clock }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  list(principal: Principal): Promise<PhoneNumberRow[]> {
    return listPhoneNumbers(this.#db, { tenantId: principal.tenantId });
  }

  async get(principal: Principal, phoneNumberId: string): Promise<PhoneNumberRow> {
    const row = await getPhoneNumber(this.#db, { tenantId: principal.tenantId, phoneNumberId });
    if (!row) throw new AppError('phone_number_not_found', 'Phone number not found');
    return row;
  }

  async create(principal: Principal, params: NewPhoneNumberParams): Promise<PhoneNumberRow> {
    const agentId = params.agentId ?? null;
    if (agentId !== null) await requireTenantAgent(this.#db, principal.tenantId, agentId, 'body.agentId');
    try {
      return await insertPhoneNumber(this.#db, {
        id: newId(),
        tenantId: principal.tenantId,
        number: params.number,
        agentId,
        mode: params.mode ?? 'realtime',
        label: params.label ?? null,
        at: new Date(this.#clock.nowMs()),
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('phone_number_taken', 'This phone number is already registered on this server');
      throw error;
    }
  }

  async update(principal: Principal, phoneNumberId: string, changes: PhoneNumberChanges): Promise<PhoneNumberRow> {
    if (changes.agentId !== undefined && changes.agentId !== null) await requireTenantAgent(this.#db, principal.tenantId, changes.agentId, 'body.agentId');
    const row = await updatePhoneNumber(this.#db, { tenantId: principal.tenantId, phoneNumberId, changes, at: new Date(this.#clock.nowMs()) });
    if (!row) throw new AppError('phone_number_not_found', 'Phone number not found');
    return row;
  }

  async delete(principal: Principal, phoneNumberId: string): Promise<void> {
    if (!(await deletePhoneNumber(this.#db, { tenantId: principal.tenantId, phoneNumberId }))) {
      throw new AppError('phone_number_not_found', 'Phone number not found');
    }
  }

  /** The tenant's line as Lydia sees it (a company has one number): its oldest number, if any. */
  async line(principal: Principal): Promise<PhoneNumberRow | undefined> {
    return (await listPhoneNumbers(this.#db, { tenantId: principal.tenantId }))[0];
  }

  /**
   * Sets the tenant's (Lydia) line: the oldest number is replaced by `number` (keeping its agent and
   * mode), or `number` is added in `ivr` mode when there is none; `null` removes the line. The same
   * number again changes nothing.
   */
  async replaceLine(principal: Principal, number: string | null): Promise<PhoneNumberRow | undefined> {
    const { tenantId } = principal;
    try {
      return await this.#db.transaction(async (tx) => {
        const current = (await listPhoneNumbers(tx, { tenantId }))[0];
        if (current?.number === number) return current;
        if (current) await deletePhoneNumber(tx, { tenantId, phoneNumberId: current.id });
        if (number === null) return undefined;
        const at = new Date(this.#clock.nowMs());
        return insertPhoneNumber(tx, { id: newId(), tenantId, number, agentId: current?.agentId ?? null, mode: current?.mode ?? 'ivr', label: current?.label ?? null, at });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('phone_number_taken', 'This phone number is already registered on this server');
      throw error;
    }
  }
}

/**
 * A number answers for the whole tenant, so its agent must be one of the tenant's shared agents (not
 * a user's own agent, and never another tenant's: that is "not found", like any id of theirs).
 */
async function requireTenantAgent(db: Executor, tenantId: string, agentId: string, path: string): Promise<void> {
  const agent = await getAgent(db, { tenantId, agentId });
  if (!agent) throw new AppError('agent_not_found', 'Agent not found');
  if (agent.ownerUserId !== null) {
    throw new AppError('validation_failed', 'The request is invalid', { details: [{ path, message: 'must be a tenant-wide agent, not a user’s own agent' }] });
  }
}
