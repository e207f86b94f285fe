export * from './tenants.ts';
export * from './users.ts';
export * from './agents.ts';
export * from './calls.ts';
export * from './transcript-items.ts';
export * from './call-events.ts';
export * from './refresh-tokens.ts';
export * from './api-keys.ts';
