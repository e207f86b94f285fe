import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { apiKeyPrincipal, userPrincipal } from '../core/principal.ts';
import type { DatabaseHandle } from '../store/database.ts';
import { seedTenant } from '../testing/store-fixtures.ts';
import { openTestDatabase } from '../testing/test-database.ts';
import { resolveActingUser } from './acting-user.ts';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

describe('resolveActingUser', () => {
  it('lets a member act only for themselves, by id or by their own external id', async () => {
    const { member, admin } = await seedTenant(handle.db);
    const principal = userPrincipal(member);
    expect((await resolveActingUser(handle.db, principal, undefined, { provision: false }))?.id).toBe(member.id);
    expect((await resolveActingUser(handle.db, principal, member.externalId!, { provision: false }))?.id).toBe(member.id);
    await expect(resolveActingUser(handle.db, principal, admin.id, { provision: true })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(resolveActingUser(handle.db, principal, 'someone-else', { provision: true })).rejects.toBeInstanceOf(AppError);
  });

  it('lets an admin name tenant users and provision new ones, never another tenant’s', async () => {
    const a = await seedTenant(handle.db, 'ta');
    const b = await seedTenant(handle.db, 'tb');
    const admin = userPrincipal(a.admin);
    expect((await resolveActingUser(handle.db, admin, a.member.id, { provision: false }))?.id).toBe(a.member.id);
    expect(await resolveActingUser(handle.db, admin, b.member.id, { provision: false })).toBeUndefined();
    const created = await resolveActingUser(handle.db, admin, 'app-user-7', { provision: true });
    expect(created).toMatchObject({ tenantId: a.tenant.id, externalId: 'app-user-7', role: 'member' });
    const again = await resolveActingUser(handle.db, admin, 'app-user-7', { provision: true });
    expect(again?.id).toBe(created?.id);
  });

  it('makes an API key name the user it acts for, and keeps it inside its tenant', async () => {
    const a = await seedTenant(handle.db, 'ka');
    const b = await seedTenant(handle.db, 'kb');
    const key = apiKeyPrincipal({ tenantId: a.tenant.id, scopes: ['calls'] });
    await expect(resolveActingUser(handle.db, key, undefined, { provision: true, refPath: 'querystring.userId' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'querystring.userId' }],
    });
    expect((await resolveActingUser(handle.db, key, a.member.id, { provision: false }))?.id).toBe(a.member.id);
    expect(await resolveActingUser(handle.db, key, b.member.id, { provision: false })).toBeUndefined();
  });
});
