export * from './handlehome-customers.ts';
export * from './handlehome-requests.ts';
export * from './handlehome-orders.ts';
export * from './handlehome-settings.ts';
