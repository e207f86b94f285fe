import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../authentication.ts';
import {
  companyDetailsBody,
  companyIdParams,
  companySchema,
  sectionResponse,
  settingsBody,
  toCompanyDto,
  voiceAssistantBody,
} from './company-schemas.ts';
import type { LydiaDeps } from './deps.ts';
import { lydiaErrors } from './schemas.ts';
import { settingsSchema, voiceAssistantSchema } from '../../services/companies/documents.ts';

const companyResponse = sectionResponse('company', companySchema);

/**
 * Lydia `/api/companies`: the caller's own company. Another company's id is 404, exactly like an
 * unknown one. Reading needs the `read` scope (members too); changing needs `admin`.
 */
export const lydiaCompanyRoutes: FastifyPluginAsyncZod<LydiaDeps> = (app, { companies }) => {
  const read = { auth: { scope: 'read' } } as const;
  const admin = { auth: { scope: 'admin' } } as const;

  app.get(
    '/',
    {
      config: read,
      schema: { tags: ['lydia'], summary: 'Your company, as a list of one', response: { 200: z.object({ success: z.literal(true), companies: z.array(companySchema) }), ...lydiaErrors } },
    },
    async (request) => ({ success: true as const, companies: [toCompanyDto(await companies.own(principalOf(request)))] }),
  );

  app.get(
    '/:id',
    { config: read, schema: { tags: ['lydia'], summary: 'Your company', params: companyIdParams, response: { 200: companyResponse, ...lydiaErrors } } },
    async (request) => ({ success: true as const, company: toCompanyDto(await companies.get(principalOf(request), request.params.id)) }),
  );

  app.put(
    '/:id',
    {
      config: admin,
      schema: { tags: ['lydia'], summary: 'Change your company’s name, description, address, phone, email or website', params: companyIdParams, body: companyDetailsBody, response: { 200: companyResponse, ...lydiaErrors } },
    },
    async (request) => ({ success: true as const, company: toCompanyDto(await companies.updateDetails(principalOf(request), request.params.id, request.body)) }),
  );

  app.get(
    '/:id/settings',
    { config: read, schema: { tags: ['lydia'], summary: 'Your company’s application settings', params: companyIdParams, response: { 200: sectionResponse('settings', settingsSchema), ...lydiaErrors } } },
    async (request) => ({ success: true as const, settings: (await companies.get(principalOf(request), request.params.id)).settings }),
  );

  app.put(
    '/:id/settings',
    {
      config: admin,
      schema: { tags: ['lydia'], summary: 'Replace your company’s application settings (key → JSON value)', params: companyIdParams, body: settingsBody, response: { 200: sectionResponse('settings', settingsSchema), ...lydiaErrors } },
    },
    async (request) => ({ success: true as const, settings: (await companies.replaceSettings(principalOf(request), request.params.id, request.body.settings)).settings }),
  );

  app.get(
    '/:id/voice-assistant',
    {
      config: read,
      schema: { tags: ['lydia'], summary: 'The phone assistant’s prompts and company facts', params: companyIdParams, response: { 200: sectionResponse('voiceAssistant', voiceAssistantSchema), ...lydiaErrors } },
    },
    async (request) => ({ success: true as const, voiceAssistant: (await companies.get(principalOf(request), request.params.id)).voiceAssistant }),
  );

  app.put(
    '/:id/voice-assistant',
    {
      config: admin,
      schema: {
        tags: ['lydia'],
        summary: 'Change prompts (welcome, system, closed, follow-up) and company facts (products, services, FAQ)',
        description: 'Fields given replace the stored ones; prompts may use {{companyName}} and no other placeholder.',
        params: companyIdParams,
        body: voiceAssistantBody,
        response: { 200: sectionResponse('voiceAssistant', voiceAssistantSchema), ...lydiaErrors },
      },
    },
    async (request) => ({ success: true as const, voiceAssistant: (await companies.updateVoiceAssistant(principalOf(request), request.params.id, request.body)).voiceAssistant }),
  );
  return Promise.resolve();
};
