import { hkdfSync } from 'node:crypto';
import { decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../testing/runtime-fakes/index.ts';
import { AccessTokens, accessTokenAudience, accessTokenIssuer } from './access-tokens.ts';

const secret = Buffer.from('an access token secret of at least 32 bytes');
const user = { id: '7b0f0a55-52d9-4d2e-9c52-1f0c8a4d7e01', tenantId: '5f5e6a1c-2f43-4f6b-8a55-0d1f3b2c9e11', role: 'member' as const, sessionVersion: 3 };

function tokens(clock = new ManualClock()) {
  return { clock, tokens: new AccessTokens({ secret, ttlMs: 15 * 60_000, clock }) };
}

/** The key AccessTokens derives, to forge tokens that differ in one respect only. */
const key = new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), 'switchboard access token v1', 32));

function forged(change: { typ?: string; aud?: string; iss?: string }, clock: ManualClock): Promise<string> {
  const nowS = Math.floor(clock.nowMs() / 1000);
  return new SignJWT({ tid: user.tenantId, role: user.role, sv: user.sessionVersion })
    .setProtectedHeader({ alg: 'HS256', typ: change.typ ?? 'at+jwt' })
    .setSubject(user.id)
    .setIssuer(change.iss ?? accessTokenIssuer)
    .setAudience(change.aud ?? accessTokenAudience)
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + 600)
    .sign(key);
}

describe('access tokens', () => {
  it('are HS256 JWTs of type at+jwt carrying user, tenant, role and session version', async () => {
    const { tokens: t } = tokens();
    const { token, expiresAt } = await t.issue(user);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    expect(await t.verify(token)).toEqual({ userId: user.id, tenantId: user.tenantId, role: 'member', sessionVersion: 3 });
    expect(expiresAt.getTime()).toBe(Date.UTC(2026, 10, 21, 12, 15, 0));
  });

  it('are refused once expired (beyond a few seconds of clock tolerance), saying so', async () => {
    const { tokens: t, clock } = tokens();
    const { token } = await t.issue(user);
    clock.advance(15 * 60_000 + 4_000);
    await expect(t.verify(token)).resolves.toMatchObject({ userId: user.id });
    clock.advance(2_000);
    await expect(t.verify(token)).rejects.toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('expired') as string });
  });

  it('refuse another type, audience or issuer, another key, alg none and tampering', async () => {
    const { tokens: t, clock } = tokens();
    expect(await t.verify(await forged({}, clock))).toMatchObject({ userId: user.id });
    for (const change of [{ typ: 'JWT' }, { aud: 'someone-else' }, { iss: 'https://evil.example' }]) {
      await expect(t.verify(await forged(change, clock))).rejects.toMatchObject({ code: 'unauthenticated', message: 'The access token is invalid' });
    }
    const other = new AccessTokens({ secret: Buffer.from('another secret that is also 32 bytes long'), ttlMs: 60_000, clock });
    await expect(t.verify((await other.issue(user)).token)).rejects.toMatchObject({ code: 'unauthenticated' });
    const none = new UnsecuredJWT({ tid: user.tenantId, role: 'admin', sv: 3 }).setSubject(user.id).setIssuer(accessTokenIssuer).setAudience(accessTokenAudience).setIssuedAt().setExpirationTime('10m').encode();
    await expect(t.verify(none)).rejects.toMatchObject({ code: 'unauthenticated' });
    const { token } = await t.issue(user);
    const [header, , signature] = token.split('.');
    const adminPayload = Buffer.from(JSON.stringify({ tid: user.tenantId, role: 'admin', sv: 3, sub: user.id, iss: accessTokenIssuer, aud: accessTokenAudience, iat: 1, exp: 9_999_999_999 })).toString('base64url');
    await expect(t.verify(`${header ?? ''}.${adminPayload}.${signature ?? ''}`)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('refuse to be built on a secret shorter than 32 bytes', () => {
    expect(() => new AccessTokens({ secret: Buffer.from('short'), ttlMs: 60_000, clock: new ManualClock() })).toThrow(/32 bytes/);
  });
});
