import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../store/database.ts';
import { HandlehomeCallRecords } from './call-records.ts';
import { HandlehomeCustomers } from './customers.ts';
import { HandlehomeOrders } from './orders.ts';
import { HandlehomeSearch } from './search.ts';
import { HandlehomeSettingsService } from './settings.ts';

/** The HandleHome services the HTTP surface uses, over one database. */
export function handlehomeServices(deps: { db: Database; clock: Clock }) {
  const callRecords = new HandlehomeCallRecords(deps);
  return {
    callRecords,
    customers: new HandlehomeCustomers(deps),
    orders: new HandlehomeOrders(deps),
    search: new HandlehomeSearch({ db: deps.db, callRecords }),
    settings: new HandlehomeSettingsService(deps),
  };
}
