import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import type { DatabaseHandle } from '../../store/database.ts';
import { getTenantBySlug } from '../../store/queries/tenants.ts';
import { createUser } from '../../store/queries/users.ts';
import { ManualClock } from '../../testing/runtime-fakes/index.ts';
import { openTestDatabase } from '../../testing/test-database.ts';
import { createIdentity, prepareIdentity } from './identity.ts';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('start-up of identity', () => {
  it('with no user at all says how to create the first admin, and creates the external provider’s tenant', async () => {
    const identity = createIdentity(
      { db: handle.db, clock: new ManualClock() },
      {
        jwtSecret: Buffer.from('x'.repeat(32)),
        accessTokenTtlMs: 60_000,
        refreshTokenTtlMs: 3_600_000,
        externalJwt: { jwksUrl: 'http://127.0.0.1:9/jwks.json', issuer: 'https://idp.example', audience: 'app', tenantSlug: 'voice-mode' },
      },
    );
    const first = capturingLogger();
    await prepareIdentity(handle.db, identity, first.logger, { signupEnabled: true });
    const warning = first.lines().find((line) => line.level === 40);
    expect(warning).toMatchObject({ command: expect.stringContaining('npm run admin:create -- --email') as string, orSignUp: 'POST /v1/auth/register' });
    const tenant = await getTenantBySlug(handle.db, { slug: 'voice-mode' });
    expect(tenant).toBeDefined();

    await createUser(handle.db, { tenantId: tenant?.id ?? '', role: 'admin', email: 'a@b.test' });
    const second = capturingLogger();
    await prepareIdentity(handle.db, identity, second.logger, { signupEnabled: false });
    expect(second.lines().filter((line) => line.level === 40)).toEqual([]);
  });

  it('says whether self-service signup is open', async () => {
    const identity = createIdentity({ db: handle.db, clock: new ManualClock() }, { jwtSecret: Buffer.from('x'.repeat(32)), accessTokenTtlMs: 60_000, refreshTokenTtlMs: 3_600_000, externalJwt: undefined });
    const open = capturingLogger();
    await prepareIdentity(handle.db, identity, open.logger, { signupEnabled: true });
    expect(open.lines()).toContainEqual(expect.objectContaining({ signupEnabled: true, msg: expect.stringContaining('signup is open') as string }));
    const closed = capturingLogger();
    await prepareIdentity(handle.db, identity, closed.logger, { signupEnabled: false });
    expect(closed.lines()).toContainEqual(expect.objectContaining({ signupEnabled: false, msg: expect.stringContaining('signup is closed') as string }));
  });
});
