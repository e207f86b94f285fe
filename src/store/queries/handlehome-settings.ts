import { eq } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { handlehomeSettings, type HandlehomeSettingsRow } from '../schema/handlehome-settings.ts';

export type BookingRuleFields = Pick<HandlehomeSettingsRow, 'slotMinutes' | 'defaultDurationMin' | 'capacity' | 'asapLeadMinutes' | 'defaultRegion'>;

export async function getHandlehomeSettings(db: Executor, params: { tenantId: string }): Promise<HandlehomeSettingsRow | undefined> {
  const [row] = await db.select().from(handlehomeSettings).where(eq(handlehomeSettings.tenantId, params.tenantId)).limit(1);
  return row;
}

export async function upsertHandlehomeSettings(db: Executor, params: { tenantId: string; fields: BookingRuleFields; at: Date }): Promise<HandlehomeSettingsRow> {
  const [row] = await db
    .insert(handlehomeSettings)
    .values({ tenantId: params.tenantId, ...params.fields, createdAt: params.at, updatedAt: params.at })
    .onConflictDoUpdate({ target: handlehomeSettings.tenantId, set: { ...params.fields, updatedAt: params.at } })
    .returning();
  if (!row) throw new Error('upsert into handlehome_settings returned no row');
  return row;
}
