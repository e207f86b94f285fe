import { z } from 'zod';
import { businessHoursShape } from '../../services/companies/business-hours.ts';
import type { Company } from '../../services/companies/companies.ts';
import { addressSchema, companyInfoShape, promptsShape, settingsSchema, transferSettingsShape, voiceAssistantSchema, voiceConfigShape } from '../../services/companies/documents.ts';
import { customResponseSchema, keywordSchema, maxCustomResponses, responseTextSchema } from '../../services/companies/keyword-responses.ts';
import { emailField } from './schemas.ts';

export const companySchema = z
  .object({
    id: z.uuid(),
    _id: z.uuid().describe('Same as id'),
    name: z.string(),
    slug: z.string(),
    description: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    website: z.string().nullable(),
    address: addressSchema.nullable(),
    settings: settingsSchema,
    businessHours: businessHoursShape,
    voiceConfig: voiceConfigShape,
    customResponses: z.array(customResponseSchema),
    transferSettings: transferSettingsShape,
    voiceAssistant: voiceAssistantSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .describe('LydiaCompany');

export type CompanyDto = z.infer<typeof companySchema>;

export function toCompanyDto(company: Company): CompanyDto {
  return {
    ...company,
    _id: company.id,
    customResponses: [...company.customResponses],
    createdAt: company.createdAt.toISOString(),
    updatedAt: company.updatedAt.toISOString(),
  };
}

export const companySummarySchema = z.object({ id: z.uuid(), _id: z.uuid(), name: z.string() }).describe('LydiaCompanySummary');
export const toCompanySummary = (company: Company) => ({ id: company.id, _id: company.id, name: company.name });

export const companyIdParams = z.strictObject({ id: z.string().min(1).max(100) });
export const sectionParams = z.strictObject({ companyId: z.string().min(1).max(100) });

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export const companyDetailsBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  description: optionalText(2000),
  phone: optionalText(40),
  email: emailField.nullable().optional(),
  website: z.url({ protocol: /^https?$/ }).max(300).nullable().optional(),
  address: addressSchema.nullable().optional(),
});

export const settingsBody = z.strictObject({ settings: settingsSchema });
export const businessHoursBody = businessHoursShape.partial();
export const voiceConfigBody = voiceConfigShape.partial();
export const transferSettingsBody = transferSettingsShape.partial();
export const voiceAssistantBody = z.strictObject({ prompts: promptsShape.partial().optional(), companyInfo: companyInfoShape.partial().optional() });

export const customResponseBody = z.strictObject({ keyword: keywordSchema, response: responseTextSchema });
export const customResponsesBody = z.strictObject({
  customResponses: z.array(z.strictObject({ id: z.uuid().optional(), keyword: keywordSchema, response: responseTextSchema })).max(maxCustomResponses),
});

/** `{ success: true, <name>: <schema> }`, the shape of Lydia's section answers. */
export function sectionResponse<const K extends string, S extends z.ZodType>(name: K, schema: S) {
  return z.object({ success: z.literal(true), [name]: schema } as { success: z.ZodLiteral<true> } & Record<K, S>);
}
