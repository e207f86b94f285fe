import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Database } from '../../store/database.ts';
import { insertPasswordResetToken, lockPasswordResetTokenByHash, useUpPasswordResetTokens } from '../../store/queries/password-reset-tokens.ts';
import { findLoginUserByEmail, getUser, updateUser } from '../../store/queries/users.ts';
import type { UserRow } from '../../store/schema/users.ts';
import { checkPasswordPolicy, normaliseEmail } from '../auth/account-rules.ts';
import { hashPassword } from '../auth/passwords.ts';
import { sha256Hex } from '../auth/secret-compare.ts';
import type { Sessions, TokenPair } from '../auth/sessions.ts';
import type { Mailer } from '../mail/mailer.ts';

/** How long a reset link works. */
export const resetTokenTtlMs = 30 * 60_000;

const tokenShape = /^[A-Za-z0-9_-]{43}$/;

export interface PasswordResetsDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly sessions: Sessions;
  /** `undefined` when no mail transport is configured: requests are then refused as `not_configured`. */
  readonly mailer: Mailer | undefined;
  /** The link the mail carries, from the token (`PASSWORD_RESET_URL` with `{token}` filled in); `undefined` when not configured. */
  readonly resetLink: ((token: string) => string) | undefined;
  readonly logger: Logger;
}

/**
 * "Forgot password": a random token, mailed as a link, stored only hashed, good once for 30
 * minutes. A reset sets the new password, ends every session of the user and uses up the user's
 * other reset tokens. Requests answer the same whether the email has an account or not.
 */
export class PasswordResets {
  readonly #deps: PasswordResetsDeps;

  constructor(deps: PasswordResetsDeps) {
    this.#deps = deps;
  }

  /** Whether reset links can be mailed: a mail transport and the client's reset page are both configured. */
  get configured(): boolean {
    return this.#deps.mailer !== undefined && this.#deps.resetLink !== undefined;
  }

  /**
   * Mails a reset link when the email belongs to an account with a password. Delivery is not
   * awaited, so the answer takes the same time for every email; a failed delivery is logged
   * without the token or the address.
   */
  async request(email: string): Promise<void> {
    const { mailer, resetLink, db, clock, logger } = this.#deps;
    // Refused quietly: the start-up log has said once that reset by mail is off.
    if (!mailer || !resetLink) {
      throw new AppError('not_configured', 'Password reset by email is not available: this server has no mail transport (set SMTP_URL and PASSWORD_RESET_URL)');
    }
    const user = await findLoginUserByEmail(db, { email: normaliseEmail(email) });
    if (!user?.email) return;
    const token = randomBytes(32).toString('base64url');
    const nowMs = clock.nowMs();
    await insertPasswordResetToken(db, {
      id: newId(),
      tenantId: user.tenantId,
      userId: user.id,
      tokenHash: sha256Hex(token),
      createdAt: new Date(nowMs),
      expiresAt: new Date(nowMs + resetTokenTtlMs),
    });
    const message = {
      to: user.email,
      subject: 'Reset your password',
      text: [
        'Someone (hopefully you) asked to reset the password of your account.',
        `Open this link within 30 minutes to choose a new one: ${resetLink(token)}`,
        'If you did not ask for it, ignore this message: your password stays as it is.',
      ].join('\n\n'),
    };
    mailer.send(message).catch((error: unknown) => {
      logger.warn({ userId: user.id, error: error instanceof Error ? error.name : 'unknown' }, 'password reset mail not delivered');
    });
  }

  /** Sets a new password with a reset token and starts a fresh session; the token is then used up. */
  async reset(token: string, newPassword: string): Promise<{ user: UserRow; tokens: TokenPair }> {
    const { db, clock, sessions } = this.#deps;
    const invalid = new AppError('reset_token_invalid', 'This password reset link is invalid, used or expired; ask for a new one');
    if (!tokenShape.test(token)) throw invalid;
    checkPasswordPolicy(newPassword, null, 'body.password');
    // Hashed before the transaction: scrypt takes a while and must not hold the token's row lock.
    const passwordHash = await hashPassword(newPassword);
    return db.transaction(async (tx) => {
      const row = await lockPasswordResetTokenByHash(tx, { tokenHash: sha256Hex(token) });
      const now = new Date(clock.nowMs());
      if (!row || row.usedAt !== null || row.expiresAt.getTime() <= now.getTime()) throw invalid;
      const user = await getUser(tx, { tenantId: row.tenantId, userId: row.userId });
      if (!user) throw invalid;
      checkPasswordPolicy(newPassword, user.email, 'body.password');
      const updated = await updateUser(tx, { tenantId: user.tenantId, userId: user.id, changes: { passwordHash, bumpSessionVersion: true } });
      if (!updated) throw invalid;
      await useUpPasswordResetTokens(tx, { tenantId: user.tenantId, userId: user.id, at: now });
      await sessions.revokeAll(updated, tx);
      return { user: updated, tokens: await sessions.start(updated, tx) };
    });
  }
}
