import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../database.ts';
import { passwordResetTokens, type PasswordResetTokenRow } from '../schema/password-reset-tokens.ts';

export interface NewPasswordResetToken {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export async function insertPasswordResetToken(db: Executor, params: NewPasswordResetToken): Promise<void> {
  await db.insert(passwordResetTokens).values(params);
}

/** The token with this hash, locked until the transaction ends, so two uses of one token are serialised. */
export async function lockPasswordResetTokenByHash(db: Executor, params: { tokenHash: string }): Promise<PasswordResetTokenRow | undefined> {
  const [row] = await db.select().from(passwordResetTokens).where(eq(passwordResetTokens.tokenHash, params.tokenHash)).limit(1).for('update');
  return row;
}

/** Uses up every unused reset token of the user (after a reset, or a password change). */
export async function useUpPasswordResetTokens(db: Executor, params: { tenantId: string; userId: string; at: Date }): Promise<void> {
  await db
    .update(passwordResetTokens)
    .set({ usedAt: params.at })
    .where(and(eq(passwordResetTokens.tenantId, params.tenantId), eq(passwordResetTokens.userId, params.userId), isNull(passwordResetTokens.usedAt)));
}
