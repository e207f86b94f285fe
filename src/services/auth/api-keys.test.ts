import type * as Crypto from 'node:crypto';
import { timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { findApiKeyById } from '../../store/queries/api-keys.ts';
import type { DatabaseHandle } from '../../store/database.ts';
import { ManualClock } from '../../testing/runtime-fakes/index.ts';
import { seedTenant } from '../../testing/store-fixtures.ts';
import { openTestDatabase } from '../../testing/test-database.ts';
import { ApiKeys, lastUsedThrottleMs, parseApiKey } from './api-keys.ts';
import { secretsEqual } from './secret-compare.ts';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof Crypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle.close();
});
beforeEach(() => {
  vi.mocked(timingSafeEqual).mockClear();
});

describe('API keys', () => {
  it('are sb_live_<id>_<secret>, stored as a SHA-256 of the secret only, and authenticate as their tenant with their scopes', async () => {
    const { tenant } = await seedTenant(handle.db, 'keys');
    const keys = new ApiKeys({ db: handle.db, clock: new ManualClock() });
    const { row, key } = await keys.create({ tenantId: tenant.id, name: 'backend', scopes: ['read', 'calls', 'read'], createdByUserId: null });
    expect(key).toMatch(/^sb_live_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseApiKey(key);
    expect(parsed?.id).toBe(row.id);
    expect(row.scopes).toEqual(['read', 'calls']);
    const stored = await findApiKeyById(handle.db, { id: row.id });
    expect(JSON.stringify(stored)).not.toContain(parsed?.secret);
    expect(stored?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await keys.authenticate(key)).toEqual({ tenantId: tenant.id, userId: null, role: 'admin', kind: 'api_key', scopes: ['read', 'calls'], apiKeyId: row.id });
  });

  it('compare the secret with timingSafeEqual, and refuse a wrong secret, a malformed key and a revoked key', async () => {
    const { tenant } = await seedTenant(handle.db, 'keys2');
    const keys = new ApiKeys({ db: handle.db, clock: new ManualClock() });
    const { row, key } = await keys.create({ tenantId: tenant.id, name: 'k', scopes: ['read'], createdByUserId: null });
    const wrong = `${key.slice(0, -4)}AAAA`;
    await expect(keys.authenticate(wrong)).rejects.toMatchObject({ code: 'unauthenticated', message: 'The API key is invalid' });
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    await expect(keys.authenticate('sb_live_nope')).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('malformed') as string });
    await keys.revoke(tenant.id, row.id);
    await expect(keys.authenticate(key)).rejects.toMatchObject({ code: 'unauthenticated', message: 'The API key was revoked' });
    await expect(keys.revoke(tenant.id, row.id)).rejects.toMatchObject({ code: 'api_key_not_found' });
  });

  it('record last use at most once a minute', async () => {
    const { tenant } = await seedTenant(handle.db, 'keys3');
    const clock = new ManualClock();
    const keys = new ApiKeys({ db: handle.db, clock });
    const { row, key } = await keys.create({ tenantId: tenant.id, name: 'k', scopes: ['read'], createdByUserId: null });
    const lastUsed = async () => (await findApiKeyById(handle.db, { id: row.id }))?.lastUsedAt?.getTime() ?? null;
    expect(await lastUsed()).toBeNull();
    await keys.authenticate(key);
    const first = clock.nowMs();
    expect(await lastUsed()).toBe(first);
    clock.advance(lastUsedThrottleMs - 1);
    await keys.authenticate(key);
    expect(await lastUsed()).toBe(first);
    clock.advance(1);
    await keys.authenticate(key);
    expect(await lastUsed()).toBe(first + lastUsedThrottleMs);
  });

  it('belong to one tenant: revoking through another tenant finds nothing', async () => {
    const a = await seedTenant(handle.db, 'keys4');
    const b = await seedTenant(handle.db, 'keys5');
    const keys = new ApiKeys({ db: handle.db, clock: new ManualClock() });
    const { row, key } = await keys.create({ tenantId: a.tenant.id, name: 'k', scopes: ['read'], createdByUserId: null });
    await expect(keys.revoke(b.tenant.id, row.id)).rejects.toMatchObject({ code: 'api_key_not_found' });
    expect(await keys.list(b.tenant.id)).toEqual([]);
    expect((await keys.authenticate(key)).tenantId).toBe(a.tenant.id);
  });
});

describe('secretsEqual (the operator key)', () => {
  it('compares in constant time whatever the lengths', () => {
    expect(secretsEqual('x'.repeat(40), 'x'.repeat(40))).toBe(true);
    expect(secretsEqual('x'.repeat(40), 'x'.repeat(39))).toBe(false);
    expect(secretsEqual('', 'x'.repeat(40))).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(3);
  });
});
