import { z } from 'zod';
import { businessHoursShape, defaultBusinessHours, type BusinessHours } from './business-hours.ts';
import { unknownPlaceholders } from './greeting.ts';
import { customResponsesSchema, type CustomResponse } from './keyword-responses.ts';

/**
 * The documents a company profile keeps in jsonb columns, each with its schema (checked on every
 * write and every read) and its defaults (what a company that never saved one gets).
 */

const shortText = (max: number) => z.string().trim().max(max);

/** A prompt template: bounded, and using only known `{{variables}}`. */
export const promptTemplate = z
  .string()
  .trim()
  .min(1)
  .max(4000)
  .superRefine((template, ctx) => {
    const unknown = unknownPlaceholders(template);
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown placeholder ${unknown.map((n) => `{{${n}}}`).join(', ')}; only {{companyName}} is known` });
  });

export const addressSchema = z.strictObject({
  street: shortText(200).optional(),
  city: shortText(100).optional(),
  state: shortText(100).optional(),
  postalCode: shortText(20).optional(),
  country: shortText(100).optional(),
});
export type Address = z.infer<typeof addressSchema>;

const maxSettingsKeys = 50;
const maxSettingsBytes = 16_384;

/** Free-form key/value settings of the client application (the seed's `settings` map), bounded. */
export const settingsSchema = z
  .record(z.string().min(1).max(64), z.json())
  .refine((settings) => Object.keys(settings).length <= maxSettingsKeys, `at most ${maxSettingsKeys} keys`)
  .refine((settings) => Buffer.byteLength(JSON.stringify(settings)) <= maxSettingsBytes, `at most ${maxSettingsBytes} bytes of JSON`);
export type Settings = z.infer<typeof settingsSchema>;

/** Twilio `<Say>` voices: Amazon Polly (`Polly.Léa`, `Polly.Mathieu`, `-Neural`/`-Generative`), Google, or the basic ones. */
const twilioVoice = z
  .string()
  .regex(/^(?:Polly\.\p{L}+(?:-(?:Neural|Generative))?|Google\.[a-z]{2,3}-[A-Z]{2}-[A-Za-z0-9-]+|alice|man|woman)$/u, 'must be a Twilio voice such as Polly.Léa or Polly.Mathieu');

export const voiceConfigShape = z.strictObject({
  voice: twilioVoice,
  language: z.string().regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'must be a language tag such as fr-FR'),
  speed: z.number().min(0.5).max(2),
  pitch: z.number().min(0.5).max(2),
});
export type VoiceConfig = z.infer<typeof voiceConfigShape>;
export const defaultVoiceConfig: VoiceConfig = { voice: 'Polly.Léa', language: 'fr-FR', speed: 1, pitch: 1 };

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +33123456789');

export const transferSettingsShape = z.strictObject({
  enabled: z.boolean(),
  phoneNumber: e164.nullable(),
  message: shortText(500),
  /** The caller id the transferred leg shows (a number of the Twilio account); absent: the caller's own number. */
  callerId: e164.nullable().optional(),
});
export const transferSettingsSchema = transferSettingsShape.refine((t) => !t.enabled || t.phoneNumber !== null, {
  message: 'is required when transfer is enabled',
  path: ['phoneNumber'],
});
export type TransferSettings = z.infer<typeof transferSettingsShape>;
export const defaultTransferSettings: TransferSettings = {
  enabled: false,
  phoneNumber: null,
  message: 'Je vous transfère à un conseiller. Merci de patienter un instant.',
};

export const promptsShape = z.strictObject({
  baseSystemPrompt: promptTemplate,
  welcomePrompt: promptTemplate,
  closedPrompt: promptTemplate,
  followUpPrompt: promptTemplate,
});

export const companyInfoShape = z.strictObject({
  products: z.array(shortText(200).min(1)).max(100),
  services: z.array(shortText(200).min(1)).max(100),
  faq: z.array(z.strictObject({ question: shortText(500).min(1), answer: shortText(2000).min(1) })).max(100),
});

/** What the phone assistant says and knows: its prompts and the company facts given to the model. */
export const voiceAssistantSchema = z.strictObject({ prompts: promptsShape, companyInfo: companyInfoShape });
export type VoiceAssistant = z.infer<typeof voiceAssistantSchema>;
export const defaultVoiceAssistant: VoiceAssistant = {
  prompts: {
    baseSystemPrompt:
      "Vous êtes Lydia, l'assistant vocal de {{companyName}}. Aidez les clients avec professionnalisme et efficacité, en adaptant votre ton à l'entreprise et au client.",
    welcomePrompt: "Bonjour et bienvenue chez {{companyName}}. Je suis Lydia, votre assistante virtuelle. Comment puis-je vous aider aujourd'hui ?",
    closedPrompt: "Bonjour, vous êtes bien chez {{companyName}}. Nous sommes actuellement fermés. Merci de rappeler pendant nos heures d'ouverture.",
    followUpPrompt: 'Puis-je vous aider avec autre chose ?',
  },
  companyInfo: { products: [], services: [], faq: [] },
};

/** Every jsonb document of a profile, with its schema and default. */
export const profileDocuments = {
  address: { schema: addressSchema.nullable(), fallback: null },
  settings: { schema: settingsSchema, fallback: {} as Settings },
  businessHours: { schema: businessHoursShape, fallback: defaultBusinessHours },
  voiceConfig: { schema: voiceConfigShape, fallback: defaultVoiceConfig },
  customResponses: { schema: customResponsesSchema, fallback: [] as CustomResponse[] },
  transferSettings: { schema: transferSettingsSchema, fallback: defaultTransferSettings },
  voiceAssistant: { schema: voiceAssistantSchema, fallback: defaultVoiceAssistant },
};

export type DocumentName = keyof typeof profileDocuments;

export interface ProfileDocuments {
  readonly address: Address | null;
  readonly settings: Settings;
  readonly businessHours: BusinessHours;
  readonly voiceConfig: VoiceConfig;
  readonly customResponses: readonly CustomResponse[];
  readonly transferSettings: TransferSettings;
  readonly voiceAssistant: VoiceAssistant;
}
