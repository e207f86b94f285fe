import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { lifecycleColumns } from './columns.ts';
import { tenants } from './tenants.ts';

/**
 * HandleHome's customers (`clients`), per tenant. `phone` is E.164, normalised before every write,
 * and is the key the post-call step upserts by; it is null when no real number is known (never a
 * placeholder). Personal data: never logged.
 */
export const handlehomeCustomers = pgTable(
  'handlehome_customers',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    firstName: text('first_name'),
    lastName: text('last_name'),
    phone: text('phone'),
    email: text('email'),
    address: text('address'),
    companyName: text('company_name'),
    ...lifecycleColumns,
  },
  (t) => [
    // NULLs are distinct: any number of customers without a phone, one per real number.
    uniqueIndex('handlehome_customers_tenant_phone_key').on(t.tenantId, t.phone),
    index('handlehome_customers_tenant_name_idx').on(t.tenantId, t.lastName, t.firstName),
  ],
);

export type HandlehomeCustomerRow = typeof handlehomeCustomers.$inferSelect;
