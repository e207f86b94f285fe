import { timestamp } from 'drizzle-orm/pg-core';

/** Every persisted instant is a `timestamptz` read as a JS `Date`; one style for the whole schema. */
export const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const lifecycleColumns = {
  createdAt: instant('created_at').notNull().defaultNow(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
};
