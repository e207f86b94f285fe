import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import { e164Number, type PhoneNumbers } from '../../services/telephony/phone-numbers.ts';
import { phoneNumberModes, type PhoneNumberRow } from '../../store/schema/phone-numbers.ts';
import { authenticationPlugin, principalOf, type Authenticator } from '../authentication.ts';
import { useCompatErrorBodies } from '../compat-errors.ts';
import { sectionParams } from '../lydia/company-schemas.ts';
import { lydiaErrors } from '../lydia/schemas.ts';

const lineSchema = z.object({
  success: z.literal(true),
  phoneNumber: z.string().nullable().describe('E.164; null when the company has no line'),
  mode: z.enum(phoneNumberModes).nullable(),
  agentId: z.uuid().nullable(),
});

function lineOf(row: PhoneNumberRow | undefined): z.infer<typeof lineSchema> {
  return { success: true, phoneNumber: row?.number ?? null, mode: row?.mode ?? null, agentId: row?.agentId ?? null };
}

/** A company is a tenant: another company's id is 404, exactly like an unknown one. */
function ownCompany(request: FastifyRequest, companyId: string): Principal {
  const principal = principalOf(request);
  if (companyId !== principal.tenantId) throw new AppError('company_not_found', 'Company not found');
  return principal;
}

/**
 * Lydia's `/api/companies/:companyId/phone-number`: the company's single line, a view of
 * `/v1/phone-numbers` (its oldest number). Reading needs `read`, changing `admin`. Errors carry Lydia's
 * `error` field. Register under `/api/companies`.
 */
export const lydiaPhoneNumberRoutes: FastifyPluginAsyncZod<{ phoneNumbers: PhoneNumbers; authenticate: Authenticator }> = async (app, { phoneNumbers, authenticate }) => {
  useCompatErrorBodies(app, (_error, envelope) => ({ error: envelope.message }));
  await app.register(authenticationPlugin, { authenticate });

  app.get(
    '/:companyId/phone-number',
    {
      config: { auth: { scope: 'read' } },
      schema: { tags: ['lydia'], summary: 'The company’s phone line', params: sectionParams, response: { 200: lineSchema, ...lydiaErrors } },
    },
    async (request) => lineOf(await phoneNumbers.line(ownCompany(request, request.params.companyId))),
  );

  app.put(
    '/:companyId/phone-number',
    {
      config: { auth: { scope: 'admin' } },
      schema: {
        tags: ['lydia'],
        summary: 'Set or remove the company’s phone line',
        description:
          '`phoneNumber` in E.164 replaces the line (keeping its agent and mode) or adds it in `ivr` mode; `null` removes it. Point the number’s Voice URL at Twilio to `PUBLIC_URL/twilio/voice` (docs/twilio.md). A number registered by another company is 409 `phone_number_taken`.',
        params: sectionParams,
        body: z.strictObject({ phoneNumber: e164Number.nullable() }),
        response: { 200: lineSchema, ...lydiaErrors },
      },
    },
    async (request) => lineOf(await phoneNumbers.replaceLine(ownCompany(request, request.params.companyId), request.body.phoneNumber)),
  );
};
