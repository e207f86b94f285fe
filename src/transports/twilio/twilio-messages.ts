/**
 * Twilio Media Streams messages of a bidirectional `<Connect><Stream>`, validated at the boundary.
 *
 * Inbound (JSON text frames, one zod schema per event): `connected`, `start`, `media`, `mark`, `dtmf`,
 * `stop`. An event name we do not know becomes the explicit `unknown` variant (Twilio may add events);
 * anything else that does not match is a bad message with a reason that never contains the payload.
 *
 * Objects are parsed with `z.object` (unknown keys stripped), not `z.strictObject`: the sender is Twilio,
 * not our client, and a field Twilio adds tomorrow must not drop every call. Every field we read is
 * still checked.
 *
 * Outbound: only `media`, `mark` and `clear` exist (see {@link TwilioOutbound}); Twilio fails the stream
 * with error 31924 on anything else.
 */
import { z } from 'zod';
import type { AudioFormat } from '../../audio/format.ts';
import { err, ok, type Result } from '../../core/result.ts';

/** The `<Parameter>` of `<Connect><Stream>` that carries the call id (never the URL: Twilio forbids query strings there). */
export const TWILIO_CALL_ID_PARAMETER = 'callId';
/** The `<Parameter>` that carries the one-time stream token the composition root verifies. */
export const TWILIO_STREAM_TOKEN_PARAMETER = 'streamToken';

/** Twilio Media Streams audio, both directions: G.711 μ-law, 8 kHz, mono. 20 ms is 160 bytes. */
export const TWILIO_AUDIO_FORMAT: AudioFormat = Object.freeze({ encoding: 'mulaw', sampleRateHz: 8000 });

/** Largest inbound media payload accepted, in decoded bytes (1 s; Twilio sends 160-byte frames). */
export const MAX_INBOUND_MEDIA_BYTES = 8000;
const MAX_PAYLOAD_CHARS = Math.ceil(MAX_INBOUND_MEDIA_BYTES / 3) * 4;
const MAX_CUSTOM_PARAMETERS = 32;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const numeric = z.string().regex(/^\d{1,15}$/);
const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`));
const streamSid = sid('MZ');

const connectedSchema = z.object({
  event: z.literal('connected'),
  protocol: z.string().max(64).optional(),
  version: z.string().max(64).optional(),
});

const startSchema = z
  .object({
    event: z.literal('start'),
    sequenceNumber: numeric,
    streamSid,
    start: z.object({
      accountSid: sid('AC'),
      streamSid,
      callSid: sid('CA'),
      tracks: z.array(z.string().max(32)).max(4).optional(),
      customParameters: z
        .record(z.string().max(128), z.string().max(2048))
        .refine((parameters) => Object.keys(parameters).length <= MAX_CUSTOM_PARAMETERS, 'too many custom parameters')
        .default({}),
      mediaFormat: z.object({ encoding: z.literal('audio/x-mulaw'), sampleRate: z.literal(8000), channels: z.literal(1) }),
    }),
  })
  .refine((message) => message.start.streamSid === message.streamSid, { message: 'start.streamSid differs', path: ['start', 'streamSid'] });

/** Exported for the test that holds the hand-written hot path (`validMedia`) to it. */
export const mediaSchema = z.object({
  event: z.literal('media'),
  sequenceNumber: numeric,
  streamSid,
  media: z.object({
    track: z.enum(['inbound', 'outbound']),
    chunk: numeric,
    timestamp: numeric,
    payload: z
      .string()
      .min(4)
      .max(MAX_PAYLOAD_CHARS)
      .regex(BASE64)
      .refine((payload) => payload.length % 4 === 0, 'base64 length'),
  }),
});

const markSchema = z.object({
  event: z.literal('mark'),
  sequenceNumber: numeric,
  streamSid,
  mark: z.object({ name: z.string().min(1).max(256) }),
});

const dtmfSchema = z.object({
  event: z.literal('dtmf'),
  sequenceNumber: numeric,
  streamSid,
  dtmf: z.object({ track: z.string().max(32).optional(), digit: z.string().regex(/^[0-9*#A-D]$/) }),
});

const stopSchema = z.object({
  event: z.literal('stop'),
  sequenceNumber: numeric,
  streamSid,
  stop: z.object({ accountSid: sid('AC').optional(), callSid: sid('CA').optional() }).optional(),
});

/** A validated message from Twilio. Numbers arrive as strings on the wire and are numbers here. */
export type TwilioInbound =
  | { readonly event: 'connected' }
  | {
      readonly event: 'start';
      readonly sequenceNumber: number;
      readonly streamSid: string;
      readonly accountSid: string;
      readonly callSid: string;
      readonly customParameters: Readonly<Record<string, string>>;
    }
  | {
      readonly event: 'media';
      readonly sequenceNumber: number;
      readonly streamSid: string;
      readonly track: 'inbound' | 'outbound';
      readonly chunk: number;
      /** Milliseconds since the stream started, by Twilio's clock. */
      readonly timestampMs: number;
      /** Decoded μ-law bytes (a Buffer view the receiver owns). */
      readonly payload: Uint8Array;
    }
  | { readonly event: 'mark'; readonly sequenceNumber: number; readonly streamSid: string; readonly name: string }
  | { readonly event: 'dtmf'; readonly sequenceNumber: number; readonly streamSid: string; readonly digit: string }
  | { readonly event: 'stop'; readonly sequenceNumber: number; readonly streamSid: string }
  /** An event name this server does not know; its name is cut to 32 characters for the logs. */
  | { readonly event: 'unknown'; readonly name: string };

/** Why a message was refused. `detail` names fields and zod issue codes only: never values or audio. */
export interface TwilioMessageError {
  readonly reason: 'binary_frame' | 'too_large' | 'invalid_json' | 'not_an_event' | 'invalid_fields';
  /** The `event` of the refused message when it had a known one. */
  readonly event: string | null;
  readonly detail: string;
}

function refuse(reason: TwilioMessageError['reason'], event: string | null, detail: string): Result<never, TwilioMessageError> {
  return err({ reason, event, detail });
}

/** Field paths and issue codes of a zod failure, e.g. `start.mediaFormat.encoding:invalid_value`. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}:${issue.code}`)
    .join(', ');
}

