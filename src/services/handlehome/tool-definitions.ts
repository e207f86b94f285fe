import { orderModalities, orderTypes } from './vocabulary.ts';

/**
 * The realtime tools of the HandleHome agent, as the engine sees them (JSON Schema parameters).
 * Their implementations (`tools.ts`) read and write the store directly and validate the arguments
 * again with zod: the model's arguments are input like any other.
 */
export const handlehomeToolDefinitions = [
  {
    name: 'check_availability',
    description:
      'Lists the free start times of a day for an order or table reservation, or checks one time. Use before proposing or booking a slot. Dates are YYYY-MM-DD (or ASAP for today), times HH:MM on 24 h.',
    parameters: {
      type: 'object',
      additionalProperties: false,
      required: ['date'],
      properties: {
        date: { type: 'string', description: 'YYYY-MM-DD, or ASAP for today' },
        time: { type: 'string', description: 'HH:MM to check one time; omit to list the free times of the day' },
        duration: { type: 'integer', minimum: 15, maximum: 480, description: 'Minutes; the restaurant default when omitted' },
      },
    },
  },
  {
    name: 'create_appointment',
    description:
      'Books the caller’s order or table once they agreed on a free slot. Calling it again in the same call moves or updates that booking. The caller’s phone number is already known: pass clientPhone only if they gave another number.',
    parameters: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'date', 'time', 'type'],
      properties: {
        name: { type: 'string', description: 'The name the booking is under' },
        clientPhone: { type: 'string', description: 'A callback number the caller said; never invent one' },
        date: { type: 'string', description: 'YYYY-MM-DD, or ASAP' },
        time: { type: 'string', description: 'HH:MM (24 h), or ASAP' },
        duration: { type: 'integer', minimum: 15, maximum: 480 },
        type: { type: 'string', enum: [...orderTypes] },
        modality: { type: 'string', enum: [...orderModalities] },
        partySize: { type: 'integer', minimum: 1, maximum: 500 },
        description: { type: 'string', maxLength: 500, description: 'What was ordered or reserved' },
      },
    },
  },
];
