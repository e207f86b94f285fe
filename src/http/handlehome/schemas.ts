import { z } from 'zod';
import { supportedRegions } from '../../services/handlehome/phone.ts';
import { calendarDateSchema, timeOfDaySchema } from '../../services/handlehome/extraction.ts';
import { orderModalities, orderStatuses, orderTypes, requestStatuses, requestTypes } from '../../services/handlehome/vocabulary.ts';

/** Request shapes of the HandleHome surface (field names of the seed). Everything unknown is refused. */

export const idParams = z.strictObject({ id: z.uuid() });

const page = z.coerce.number().int().min(1).max(100_000).default(1);
const limit = (byDefault: number) => z.coerce.number().int().min(1).max(100).default(byDefault);
const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export const callListQuery = z.strictObject({
  date: calendarDateSchema.optional().describe('A local day YYYY-MM-DD'),
  page,
  limit: limit(10),
  nom: text(80).optional().describe('Part of the client’s or caller’s name'),
  telephone: text(40).optional().describe('A phone number, or part of one'),
  statut: z.enum(requestStatuses).optional(),
});

export const dateParams = z.strictObject({ dates: calendarDateSchema });

export const requestStatusBody = z.strictObject({ statut: z.enum(requestStatuses) });

export const callClientBody = z
  .strictObject({
    prenom: optionalText(80),
    nom: optionalText(80),
    telephone: z.string().trim().max(40).nullable().optional().describe('Normalised to E.164; refused if not a real number'),
    email: z.email().max(254).nullable().optional(),
    adresse: optionalText(300),
    entrepriseName: optionalText(120),
    type_demande: z.enum(requestTypes).optional(),
    services: optionalText(200),
    description: z.string().trim().max(1000).optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'send at least one field' });

export const clientListQuery = z.strictObject({ page, limit: limit(50), query: text(100).optional().describe('Part of a name, email, company or phone') });

export const clientBody = z.strictObject({
  prenom: text(80),
  nom: text(80),
  telephone: z.string().trim().min(1).max(40).describe('Normalised to E.164; refused if not a real number'),
  email: z.email().max(254).optional(),
  adresse: text(300).optional(),
  entrepriseName: text(120).optional(),
});

export const clientPatchBody = z
  .strictObject({
    prenom: optionalText(80),
    nom: optionalText(80),
    telephone: z.string().trim().max(40).nullable().optional(),
    email: z.email().max(254).nullable().optional(),
    adresse: optionalText(300),
    entrepriseName: optionalText(120),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'send at least one field' });

export const searchQuery = z.strictObject({ query: z.string().trim().min(2, 'must be at least 2 characters').max(100) });

const dateOrAsap = z.union([z.literal('ASAP'), calendarDateSchema]);
const timeOrAsap = z.union([z.literal('ASAP'), timeOfDaySchema]);
const duration = z.number().int().min(15).max(480);

const lineItemBody = z.strictObject({
  produitId: z.string().trim().max(100).nullable().optional(),
  nom: text(120),
  categorie: optionalText(60),
  quantite: z.number().int().min(1).max(100),
  prixUnitaire: z
    .number()
    .min(0)
    .max(10_000)
    .refine((price) => Math.abs(price * 100 - Math.round(price * 100)) < 1e-6, 'at most two decimals')
    .nullable()
    .optional(),
  supplements: z.array(text(60)).max(20).optional(),
  personnalisation: optionalText(300),
});

export type LineItemBody = z.infer<typeof lineItemBody>;

const orderFields = {
  client: z.uuid().nullable().optional().describe('A client id; or give `nom`'),
  nom: optionalText(120),
  date: dateOrAsap,
  heure: timeOrAsap,
  duree: duration.optional(),
  type: z.enum(orderTypes),
  modalite: z.enum(orderModalities).optional(),
  nombrePersonnes: z.number().int().min(1).max(500).nullable().optional(),
  description: optionalText(500),
  notes_internes: optionalText(1000),
  commandes: z.array(lineItemBody).max(50).optional(),
  statut: z.enum(orderStatuses).optional(),
  related_call: z.uuid().nullable().optional().describe('A call record id'),
  force: z.boolean().optional().describe('Book even where availability says no'),
};

export const orderBody = z
  .strictObject(orderFields)
  .refine((body) => (body.client ?? null) !== null || (body.nom ?? null) !== null, { message: 'give a client id or a name (nom)', path: ['nom'] });

export const orderUpdateBody = z
  .strictObject({ ...orderFields, date: dateOrAsap.optional(), heure: timeOrAsap.optional(), type: z.enum(orderTypes).optional() })
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'send at least one field' });

export const orderListQuery = z.strictObject({
  page,
  limit: limit(10),
  date: calendarDateSchema.optional(),
  statut: z.enum(orderStatuses).optional(),
  type: z.enum(orderTypes).optional(),
  modalite: z.enum(orderModalities).optional(),
  client: z.uuid().optional(),
});

export const orderStatusBody = z.strictObject({ statut: z.enum(orderStatuses) });

export const availabilityQuery = z.strictObject({ date: calendarDateSchema, heure: timeOfDaySchema, duree: z.coerce.number().int().min(15).max(480).optional() });
export const slotsQuery = z.strictObject({ date: calendarDateSchema, duree: z.coerce.number().int().min(15).max(480).optional() });

export const bookingRulesSchema = z.strictObject({
  slotMinutes: z.number().int().min(5).max(240).describe('Bookable start times every this many minutes from opening'),
  defaultDurationMin: duration.describe('Length of an order when none is given'),
  capacity: z.number().int().min(1).max(1000).describe('Active orders that may overlap at any instant'),
  asapLeadMinutes: z.number().int().min(0).max(600).describe('"As soon as possible" means now plus this'),
  defaultRegion: z.enum(supportedRegions as [string, ...string[]]).describe('Region of numbers written without country code'),
});
export const bookingRulesBody = bookingRulesSchema.partial();
