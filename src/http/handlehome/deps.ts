import type { HandlehomeCallRecords } from '../../services/handlehome/call-records.ts';
import type { HandlehomeCustomers } from '../../services/handlehome/customers.ts';
import type { HandlehomeOrders } from '../../services/handlehome/orders.ts';
import type { HandlehomeSearch } from '../../services/handlehome/search.ts';
import type { HandlehomeSettingsService } from '../../services/handlehome/settings.ts';

/** The HandleHome services behind `/api/calls`, `/api/clients`, `/api/orders`, `/api/search`, `/api/booking-rules`. */
export interface HandlehomeDeps {
  readonly callRecords: HandlehomeCallRecords;
  readonly customers: HandlehomeCustomers;
  readonly orders: HandlehomeOrders;
  readonly search: HandlehomeSearch;
  readonly settings: HandlehomeSettingsService;
}