function parseWith<S extends z.ZodType, T>(schema: S, value: unknown, event: string, build: (parsed: z.output<S>) => T): Result<T, TwilioMessageError> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) return refuse('invalid_fields', event, describeIssues(parsed.error));
  return ok(build(parsed.data));
}

const NUMERIC = /^\d{1,15}$/;
const STREAM_SID = /^MZ[0-9a-fA-F]{32}$/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumeric = (value: unknown): value is string => typeof value === 'string' && NUMERIC.test(value);

/**
 * `mediaSchema`'s rules written out (the same fields, patterns and bounds; `twilio-messages.test.ts`
 * checks both agree on every case): the validated message, or null when anything is off, in which case
 * the caller runs the schema for the refusal's detail.
 */
function validMedia(value: unknown): Extract<TwilioInbound, { event: 'media' }> | null {
  if (!isRecord(value) || !isNumeric(value.sequenceNumber) || typeof value.streamSid !== 'string' || !STREAM_SID.test(value.streamSid)) return null;
  const media = value.media;
  if (!isRecord(media) || (media.track !== 'inbound' && media.track !== 'outbound') || !isNumeric(media.chunk) || !isNumeric(media.timestamp)) return null;
  const payload = media.payload;
  if (typeof payload !== 'string' || payload.length < 4 || payload.length > MAX_PAYLOAD_CHARS || payload.length % 4 !== 0 || !BASE64.test(payload)) return null;
  return {
    event: 'media',
    sequenceNumber: Number(value.sequenceNumber),
    streamSid: value.streamSid,
    track: media.track,
    chunk: Number(media.chunk),
    timestampMs: Number(media.timestamp),
    payload: Buffer.from(payload, 'base64'),
  };
}

/** Parses one text frame from Twilio. Never throws. */
export function parseTwilioMessage(text: string, maxChars: number): Result<TwilioInbound, TwilioMessageError> {
  if (text.length > maxChars) return refuse('too_large', null, `${text.length} characters`);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return refuse('invalid_json', null, 'unparsable JSON');
  }
  const event = typeof value === 'object' && value !== null && 'event' in value ? value.event : undefined;
  if (typeof event !== 'string') return refuse('not_an_event', null, 'no string "event" field');
  switch (event) {
    case 'connected':
      return parseWith(connectedSchema, value, event, () => ({ event }));
    case 'start':
      return parseWith(startSchema, value, event, (m) => ({
        event,
        sequenceNumber: Number(m.sequenceNumber),
        streamSid: m.streamSid,
        accountSid: m.start.accountSid,
        callSid: m.start.callSid,
        customParameters: m.start.customParameters,
      }));
    case 'media': {
      // The hot path (50 a second per call): a plain check of the same rules; only a refusal pays for zod's issues.
      const fast = validMedia(value);
      if (fast !== null) return ok(fast);
      return parseWith(mediaSchema, value, event, (m) => ({
        event,
        sequenceNumber: Number(m.sequenceNumber),
        streamSid: m.streamSid,
        track: m.media.track,
        chunk: Number(m.media.chunk),
        timestampMs: Number(m.media.timestamp),
        payload: Buffer.from(m.media.payload, 'base64'),
      }));
    }
    case 'mark':
      return parseWith(markSchema, value, event, (m) => ({ event, sequenceNumber: Number(m.sequenceNumber), streamSid: m.streamSid, name: m.mark.name }));
    case 'dtmf':
      return parseWith(dtmfSchema, value, event, (m) => ({ event, sequenceNumber: Number(m.sequenceNumber), streamSid: m.streamSid, digit: m.dtmf.digit }));
    case 'stop':
      return parseWith(stopSchema, value, event, (m) => ({ event, sequenceNumber: Number(m.sequenceNumber), streamSid: m.streamSid }));
    default:
      return ok({ event: 'unknown', name: event.slice(0, 32) });
  }
}

/**
 * Builds the only three messages the server sends Twilio. The stream sid was validated (`MZ` + 32 hex)
 * and mark names are ours, so the JSON is assembled from fixed parts without a serialiser on the hot path.
 */
export class TwilioOutbound {
  readonly #mediaPrefix: string;
  readonly #markPrefix: string;
  readonly #clear: string;

  constructor(streamSid: string) {
    const sidJson = JSON.stringify(streamSid);
    this.#mediaPrefix = `{"event":"media","streamSid":${sidJson},"media":{"payload":"`;
    this.#markPrefix = `{"event":"mark","streamSid":${sidJson},"mark":{"name":`;
    this.#clear = `{"event":"clear","streamSid":${sidJson}}`;
  }

  /** `media` with raw μ-law 8 kHz bytes (no header), base64-encoded. */
  media(frame: Uint8Array): string {
    return `${this.#mediaPrefix}${Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64')}"}}`;
  }

  mark(name: string): string {
    return `${this.#markPrefix}${JSON.stringify(name)}}}`;
  }

  clear(): string {
    return this.#clear;
  }
}
