import { z } from 'zod';
import type { TokenPair } from '../../services/auth/sessions.ts';
import type { UserRow } from '../../store/schema/users.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';

/** Our error envelope plus `detail`, where FastAPI clients (AURA's) read the message. */
export const auraErrorSchema = errorEnvelopeSchema.extend({ detail: z.string().describe('The message again, FastAPI style') }).describe('AuraError');
export const auraErrors = { 400: auraErrorSchema, 401: auraErrorSchema, 403: auraErrorSchema, 409: auraErrorSchema };
/** Errors of the session routes: the above plus 404 (not yours, or gone). */
export const auraSessionErrors = { ...auraErrors, 404: auraErrorSchema };

export const fullName = z.string().trim().min(1).max(200);

export const auraUserSchema = z
  .object({
    id: z.uuid(),
    email: z.string().nullable(),
    full_name: z.string().nullable(),
    is_active: z.literal(true),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .describe('AuraUser');

export function toAuraUser(user: UserRow): z.infer<typeof auraUserSchema> {
  return {
    id: user.id,
    email: user.email,
    full_name: user.displayName,
    is_active: true,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

export const auraTokenSchema = z
  .object({
    access_token: z.string().describe('Send as "Authorization: Bearer <access_token>"'),
    token_type: z.literal('bearer'),
    expires_in: z.number().int().describe('Seconds until the access token expires'),
    refresh_token: z.string().describe('For POST /v1/auth/refresh (rotates; a reused one ends the session)'),
  })
  .describe('AuraToken');

export function toAuraToken(tokens: TokenPair): z.infer<typeof auraTokenSchema> {
  return { access_token: tokens.accessToken, token_type: 'bearer', expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken };
}
