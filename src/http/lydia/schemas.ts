import { z } from 'zod';
import type { Role } from '../../core/principal.ts';
import type { TokenPair } from '../../services/auth/sessions.ts';
import type { Member } from '../../services/companies/members.ts';
import { emailField, passwordField, presentedPassword } from '../auth/schemas.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';

/** Our error envelope plus `error`, the message Lydia's client displays. */
export const lydiaErrorSchema = errorEnvelopeSchema.extend({ error: z.string().describe('The message again, where Lydia clients read it') }).describe('LydiaError');

export const lydiaErrors = { 400: lydiaErrorSchema, 401: lydiaErrorSchema, 403: lydiaErrorSchema, 404: lydiaErrorSchema, 409: lydiaErrorSchema };

export const personName = z.string().trim().min(1).max(100);
export { emailField, passwordField, presentedPassword };

/** Lydia's roles: `user` is our `member`. */
export const lydiaRole = z.enum(['admin', 'user']);
export type LydiaRole = z.infer<typeof lydiaRole>;
export const toLydiaRole = (role: Role): LydiaRole => (role === 'admin' ? 'admin' : 'user');
export const fromLydiaRole = (role: LydiaRole): Role => (role === 'admin' ? 'admin' : 'member');

export const lydiaUserSchema = z
  .object({
    id: z.uuid(),
    _id: z.uuid().describe('Same as id (the Mongo-era field name)'),
    email: z.string().nullable(),
    firstName: z.string(),
    lastName: z.string(),
    role: lydiaRole,
    companyId: z.uuid(),
    company: z.uuid().describe('Same as companyId'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .describe('LydiaUser');

export function toLydiaUser(member: Member): z.infer<typeof lydiaUserSchema> {
  const { user } = member;
  return {
    id: user.id,
    _id: user.id,
    email: user.email,
    firstName: member.firstName,
    lastName: member.lastName,
    role: toLydiaRole(user.role),
    companyId: user.tenantId,
    company: user.tenantId,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

export const lydiaSessionSchema = z
  .object({
    success: z.literal(true),
    user: lydiaUserSchema,
    token: z.string().describe('Access token, valid expiresIn seconds: send as "Authorization: Bearer <token>"'),
    refreshToken: z.string().describe('Send once to POST /api/auth/refresh-token for a new pair; a reused one ends the session'),
    expiresIn: z.number().int(),
  })
  .describe('LydiaSession');

export function toLydiaSession(member: Member, tokens: TokenPair): z.infer<typeof lydiaSessionSchema> {
  return { success: true, user: toLydiaUser(member), token: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn };
}

export const messageSchema = z.object({ success: z.literal(true), message: z.string() });
