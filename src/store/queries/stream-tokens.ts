import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { streamTokens, type StreamTokenRow } from '../schema/stream-tokens.ts';

export interface NewStreamToken {
  readonly id: string;
  readonly tenantId: string;
  readonly callId: string;
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export async function insertStreamToken(db: Executor, params: NewStreamToken): Promise<void> {
  await db.insert(streamTokens).values(params);
}

/**
 * Uses up the token of `callId` whose hash is `tokenHash`, if it is unused and unexpired at `at`; one
 * guarded `UPDATE`, so of two concurrent uses exactly one wins. Not scoped by tenant: the media stream
 * that presents it does not know its tenant yet; the token (random, hashed) and the call id are the proof.
 */
export async function consumeStreamToken(db: Executor, params: { callId: string; tokenHash: string; at: Date }): Promise<StreamTokenRow | undefined> {
  const [row] = await db
    .update(streamTokens)
    .set({ usedAt: params.at })
    .where(
      and(
        eq(streamTokens.callId, params.callId),
        eq(streamTokens.tokenHash, params.tokenHash),
        isNull(streamTokens.usedAt),
        gt(streamTokens.expiresAt, params.at),
      ),
    )
    .returning();
  return row;
}
