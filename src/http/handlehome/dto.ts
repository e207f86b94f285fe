import { z } from 'zod';
import type { CallRecord } from '../../services/handlehome/call-records.ts';
import type { OrderWithCustomer } from '../../store/queries/handlehome-orders.ts';
import type { HandlehomeCustomerRow } from '../../store/schema/handlehome-customers.ts';
import type { OrderLineItem } from '../../store/schema/handlehome-orders.ts';
import { errorEnvelopeSchema } from '../error-envelope.ts';

/**
 * The JSON shapes HandleHome's clients read (the seed's Mongoose documents: French field names,
 * `_id`), with `id` beside `_id`. Ids are UUIDs, not 24-hex ObjectIds.
 */

export const handlehomeErrorSchema = errorEnvelopeSchema.extend({ error: z.string().describe('The message again, where HandleHome clients read it') }).describe('HandleHomeError');
export const handlehomeErrors = { 400: handlehomeErrorSchema, 401: handlehomeErrorSchema, 403: handlehomeErrorSchema, 404: handlehomeErrorSchema, 409: handlehomeErrorSchema };

export const clientSchema = z
  .object({
    _id: z.uuid(),
    id: z.uuid(),
    prenom: z.string().nullable(),
    nom: z.string().nullable(),
    telephone: z.string().nullable().describe('E.164; null when no real number is known'),
    email: z.string().nullable(),
    adresse: z.string().nullable(),
    entrepriseName: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .describe('HandleHomeClient');

export function toClient(row: HandlehomeCustomerRow): z.infer<typeof clientSchema> {
  return {
    _id: row.id,
    id: row.id,
    prenom: row.firstName,
    nom: row.lastName,
    telephone: row.phone,
    email: row.email,
    adresse: row.address,
    entrepriseName: row.companyName,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const callRecordSchema = z
  .object({
    _id: z.uuid(),
    id: z.uuid(),
    callId: z.uuid().nullable().describe('The Switchboard call it was extracted from (null for a record made by hand)'),
    client: clientSchema.nullable(),
    prenom: z.string().nullable().describe('First name the caller gave'),
    nom: z.string().nullable().describe('Last name the caller gave'),
    telephone: z.string().nullable().describe('The number the phone network reported (E.164), when real'),
    type_demande: z.string(),
    services: z.string().nullable(),
    description: z.string(),
    date: z.iso.datetime().describe('When the call took place'),
    statut: z.string(),
    related_order: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .describe('HandleHomeCallRecord');

export function toCallRecord(record: CallRecord): z.infer<typeof callRecordSchema> {
  const { request: r, customer } = record;
  return {
    _id: r.id,
    id: r.id,
    callId: r.callId,
    client: customer ? toClient(customer) : null,
    prenom: r.callerFirstName,
    nom: r.callerLastName,
    telephone: r.callerPhone,
    type_demande: r.requestType,
    services: r.services,
    description: r.description,
    date: r.occurredAt.toISOString(),
    statut: r.status,
    related_order: record.orderId,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export const lineItemSchema = z.object({
  produitId: z.string().nullable(),
  nom: z.string(),
  categorie: z.string().nullable(),
  quantite: z.number().int(),
  prixUnitaire: z.number().nullable().describe('Unit price (e.g. euros, two decimals); null when unknown'),
  supplements: z.array(z.string()),
  personnalisation: z.string().nullable(),
});

export function toLineItem(item: OrderLineItem): z.infer<typeof lineItemSchema> {
  return {
    produitId: item.productId,
    nom: item.name,
    categorie: item.category,
    quantite: item.quantity,
    prixUnitaire: item.unitPriceCents === null ? null : item.unitPriceCents / 100,
    supplements: [...item.supplements],
    personnalisation: item.customisation,
  };
}

export const orderSchema = z
  .object({
    _id: z.uuid(),
    id: z.uuid(),
    client: clientSchema.nullable(),
    nom: z.string().nullable().describe('The name the order was given'),
    date: z.iso.date().describe('The tenant’s local date (time zone of its business hours)'),
    heure: z.string().describe('HH:MM, local'),
    dateAsap: z.boolean().describe('The caller asked for "as soon as possible"; `date` is what it resolved to'),
    heureAsap: z.boolean(),
    duree: z.number().int().describe('Minutes'),
    type: z.string(),
    modalite: z.string(),
    nombrePersonnes: z.number().int().nullable(),
    description: z.string().nullable(),
    notes_internes: z.string().nullable(),
    commandes: z.array(lineItemSchema),
    total: z.number().nullable().describe('Sum of quantity × unit price; null when a price is unknown'),
    statut: z.string(),
    createdBy: z.string().describe('manual (the API), system (post-call records step) or assistant (booking tool during the call)'),
    related_call: z.uuid().nullable().describe('The call record'),
    callId: z.uuid().nullable().describe('The Switchboard call that made it'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .describe('HandleHomeOrder');

function totalOf(items: readonly OrderLineItem[]): number | null {
  let cents = 0;
  for (const item of items) {
    if (item.unitPriceCents === null) return null;
    cents += item.unitPriceCents * item.quantity;
  }
  return cents / 100;
}

export function toOrder({ order: o, customer }: OrderWithCustomer): z.infer<typeof orderSchema> {
  return {
    _id: o.id,
    id: o.id,
    client: customer ? toClient(customer) : null,
    nom: o.customerName,
    date: o.date,
    heure: o.time,
    dateAsap: o.dateAsap,
    heureAsap: o.timeAsap,
    duree: o.durationMin,
    type: o.type,
    modalite: o.modality,
    nombrePersonnes: o.partySize,
    description: o.description,
    notes_internes: o.internalNotes,
    commandes: o.items.map(toLineItem),
    total: totalOf(o.items),
    statut: o.status,
    createdBy: o.origin,
    related_call: o.requestId,
    callId: o.callId,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

/** `{ success: true, data }`, the seed's success envelope. */
export function success<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data });
}
