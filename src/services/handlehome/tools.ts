import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Database } from '../../store/database.ts';
import { upsertCustomerByPhone } from '../../store/queries/handlehome-customers.ts';
import { insertOrder, lockOrderOfCall, updateOrder, type OrderFields } from '../../store/queries/handlehome-orders.ts';
import { getTelephonyCall } from '../../store/queries/telephony-calls.ts';
import { defineTool, type ToolContext, type ToolImplementation } from '../tools/tool-registry.ts';
import { formatMinutes, hoursOn, type SlotCheck } from './availability.ts';
import { availableSlots, checkBooking, loadBookingContext, lockBookingDay, resolveWhen, type BookingContext } from './booking.ts';
import { calendarDateSchema, realName, timeOfDaySchema } from './extraction.ts';
import { normalisePhone } from './phone.ts';
import { orderModalities, orderTypes } from './vocabulary.ts';
import { wallNow } from './wall-clock.ts';

const dateOrAsap = z.union([z.literal('ASAP'), calendarDateSchema]);
const timeOrAsap = z.union([z.literal('ASAP'), timeOfDaySchema]);
const duration = z.number().int().min(15).max(480);

const checkArgs = z.object({ date: dateOrAsap, time: timeOfDaySchema.optional(), duration: duration.optional() });
const bookArgs = z.object({
  name: z.string().trim().min(1).max(120),
  clientPhone: z.string().trim().max(40).optional(),
  date: dateOrAsap,
  time: timeOrAsap,
  duration: duration.optional(),
  type: z.enum(orderTypes),
  modality: z.enum(orderModalities).optional(),
  partySize: z.number().int().min(1).max(500).optional(),
  description: z.string().trim().max(500).optional(),
});

const refusalText: Readonly<Record<NonNullable<SlotCheck['reason']>, string>> = {
  closed: 'closed that day',
  outside_hours: 'outside the opening hours',
  past: 'that time has already passed',
  full: 'that time is fully booked',
};

function openingHours(ctx: BookingContext, date: string): string | null {
  const day = hoursOn(ctx.hours, date);
  return day === null ? null : `${formatMinutes(day.open)}-${formatMinutes(day.close)}`;
}

/** Up to `count` free start times of the day at or after `from`, nearest first. */
function nearest(free: readonly string[], from: string, count: number): string[] {
  return free.filter((time) => time >= from).slice(0, count);
}

/** The number the phone network reported for the caller of a phone call, if it is a real one. */
async function callerNumber(db: Database, ctx: ToolContext, region: string): Promise<string | null> {
  const phone = await getTelephonyCall(db, { tenantId: ctx.tenantId, callId: ctx.callId });
  return normalisePhone(phone?.fromNumber ?? null, region);
}

/**
 * HandleHome's realtime tools, `check_availability` and `create_appointment`, over the store (no
 * HTTP to ourselves). Availability: docs/handlehome.md. A booking is one order per call: booking
 * again in the same call moves it.
 */
export function handlehomeTools(deps: { db: Database; clock: Clock }): ToolImplementation[] {
  const { db, clock } = deps;
  const checkAvailability = defineTool({
    name: 'check_availability',
    args: checkArgs,
    async run(ctx, args) {
      const booking = await loadBookingContext(db, ctx.tenantId);
      const now = new Date(clock.nowMs());
      const today = wallNow(booking.hours.timeZone, now).date;
      const date = args.date === 'ASAP' ? today : args.date;
      const durationMin = args.duration ?? booking.rules.defaultDurationMin;
      const hours = openingHours(booking, date);
      const slots = await availableSlots(db, booking, { date, durationMin, now });
      if (args.time === undefined) {
        const past = date < today ? { note: `that date has passed; today is ${today}` } : {};
        return { date, timeZone: booking.hours.timeZone, open: hours !== null, openingHours: hours, durationMin, availableTimes: slots.available, ...past };
      }
      const check = await checkBooking(db, booking, { date, time: args.time, durationMin, now });
      return {
        date,
        time: args.time,
        durationMin,
        available: check.available,
        ...(check.reason === null ? {} : { reason: refusalText[check.reason] }),
        openingHours: hours,
        ...(check.available ? {} : { alternatives: nearest(slots.available, args.time, 3) }),
      };
    },
  });

  const createAppointment = defineTool({
    name: 'create_appointment',
    args: bookArgs,
    async run(ctx, args) {
      const booking = await loadBookingContext(db, ctx.tenantId);
      const now = new Date(clock.nowMs());
      const when = resolveWhen(booking, { date: args.date, time: args.time }, now);
      const durationMin = args.duration ?? booking.rules.defaultDurationMin;
      const region = booking.rules.defaultRegion;
      const phone = normalisePhone(args.clientPhone, region) ?? (await callerNumber(db, ctx, region));
      const name = realName(args.name);
      return db.transaction(async (tx) => {
        await lockBookingDay(tx, ctx.tenantId, when.date);
        const existing = await lockOrderOfCall(tx, { tenantId: ctx.tenantId, callId: ctx.callId });
        const check = await checkBooking(tx, booking, { date: when.date, time: when.time, durationMin, now, exceptOrderId: existing?.id });
        if (!check.available) {
          const free = await availableSlots(tx, booking, { date: when.date, durationMin, now });
          return { booked: false, date: when.date, time: when.time, reason: refusalText[check.reason ?? 'full'], alternatives: nearest(free.available, when.time, 3) };
        }
        const at = new Date(clock.nowMs());
        // The customer is known by number; its first and last names come from the post-call extraction
        // (the tool only has one free-form name, kept on the order).
        const customer = phone === null ? null : await upsertCustomerByPhone(tx, { id: newId(), tenantId: ctx.tenantId, phone, firstName: null, lastName: null, at });
        const fields: OrderFields = {
          customerId: customer?.id ?? existing?.customerId ?? null,
          customerName: name ?? existing?.customerName ?? null,
          requestId: existing?.requestId ?? null,
          ...when,
          durationMin,
          type: args.type,
          modality: args.modality ?? (args.type === 'Livraison à domicile' ? 'Livraison' : args.type === 'Commande à emporter' ? 'À emporter' : 'Sur place'),
          partySize: args.partySize ?? null,
          description: args.description ?? null,
          internalNotes: existing?.internalNotes ?? null,
          items: existing?.items ?? [],
          status: 'confirme',
        };
        const order = existing
          ? await updateOrder(tx, { tenantId: ctx.tenantId, orderId: existing.id, changes: fields, at })
          : await insertOrder(tx, { id: newId(), tenantId: ctx.tenantId, callId: ctx.callId, origin: 'assistant', fields, at });
        return { booked: true, orderId: order?.id, date: when.date, time: when.time, durationMin, type: args.type, moved: existing !== undefined, phoneOnFile: phone !== null };
      });
    },
  });
  return [checkAvailability, createAppointment];
}
