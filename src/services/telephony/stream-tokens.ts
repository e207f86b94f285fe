import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../../core/ids.ts';
import type { Executor } from '../../store/database.ts';
import { consumeStreamToken, insertStreamToken } from '../../store/queries/stream-tokens.ts';

/** How long a media stream has to present the token of an answered incoming call. */
export const INBOUND_STREAM_TOKEN_TTL_MS = 60_000;

/** The token's stored form: hex SHA-256 (the token is 256 random bits, so no salt or slow hash is needed). */
export function hashStreamToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Issues the one-time token a media stream needs to join `callId` (inside the caller's transaction,
 * with the call). Returns the token, which exists only in the TwiML Twilio receives.
 */
export async function issueStreamToken(db: Executor, params: { tenantId: string; callId: string; nowMs: number; ttlMs: number }): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await insertStreamToken(db, {
    id: newId(),
    tenantId: params.tenantId,
    callId: params.callId,
    tokenHash: hashStreamToken(token),
    createdAt: new Date(params.nowMs),
    expiresAt: new Date(params.nowMs + params.ttlMs),
  });
  return token;
}

/** Uses up the token of `callId`; resolves the tenant it was issued for, or `undefined` (unknown, used, expired, another call's). */
export async function redeemStreamToken(db: Executor, params: { callId: string; token: string; nowMs: number }): Promise<{ tenantId: string } | undefined> {
  if (params.token.length === 0 || params.token.length > 256) return undefined;
  const row = await consumeStreamToken(db, { callId: params.callId, tokenHash: hashStreamToken(params.token), at: new Date(params.nowMs) });
  return row === undefined ? undefined : { tenantId: row.tenantId };
}
