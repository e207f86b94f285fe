import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { phoneNumbers, type PhoneNumberMode, type PhoneNumberRow } from '../schema/phone-numbers.ts';

export interface NewPhoneNumber {
  readonly id: string;
  readonly tenantId: string;
  readonly number: string;
  readonly agentId: string | null;
  readonly mode: PhoneNumberMode;
  readonly label: string | null;
  readonly at: Date;
}

/** Inserts the number; a number another tenant (or this one) already has violates `phone_numbers_number_key`. */
export async function insertPhoneNumber(db: Executor, params: NewPhoneNumber): Promise<PhoneNumberRow> {
  const [row] = await db
    .insert(phoneNumbers)
    .values({
      id: params.id,
      tenantId: params.tenantId,
      number: params.number,
      agentId: params.agentId,
      mode: params.mode,
      label: params.label,
      createdAt: params.at,
      updatedAt: params.at,
    })
    .returning();
  if (!row) throw new Error('insert into phone_numbers returned no row');
  return row;
}

export async function listPhoneNumbers(db: Executor, params: { tenantId: string }): Promise<PhoneNumberRow[]> {
  return db
    .select()
    .from(phoneNumbers)
    .where(eq(phoneNumbers.tenantId, params.tenantId))
    .orderBy(asc(phoneNumbers.createdAt), asc(phoneNumbers.id));
}

export async function getPhoneNumber(db: Executor, params: { tenantId: string; phoneNumberId: string }): Promise<PhoneNumberRow | undefined> {
  const [row] = await db
    .select()
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.tenantId, params.tenantId), eq(phoneNumbers.id, params.phoneNumberId)))
    .limit(1);
  return row;
}

/** The tenant's entry for this exact E.164 number, if it has one. */
export async function getTenantPhoneNumberByNumber(db: Executor, params: { tenantId: string; number: string }): Promise<PhoneNumberRow | undefined> {
  const [row] = await db
    .select()
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.tenantId, params.tenantId), eq(phoneNumbers.number, params.number)))
    .limit(1);
  return row;
}

/**
 * Which tenant answers a called number: the one lookup not scoped by tenant, because the number is
 * what tells an incoming call's tenant (a number belongs to at most one tenant).
 */
export async function findPhoneNumberOwner(db: Executor, params: { number: string }): Promise<PhoneNumberRow | undefined> {
  const [row] = await db.select().from(phoneNumbers).where(eq(phoneNumbers.number, params.number)).limit(1);
  return row;
}

export interface PhoneNumberChanges {
  readonly agentId?: string | null | undefined;
  readonly mode?: PhoneNumberMode | undefined;
  readonly label?: string | null | undefined;
}

export async function updatePhoneNumber(
  db: Executor,
  params: { tenantId: string; phoneNumberId: string; changes: PhoneNumberChanges; at: Date },
): Promise<PhoneNumberRow | undefined> {
  const { agentId, mode, label } = params.changes;
  const [row] = await db
    .update(phoneNumbers)
    .set({
      ...(agentId === undefined ? {} : { agentId }),
      ...(mode === undefined ? {} : { mode }),
      ...(label === undefined ? {} : { label }),
      updatedAt: params.at,
    })
    .where(and(eq(phoneNumbers.tenantId, params.tenantId), eq(phoneNumbers.id, params.phoneNumberId)))
    .returning();
  return row;
}

export async function deletePhoneNumber(db: Executor, params: { tenantId: string; phoneNumberId: string }): Promise<boolean> {
  const rows = await db
    .delete(phoneNumbers)
    .where(and(eq(phoneNumbers.tenantId, params.tenantId), eq(phoneNumbers.id, params.phoneNumberId)))
    .returning({ id: phoneNumbers.id });
  return rows.length > 0;
}
