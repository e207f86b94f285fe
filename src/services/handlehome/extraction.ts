import { z } from 'zod';
import { orderModalities, orderTypes, requestTypes } from './vocabulary.ts';

/**
 * What the post-call extraction returns for a HandleHome agent: the JSON Schema the model is held to
 * (`analysis.extraction.schema` of the `handlehome` template, strict-mode compatible: every property
 * required, nullable where the caller may not have said it) and the zod schema the records step
 * parses it with again before writing (the stored plan of an agent can be edited; the step trusts
 * nothing it did not check itself).
 */

const nullableString = (maxLength: number, description: string) => ({ type: ['string', 'null'], maxLength, description });

const lineItemJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['nom', 'categorie', 'quantite', 'prixUnitaire', 'supplements', 'personnalisation'],
  properties: {
    nom: { type: 'string', minLength: 1, maxLength: 120, description: 'Exact menu name of the product' },
    categorie: nullableString(60, 'Menu category, if known'),
    quantite: { type: 'integer', minimum: 1, maximum: 100 },
    prixUnitaire: { type: ['number', 'null'], minimum: 0, maximum: 10000, description: 'Unit price from the menu; null if unknown (never guessed)' },
    supplements: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 60 } },
    personnalisation: nullableString(300, 'Requested changes, e.g. "sans oignons"'),
  },
} as const;

const orderJsonSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['date', 'heure', 'duree', 'type', 'modalite', 'nombrePersonnes', 'description', 'commandes'],
  description: 'The order or reservation the caller made; null when the call was only a question',
  properties: {
    date: { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2}|ASAP)$', description: 'YYYY-MM-DD, or ASAP' },
    heure: { type: 'string', pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|ASAP)$', description: 'HH:MM (24 h), or ASAP' },
    duree: { type: ['integer', 'null'], minimum: 15, maximum: 480, description: 'Minutes; null for the default' },
    type: { type: 'string', enum: [...orderTypes] },
    modalite: { type: 'string', enum: [...orderModalities] },
    nombrePersonnes: { type: ['integer', 'null'], minimum: 1, maximum: 500 },
    description: nullableString(500, 'Short summary of the order'),
    commandes: { type: 'array', maxItems: 50, items: lineItemJsonSchema },
  },
} as const;

/** The JSON Schema of a HandleHome extraction (fields of the seed's extraction, typed and bounded). */
export const handlehomeExtractionJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['prenom', 'nom', 'telephone', 'type_demande', 'services', 'description', 'order'],
  properties: {
    prenom: nullableString(80, "Caller's first name as said; null if not said"),
    nom: nullableString(80, "Caller's last name (or full name) as said; null if not said"),
    telephone: nullableString(40, 'Callback number exactly as the caller said it; null if not said (never invented)'),
    type_demande: { type: 'string', enum: [...requestTypes] },
    services: nullableString(200, 'Products or services concerned, comma-separated'),
    description: { type: 'string', minLength: 1, maxLength: 1000, description: 'What the caller wanted, in one or two sentences' },
    order: orderJsonSchema,
  },
} as const;

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine(isCalendarDate, 'must be a real calendar date');

/** Whether `YYYY-MM-DD` names a day that exists (no 2025-02-30). */
export function isCalendarDate(value: string): boolean {
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

export const timeOfDaySchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM (24 h)');
export const calendarDateSchema = date;

const lineItem = z.object({
  nom: z.string().trim().min(1).max(120),
  categorie: z.string().trim().max(60).nullable(),
  quantite: z.number().int().min(1).max(100),
  prixUnitaire: z.number().min(0).max(10000).nullable(),
  supplements: z.array(z.string().trim().min(1).max(60)).max(20),
  personnalisation: z.string().trim().max(300).nullable(),
});

const extractedOrder = z.object({
  date: z.union([z.literal('ASAP'), date]),
  heure: z.union([z.literal('ASAP'), timeOfDaySchema]),
  duree: z.number().int().min(15).max(480).nullable(),
  type: z.enum(orderTypes),
  modalite: z.enum(orderModalities),
  nombrePersonnes: z.number().int().min(1).max(500).nullable(),
  description: z.string().trim().max(500).nullable(),
  commandes: z.array(lineItem).max(50),
});

export const handlehomeExtractionSchema = z.object({
  prenom: z.string().trim().max(80).nullable(),
  nom: z.string().trim().max(80).nullable(),
  telephone: z.string().trim().max(40).nullable(),
  type_demande: z.enum(requestTypes),
  services: z.string().trim().max(200).nullable(),
  description: z.string().trim().min(1).max(1000),
  order: extractedOrder.nullable(),
});

export type HandlehomeExtraction = z.infer<typeof handlehomeExtractionSchema>;
export type ExtractedOrder = z.infer<typeof extractedOrder>;
export type ExtractedLineItem = z.infer<typeof lineItem>;

const placeholderNames = new Set(['inconnu', 'client inconnu', 'non specifie', 'non fourni', 'non communique', 'unknown', 'anonyme', 'n/a', 'na', 'null', 'none']);

/** A name as the caller gave it, or `null` for a placeholder ("Inconnu", "Non fourni"), a lone letter or no letter at all. */
export function realName(raw: string | null): string | null {
  if (raw === null) return null;
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length < 2 || !/\p{L}/u.test(name)) return null;
  const folded = name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return placeholderNames.has(folded) ? null : name;
}
