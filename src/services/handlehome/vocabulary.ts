/**
 * HandleHome's fixed vocabularies, as its clients send and read them (French values, from the seed's
 * data model). Stored as text; every write is checked against these lists.
 */

/** The sink an agent's analysis plan names to have its extraction written as HandleHome records. */
export const handlehomeSink = 'handlehome';

/** `type_demande`: what the caller wanted. */
export const requestTypes = [
  'Commande à emporter',
  'Livraison à domicile',
  'Réservation de table',
  'Information menu',
  'Réclamation',
  'Facturation',
  'Autre',
] as const;
export type RequestType = (typeof requestTypes)[number];

/** `statut` of a call record (a "request"). */
export const requestStatuses = ['nouveau', 'en_cours', 'termine', 'annule'] as const;
export type RequestStatus = (typeof requestStatuses)[number];

/**
 * Allowed status changes of a call record. A finished or cancelled request can be reopened, never
 * skipped back silently: `termine` → `en_cours`, `annule` → `nouveau`. Setting the current status
 * again is a no-op, not an error.
 */
export const requestTransitions: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  nouveau: ['en_cours', 'termine', 'annule'],
  en_cours: ['nouveau', 'termine', 'annule'],
  termine: ['en_cours'],
  annule: ['nouveau'],
};

/** `type` of an order or appointment. */
export const orderTypes = ['Commande à emporter', 'Livraison à domicile', 'Réservation de table', 'Dégustation', 'Événement privé'] as const;
export type OrderType = (typeof orderTypes)[number];

/** `modalite`: where the order is served. */
export const orderModalities = ['Sur place', 'À emporter', 'Livraison'] as const;
export type OrderModality = (typeof orderModalities)[number];

/** `statut` of an order or appointment. */
export const orderStatuses = ['planifie', 'confirme', 'en_cours', 'termine', 'annule', 'reporte'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/**
 * Allowed status changes of an order. `termine` and `annule` are final; a postponed order
 * (`reporte`) is planned or confirmed again once it has a new slot.
 */
export const orderTransitions: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  planifie: ['confirme', 'en_cours', 'annule', 'reporte'],
  confirme: ['planifie', 'en_cours', 'termine', 'annule', 'reporte'],
  en_cours: ['termine', 'annule'],
  reporte: ['planifie', 'confirme', 'annule'],
  termine: [],
  annule: [],
};

/** Orders in these statuses no longer hold their slot. */
export const slotFreeingStatuses: readonly OrderStatus[] = ['annule', 'termine', 'reporte'];

/** `createdBy`: `manual` (the API), `system` (the post-call records step), `assistant` (the realtime tool during the call). */
export const orderOrigins = ['manual', 'system', 'assistant'] as const;
export type OrderOrigin = (typeof orderOrigins)[number];

/** Whether `to` may follow `from`; the same status again is allowed (idempotent). */
export function canTransition<S extends string>(transitions: Readonly<Record<S, readonly S[]>>, from: S, to: S): boolean {
  return from === to || transitions[from].includes(to);
}
