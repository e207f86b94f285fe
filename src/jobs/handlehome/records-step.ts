import { newId } from '../../core/ids.ts';
import type { CallAnalyzedEvent } from '../call-analysis/call-analyzed.ts';
import { JobFailure } from '../handler.ts';
import type { Executor } from '../../store/database.ts';
import { upsertCustomerByPhone } from '../../store/queries/handlehome-customers.ts';
import { deleteOrder, insertOrder, lockOrderOfCall, updateOrder, type OrderFields } from '../../store/queries/handlehome-orders.ts';
import { upsertRequestForCall } from '../../store/queries/handlehome-requests.ts';
import { getTelephonyCall } from '../../store/queries/telephony-calls.ts';
import type { CallRow } from '../../store/schema/calls.ts';
import type { OrderLineItem } from '../../store/schema/handlehome-orders.ts';
import { checkBooking, loadBookingContext, lockBookingDay, resolveWhen, type BookingContext } from '../../services/handlehome/booking.ts';
import { handlehomeExtractionSchema, realName, type ExtractedLineItem, type ExtractedOrder, type HandlehomeExtraction } from '../../services/handlehome/extraction.ts';
import { normalisePhone } from '../../services/handlehome/phone.ts';
import { handlehomeSink } from '../../services/handlehome/vocabulary.ts';


/** The caller's number as the phone network gave it: `From` of an inbound call, `To` of an outbound one. */
async function networkNumber(tx: Executor, call: CallRow): Promise<string | null> {
  const phone = await getTelephonyCall(tx, { tenantId: call.tenantId, callId: call.id });
  if (!phone) return null;
  return call.direction === 'outbound' ? phone.toNumber : phone.fromNumber;
}

export function lineItemOf(item: ExtractedLineItem): OrderLineItem {
  return {
    productId: null,
    name: item.nom,
    category: item.categorie,
    quantity: item.quantite,
    unitPriceCents: item.prixUnitaire === null ? null : Math.round(item.prixUnitaire * 100),
    supplements: item.supplements,
    customisation: item.personnalisation,
  };
}

/**
 * Writes the call's order from the extraction. The call's order may already exist: the booking tool
 * made it during the call (its slot was checked and promised to the caller, so it is kept; the
 * extraction adds the details), or an earlier run made it (brought up to date). An extraction
 * without an order removes an order only an earlier run of this step made.
 */
async function writeOrder(
  tx: Executor,
  ctx: BookingContext,
  params: { call: CallRow; requestId: string; customerId: string | null; customerName: string | null; order: ExtractedOrder | null; calledAt: Date; at: Date },
): Promise<void> {
  const { call, order } = params;
  const existing = await lockOrderOfCall(tx, { tenantId: call.tenantId, callId: call.id });
  if (order === null) {
    if (existing?.origin === 'system') await deleteOrder(tx, { tenantId: call.tenantId, orderId: existing.id });
    else if (existing) await updateOrder(tx, { tenantId: call.tenantId, orderId: existing.id, changes: { requestId: params.requestId }, at: params.at });
    return;
  }
  const details = {
    customerId: params.customerId ?? existing?.customerId ?? null,
    customerName: params.customerName ?? existing?.customerName ?? null,
    requestId: params.requestId,
    type: order.type,
    modality: order.modalite,
    partySize: order.nombrePersonnes,
    description: order.description,
    items: order.commandes.map(lineItemOf),
  };
  if (existing && existing.origin !== 'system') {
    await updateOrder(tx, { tenantId: call.tenantId, orderId: existing.id, changes: details, at: params.at });
    return;
  }
  const when = resolveWhen(ctx, { date: order.date, time: order.heure }, params.calledAt);
  const durationMin = order.duree ?? ctx.rules.defaultDurationMin;
  await lockBookingDay(tx, call.tenantId, when.date);
  // The order was taken on the phone: it is recorded either way, confirmed only if its slot is free.
  const slot = await checkBooking(tx, ctx, { date: when.date, time: when.time, durationMin, now: params.calledAt, exceptOrderId: existing?.id });
  const fields: OrderFields = { ...details, ...when, durationMin, internalNotes: existing?.internalNotes ?? null, status: slot.available || slot.reason === 'past' ? 'confirme' : 'planifie' };
  if (existing) await updateOrder(tx, { tenantId: call.tenantId, orderId: existing.id, changes: fields, at: params.at });
  else await insertOrder(tx, { id: newId(), tenantId: call.tenantId, callId: call.id, origin: 'system', fields, at: params.at });
}

/**
 * Parses the extraction again with the records' own schema. A mismatch is a fault of the agent's plan
 * (an extraction schema edited away from the template's while keeping the sink), which no retry can
 * mend: the job fails at once with the reason, and nothing is written.
 */
function parseExtraction(call: CallRow, extraction: Record<string, unknown>): HandlehomeExtraction {
  const parsed = handlehomeExtractionSchema.safeParse(extraction);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw new JobFailure(`the extraction of call ${call.id} does not fit the HandleHome records (is the agent's extraction schema the handlehome template's?): ${issues}`, { retryable: false });
}

/**
 * The `CallAnalyzedStep` that turns a HandleHome call's validated extraction into records, inside
 * the analysis transaction: the customer (upserted by normalised phone; none without a real number),
 * the call record (one per call) and the order. Running it again for a call updates what it wrote.
 * Phone: the number the caller said, else the one the network reported; never anything else.
 */
export async function handlehomeRecordsStep(tx: Executor, event: CallAnalyzedEvent): Promise<void> {
  const { call } = event;
  // The plan the analysis followed (the call's, or the agent's current one at a re-run).
  if (event.plan.sink !== handlehomeSink || event.analysis.extraction === null) return;
  const extraction = parseExtraction(call, event.analysis.extraction);
  const ctx = await loadBookingContext(tx, call.tenantId);
  const region = ctx.rules.defaultRegion;
  const callerPhone = normalisePhone(await networkNumber(tx, call), region);
  const phone = normalisePhone(extraction.telephone, region) ?? callerPhone;
  const firstName = realName(extraction.prenom);
  const lastName = realName(extraction.nom);
  const customer = phone === null ? null : await upsertCustomerByPhone(tx, { id: newId(), tenantId: call.tenantId, phone, firstName, lastName, at: event.at });
  const calledAt = call.startedAt ?? call.createdAt;
  const request = await upsertRequestForCall(tx, {
    id: newId(),
    tenantId: call.tenantId,
    callId: call.id,
    fields: {
      customerId: customer?.id ?? null,
      callerFirstName: firstName,
      callerLastName: lastName,
      callerPhone,
      requestType: extraction.type_demande,
      services: extraction.services,
      description: extraction.description,
    },
    occurredAt: calledAt,
    at: event.at,
  });
  const customerName = [firstName, lastName].filter((part) => part !== null).join(' ') || null;
  await writeOrder(tx, ctx, { call, requestId: request.id, customerId: customer?.id ?? null, customerName, order: extraction.order, calledAt: call.endedAt ?? calledAt, at: event.at });
}
