import { jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { lifecycleColumns } from './columns.ts';
import { tenants } from './tenants.ts';

/**
 * What a tenant says about itself as a company (Lydia's `Company`): contact details and the
 * settings its phone assistant uses. One row per tenant, created on the first write; the company
 * name is the tenant's name. Each jsonb column holds one document whose shape is a zod schema in
 * `src/services/companies/documents.ts`, checked on every write and every read; `null` means "the
 * defaults".
 */
export const companyProfiles = pgTable('company_profiles', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  description: text('description'),
  phone: text('phone'),
  email: text('email'),
  website: text('website'),
  address: jsonb('address').$type<unknown>(),
  settings: jsonb('settings').$type<unknown>(),
  businessHours: jsonb('business_hours').$type<unknown>(),
  voiceConfig: jsonb('voice_config').$type<unknown>(),
  customResponses: jsonb('custom_responses').$type<unknown>(),
  transferSettings: jsonb('transfer_settings').$type<unknown>(),
  voiceAssistant: jsonb('voice_assistant').$type<unknown>(),
  ...lifecycleColumns,
});

export type CompanyProfileRow = typeof companyProfiles.$inferSelect;
