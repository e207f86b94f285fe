import { z } from 'zod';
import { scopes } from '../../core/principal.ts';
import { emailSchema, passwordMaxLength, passwordProblem } from '../../services/auth/account-rules.ts';
import type { TokenPair } from '../../services/auth/sessions.ts';
import type { TenantRow } from '../../store/schema/tenants.ts';
import type { UserRow } from '../../store/schema/users.ts';

/** Trimmed, then checked: `" Bob@Example.com "` is accepted (and stored lower-cased). */
export const emailField = emailSchema;
/** A new password: the policy of `passwordProblem` (the email rule is the service's, which knows the email). */
export const passwordField = z
  .string()
  .max(passwordMaxLength)
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value, null);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('10 to 128 characters, at least 10 of them not spaces; not a common password, not your email');
/** A password as presented for checking (login, current password): no policy, only a sane size. */
export const presentedPassword = z.string().min(1).max(1024);
export const nameField = z.string().trim().min(1).max(200);

export const userSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    externalId: z.string().nullable().describe('Your application’s own id for this person (Aero userId, Firebase uid)'),
    role: z.enum(['admin', 'member']),
    canLogIn: z.boolean().describe('Whether the user has a password'),
    createdAt: z.iso.datetime(),
  })
  .describe('User');

export type UserDto = z.infer<typeof userSchema>;

export function toUserDto(row: UserRow): UserDto {
  return {
    id: row.id,
    tenantId: row.tenantId,
    email: row.email,
    name: row.displayName,
    externalId: row.externalId,
    role: row.role,
    canLogIn: row.passwordHash !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

export const tenantSchema = z.object({ id: z.uuid(), name: z.string(), slug: z.string(), createdAt: z.iso.datetime() }).describe('Tenant');

export function toTenantDto(row: TenantRow): z.infer<typeof tenantSchema> {
  return { id: row.id, name: row.name, slug: row.slug, createdAt: row.createdAt.toISOString() };
}

export const tokenPairShape = {
  tokenType: z.literal('Bearer'),
  accessToken: z.string().describe('Send as "Authorization: Bearer <accessToken>"; expires after expiresIn seconds'),
  expiresIn: z.number().int(),
  accessTokenExpiresAt: z.iso.datetime(),
  refreshToken: z.string().describe('Opaque; send once to POST /v1/auth/refresh for a new pair. Reusing it revokes the session.'),
  refreshTokenExpiresAt: z.iso.datetime(),
};

export function toTokenPairDto(tokens: TokenPair) {
  return {
    tokenType: tokens.tokenType,
    accessToken: tokens.accessToken,
    expiresIn: tokens.expiresIn,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt.toISOString(),
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt.toISOString(),
  };
}

export const sessionSchema = z.object({ ...tokenPairShape, user: userSchema }).describe('Session');

export const registerBody = z.strictObject({
  email: emailField,
  password: passwordField,
  name: nameField.optional(),
  tenantName: nameField.describe('Name of the new tenant (organisation) you will be the admin of'),
});

export const loginBody = z.strictObject({ email: emailField, password: presentedPassword });
export const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(4096) });

export const logoutBody = z
  .strictObject({
    refreshToken: z.string().min(1).max(4096).optional().describe('Ends this session (its refresh token family)'),
    everywhere: z.literal(true).optional().describe('Ends every session of the user, access tokens included'),
  })
  .refine((body) => body.refreshToken !== undefined || body.everywhere === true, { message: 'send refreshToken or everywhere: true', path: ['refreshToken'] });

export const profileBody = z.strictObject({
  name: nameField.nullable().optional(),
  email: emailField.optional(),
  currentPassword: presentedPassword.optional().describe('Required to change the email of an account with a password'),
});

export const passwordBody = z.strictObject({ currentPassword: presentedPassword, newPassword: passwordField });

export const meSchema = z
  .object({
    kind: z.enum(['user', 'api_key']),
    role: z.enum(['admin', 'member']),
    scopes: z.array(z.enum(scopes)),
    tenant: tenantSchema,
    user: userSchema.nullable().describe('null for an API key'),
  })
  .describe('Who you are');
