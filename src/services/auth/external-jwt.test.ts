import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../store/database.ts';
import { findUserByExternalId } from '../../store/queries/users.ts';
import { ManualClock } from '../../testing/runtime-fakes/index.ts';
import { openTestDatabase } from '../../testing/test-database.ts';
import { createTenantWithDefaults } from '../tenants.ts';
import { ExternalJwtVerifier } from './external-jwt.ts';

const issuer = 'https://securetoken.google.com/voice-mode-app';
const audience = 'voice-mode-app';

let handle: DatabaseHandle;
let jwks: Server;
let jwksUrl: string;
let signingKey: CryptoKey;
let strangerKey: CryptoKey;
let tenantId: string;
let verifier: ExternalJwtVerifier;
const clock = new ManualClock();

beforeAll(async () => {
  handle = await openTestDatabase();
  tenantId = (await createTenantWithDefaults(handle.db, { name: 'Voice Mode', slug: 'voice-mode' })).id;
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  verifier = new ExternalJwtVerifier({ jwksUrl, issuer, audience, tenantSlug: 'voice-mode' }, { db: handle.db, clock });
});
afterAll(async () => {
  await new Promise((resolve) => jwks.close(resolve));
  await handle.close();
});

function idToken(claims: JWTPayload & { sub?: string }, options: { key?: CryptoKey; kid?: string; iss?: string; aud?: string; expiresInS?: number } = {}): Promise<string> {
  const nowS = Math.floor(clock.nowMs() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'key-1', typ: 'JWT' })
    .setIssuer(options.iss ?? issuer)
    .setAudience(options.aud ?? audience)
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + (options.expiresInS ?? 3600))
    .sign(options.key ?? signingKey);
}

describe('external identity tokens (a Firebase-like provider)', () => {
  it('accept a valid token and map its subject to a member of the configured tenant, created on first sight', async () => {
    const token = await idToken({ sub: 'firebase-uid-1', email: 'Learner@Example.com', email_verified: true, name: 'Lea' });
    const principal = await verifier.verify(token);
    expect(principal).toMatchObject({ tenantId, role: 'member', kind: 'user', scopes: ['read', 'write', 'calls'] });
    const user = await findUserByExternalId(handle.db, { tenantId, externalId: 'firebase-uid-1' });
    expect(user).toMatchObject({ id: principal.userId, email: 'learner@example.com', displayName: 'Lea', passwordHash: null });
    expect((await verifier.verify(await idToken({ sub: 'firebase-uid-1' }))).userId).toBe(principal.userId);
  });

  it('keep an unverified email out', async () => {
    await verifier.verify(await idToken({ sub: 'firebase-uid-2', email: 'claimed@example.com', email_verified: false }));
    expect((await findUserByExternalId(handle.db, { tenantId, externalId: 'firebase-uid-2' }))?.email).toBeNull();
  });

  it('refuse a wrong audience, a wrong issuer, an expired token and a key the provider does not publish', async () => {
    await expect(verifier.verify(await idToken({ sub: 'u' }, { aud: 'another-app' }))).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('"aud"') as string });
    await expect(verifier.verify(await idToken({ sub: 'u' }, { iss: 'https://securetoken.google.com/another-app' }))).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('"iss"') as string });
    await expect(verifier.verify(await idToken({ sub: 'u' }, { expiresInS: -60 }))).rejects.toMatchObject({ code: 'unauthenticated', message: 'The identity token has expired' });
    await expect(verifier.verify(await idToken({ sub: 'u' }, { key: strangerKey, kid: 'key-2' }))).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('does not publish') as string });
    await expect(verifier.verify(await idToken({ sub: 'u' }, { key: strangerKey }))).rejects.toMatchObject({ code: 'unauthenticated', message: 'The identity token is invalid' });
    expect(await findUserByExternalId(handle.db, { tenantId, externalId: 'u' })).toBeUndefined();
  });

  it('refuse a symmetric (HS256) token even with a matching kid', async () => {
    const nowS = Math.floor(clock.nowMs() / 1000);
    const hs = await new SignJWT({ sub: 'hs-user' })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + 60)
      .sign(new TextEncoder().encode('a shared secret that anyone could know'));
    await expect(verifier.verify(hs)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('report an unreachable provider as provider_unavailable, not as a bad credential', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const offline = new ExternalJwtVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks.json`, issuer, audience, tenantSlug: 'voice-mode' }, { db: handle.db, clock });
    await expect(offline.verify(await idToken({ sub: 'u' }))).rejects.toMatchObject({ code: 'provider_unavailable' });
  });

  it('never takes a subject for one of our user ids', async () => {
    const first = await verifier.verify(await idToken({ sub: 'uid-a' }));
    const again = await verifier.verify(await idToken({ sub: first.userId ?? '' }));
    expect(again.userId).not.toBe(first.userId);
  });
});
