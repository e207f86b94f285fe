import { randomBytes } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import type { Database, Executor } from '../../store/database.ts';
import { createUser, findLoginUserByEmail, getUser, isEmailTaken, updateUser } from '../../store/queries/users.ts';
import type { TenantRow } from '../../store/schema/tenants.ts';
import type { UserRow } from '../../store/schema/users.ts';
import { isUniqueViolation } from '../../store/unique-violation.ts';
import { createTenantWithDefaults } from '../tenants.ts';
import { checkPasswordPolicy, emailSchema, normaliseEmail } from './account-rules.ts';
import { hashPassword, needsRehash, prepareDummyHash, verifyAgainstDummy, verifyPassword } from './passwords.ts';
import type { Sessions, TokenPair } from './sessions.ts';

/** A strong password for an account created without one (CLI, admin-created users); shown once. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export async function assertEmailFree(db: Executor, tenantId: string, email: string, exceptUserId?: string): Promise<void> {
  if (await isEmailTaken(db, { tenantId, email, ...(exceptUserId === undefined ? {} : { exceptUserId }) })) {
    throw new AppError('email_taken', 'An account with this email already exists');
  }
}

/**
 * Creates a new tenant and its first admin with a password, in one transaction. Used by self-service
 * signup and by `npm run admin:create`; never joins an existing tenant. The email is checked here too,
 * with the schema of the HTTP routes, since the CLI has no schema of its own.
 */
export async function createTenantWithAdmin(
  db: Database,
  params: { tenantName: string; tenantSlug?: string | undefined; email: string; password: string; displayName?: string | null },
): Promise<{ tenant: TenantRow; user: UserRow }> {
  const parsedEmail = emailSchema.safeParse(params.email);
  if (!parsedEmail.success) throw new AppError('validation_failed', 'The request is invalid', { details: [{ path: 'body.email', message: 'must be an email address' }] });
  const email = normaliseEmail(parsedEmail.data);
  checkPasswordPolicy(params.password, email, 'body.password');
  const passwordHash = await hashPassword(params.password);
  try {
    return await db.transaction(async (tx) => {
      if (await findLoginUserByEmail(tx, { email })) throw new AppError('email_taken', 'An account with this email already exists');
      const tenant = await createTenantWithDefaults(tx, { name: params.tenantName, slug: params.tenantSlug });
      const user = await createUser(tx, { tenantId: tenant.id, role: 'admin', email, displayName: params.displayName ?? null, passwordHash });
      return { tenant, user };
    });
  } catch (error) {
    // Two signups with one email at once: the unique index settles it.
    if (isUniqueViolation(error)) throw new AppError('email_taken', 'An account with this email already exists');
    throw error;
  }
}

/** Self-service accounts: login, password change, profile. */
export class Accounts {
  readonly #db: Database;
  readonly #sessions: Sessions;

  constructor(deps: { readonly db: Database; readonly sessions: Sessions }) {
    this.#db = deps.db;
    this.#sessions = deps.sessions;
    // So that even the first login with an unknown email costs one verification, not a hash and a verification.
    void prepareDummyHash();
  }

  async register(params: { email: string; password: string; name?: string | undefined; tenantName: string }): Promise<{ tenant: TenantRow; user: UserRow; tokens: TokenPair }> {
    const { tenant, user } = await createTenantWithAdmin(this.#db, { ...params, displayName: params.name ?? null });
    return { tenant, user, tokens: await this.#sessions.start(user) };
  }

  /** The same answer, in about the same time, for an unknown email and a wrong password. */
  async login(params: { email: string; password: string }): Promise<{ user: UserRow; tokens: TokenPair }> {
    const user = await findLoginUserByEmail(this.#db, { email: normaliseEmail(params.email) });
    const ok = user?.passwordHash ? await verifyPassword(params.password, user.passwordHash) : await verifyAgainstDummy(params.password);
    if (!user?.passwordHash || !ok) throw new AppError('invalid_credentials', 'Email or password is incorrect');
    if (needsRehash(user.passwordHash)) {
      await updateUser(this.#db, { tenantId: user.tenantId, userId: user.id, changes: { passwordHash: await hashPassword(params.password) } });
    }
    return { user, tokens: await this.#sessions.start(user) };
  }

  /**
   * Changes the password after checking the current one, revokes every session of the user (refresh
   * families and, through the session version, access tokens) and starts a fresh one for this client.
   */
  async changePassword(principal: Principal, params: { currentPassword: string; newPassword: string }): Promise<{ user: UserRow; tokens: TokenPair }> {
    const user = await this.#self(principal);
    if (!user.passwordHash || !(await verifyPassword(params.currentPassword, user.passwordHash))) {
      throw new AppError('invalid_credentials', 'The current password is incorrect');
    }
    checkPasswordPolicy(params.newPassword, user.email, 'body.newPassword');
    const passwordHash = await hashPassword(params.newPassword);
    return this.#db.transaction(async (tx) => {
      const updated = await updateUser(tx, { tenantId: user.tenantId, userId: user.id, changes: { passwordHash, bumpSessionVersion: true } });
      if (!updated) throw new AppError('unauthenticated', 'The authenticated user no longer exists');
      await this.#sessions.revokeAll(updated, tx);
      return { user: updated, tokens: await this.#sessions.start(updated, tx) };
    });
  }

  /** Changes the display name and/or email; a new email of an account with a password needs that password. */
  async updateProfile(principal: Principal, params: { name?: string | null | undefined; email?: string | undefined; currentPassword?: string | undefined }): Promise<UserRow> {
    const user = await this.#self(principal);
    const email = params.email === undefined ? undefined : normaliseEmail(params.email);
    if (email !== undefined && email !== user.email) {
      if (user.passwordHash !== null) {
        if (params.currentPassword === undefined) {
          throw new AppError('validation_failed', 'The request is invalid', { details: [{ path: 'body.currentPassword', message: 'is required to change the email' }] });
        }
        if (!(await verifyPassword(params.currentPassword, user.passwordHash))) throw new AppError('invalid_credentials', 'The current password is incorrect');
      }
      await assertEmailFree(this.#db, user.tenantId, email, user.id);
    }
    const updated = await updateUser(this.#db, {
      tenantId: user.tenantId,
      userId: user.id,
      changes: { ...(params.name === undefined ? {} : { displayName: params.name }), ...(email === undefined ? {} : { email }) },
    }).catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new AppError('email_taken', 'An account with this email already exists');
      throw error;
    });
    if (!updated) throw new AppError('unauthenticated', 'The authenticated user no longer exists');
    return updated;
  }

  /** Ends every session of the user: refresh families revoked, access tokens refused from now on. */
  async logoutEverywhere(principal: Principal): Promise<void> {
    const user = await this.#self(principal);
    await this.#db.transaction(async (tx) => {
      await updateUser(tx, { tenantId: user.tenantId, userId: user.id, changes: { bumpSessionVersion: true } });
      await this.#sessions.revokeAll(user, tx);
    });
  }

  async #self(principal: Principal): Promise<UserRow> {
    if (principal.userId === null) throw new AppError('forbidden', 'This route needs a user token; an API key acts for its tenant');
    const user = await getUser(this.#db, { tenantId: principal.tenantId, userId: principal.userId });
    if (!user) throw new AppError('unauthenticated', 'The authenticated user no longer exists');
    return user;
  }
}
