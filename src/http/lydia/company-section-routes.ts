import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { businessHoursShape } from '../../services/companies/business-hours.ts';
import { transferSettingsShape, voiceConfigShape } from '../../services/companies/documents.ts';
import { customResponseSchema } from '../../services/companies/keyword-responses.ts';
import { principalOf } from '../authentication.ts';
import { businessHoursBody, customResponseBody, customResponsesBody, sectionParams, sectionResponse, transferSettingsBody, voiceConfigBody } from './company-schemas.ts';
import type { LydiaDeps } from './deps.ts';
import { lydiaErrors } from './schemas.ts';

const responsesList = z.array(customResponseSchema);
const savedResponse = z.object({ success: z.literal(true), customResponse: customResponseSchema, customResponses: responsesList });

/**
 * Lydia `/api/companies/:companyId/…`: what the phone assistant uses (hours, voice, keyword
 * responses, transfer). Reading needs `read`, changing `admin`; another company's id is 404.
 */
export const lydiaCompanySectionRoutes: FastifyPluginAsyncZod<LydiaDeps> = (app, { companies }) => {
  const read = { auth: { scope: 'read' } } as const;
  const admin = { auth: { scope: 'admin' } } as const;
  const tags = ['lydia'];

  app.get(
    '/:companyId/business-hours',
    { config: read, schema: { tags, summary: 'Opening hours and their time zone', params: sectionParams, response: { 200: sectionResponse('businessHours', businessHoursShape), ...lydiaErrors } } },
    async (request) => ({ success: true as const, businessHours: (await companies.get(principalOf(request), request.params.companyId)).businessHours }),
  );

  app.put(
    '/:companyId/business-hours',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Change opening hours',
        description: 'Days given replace the stored ones. open < close (HH:MM, close may be 24:00); timeZone is an IANA zone such as Europe/Paris.',
        params: sectionParams,
        body: businessHoursBody,
        response: { 200: sectionResponse('businessHours', businessHoursShape), ...lydiaErrors },
      },
    },
    async (request) => ({ success: true as const, businessHours: (await companies.updateBusinessHours(principalOf(request), request.params.companyId, request.body)).businessHours }),
  );

  app.get(
    '/:companyId/voice-config',
    { config: read, schema: { tags, summary: 'The phone voice: Twilio voice, language, speed, pitch', params: sectionParams, response: { 200: sectionResponse('voiceConfig', voiceConfigShape), ...lydiaErrors } } },
    async (request) => ({ success: true as const, voiceConfig: (await companies.get(principalOf(request), request.params.companyId)).voiceConfig }),
  );

  app.put(
    '/:companyId/voice-config',
    {
      config: admin,
      schema: { tags, summary: 'Change the phone voice (fields given replace the stored ones)', params: sectionParams, body: voiceConfigBody, response: { 200: sectionResponse('voiceConfig', voiceConfigShape), ...lydiaErrors } },
    },
    async (request) => ({ success: true as const, voiceConfig: (await companies.updateVoiceConfig(principalOf(request), request.params.companyId, request.body)).voiceConfig }),
  );

  app.get(
    '/:companyId/custom-responses',
    { config: read, schema: { tags, summary: 'Keyword responses', params: sectionParams, response: { 200: sectionResponse('customResponses', responsesList), ...lydiaErrors } } },
    async (request) => ({ success: true as const, customResponses: [...(await companies.get(principalOf(request), request.params.companyId)).customResponses] }),
  );

  app.put(
    '/:companyId/custom-responses',
    {
      config: admin,
      schema: { tags, summary: 'Replace every keyword response (at most 100)', params: sectionParams, body: customResponsesBody, response: { 200: sectionResponse('customResponses', responsesList), ...lydiaErrors } },
    },
    async (request) => ({
      success: true as const,
      customResponses: [...(await companies.replaceCustomResponses(principalOf(request), request.params.companyId, request.body.customResponses)).customResponses],
    }),
  );

  app.post(
    '/:companyId/custom-responses',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Add a keyword response, or change the response of an existing keyword',
        description: 'Keywords match whole words, ignoring case and accents. 201 when added, 200 when an existing keyword got a new response.',
        params: sectionParams,
        body: customResponseBody,
        response: { 200: savedResponse, 201: savedResponse, ...lydiaErrors },
      },
    },
    async (request, reply) => {
      const { company, saved, created } = await companies.saveCustomResponse(principalOf(request), request.params.companyId, request.body);
      return reply.code(created ? 201 : 200).send({ success: true, customResponse: saved, customResponses: [...company.customResponses] });
    },
  );

  app.delete(
    '/:companyId/custom-responses/:responseId',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Remove a keyword response (an unknown id changes nothing)',
        params: z.strictObject({ companyId: z.string().min(1).max(100), responseId: z.string().min(1).max(100) }),
        response: { 200: sectionResponse('customResponses', responsesList), ...lydiaErrors },
      },
    },
    async (request) => ({
      success: true as const,
      customResponses: [...(await companies.deleteCustomResponse(principalOf(request), request.params.companyId, request.params.responseId)).customResponses],
    }),
  );

  app.get(
    '/:companyId/transfer-settings',
    { config: read, schema: { tags, summary: 'Transfer to a human', params: sectionParams, response: { 200: sectionResponse('transferSettings', transferSettingsShape), ...lydiaErrors } } },
    async (request) => ({ success: true as const, transferSettings: (await companies.get(principalOf(request), request.params.companyId)).transferSettings }),
  );

  app.put(
    '/:companyId/transfer-settings',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Change transfer to a human',
        description: 'phoneNumber is E.164 (+33123456789) and required while enabled; message is said before dialling.',
        params: sectionParams,
        body: transferSettingsBody,
        response: { 200: sectionResponse('transferSettings', transferSettingsShape), ...lydiaErrors },
      },
    },
    async (request) => ({
      success: true as const,
      transferSettings: (await companies.updateTransferSettings(principalOf(request), request.params.companyId, request.body)).transferSettings,
    }),
  );
  return Promise.resolve();
};
