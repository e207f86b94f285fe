/**
 * The rules of Twilio's Calls resource (`POST /2010-04-01/Accounts/{sid}/Calls.json` and
 * `…/Calls/{CallSid}.json`) as the fake enforces them, with Twilio's error codes and JSON shapes.
 */
import { randomBytes } from 'node:crypto';

export type FormParams = Readonly<Record<string, string | readonly string[]>>;

/** Twilio's error body (`code` is its error code, `status` the HTTP status). */
export interface TwilioErrorBody {
  readonly code: number;
  readonly message: string;
  readonly more_info: string;
  readonly status: number;
}

export function twilioError(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** A call the fake has placed. */
export interface FakeTwilioCall {
  readonly sid: string;
  readonly accountSid: string;
  readonly to: string;
  readonly from: string;
  status: string;
  readonly twiml: string | undefined;
  readonly url: string | undefined;
  readonly statusCallback: string | undefined;
  readonly statusCallbackEvents: readonly string[];
  readonly timeoutS: number;
  readonly timeLimitS: number | undefined;
  readonly createdAt: Date;
  sequence: number;
}

/** Parameters the Calls resource knows (a request with others is recorded as using unknown parameters). */
export const knownCreateParams = new Set([
  'To', 'From', 'Url', 'Method', 'Twiml', 'ApplicationSid', 'StatusCallback', 'StatusCallbackMethod', 'StatusCallbackEvent', 'Timeout',
  'TimeLimit', 'Record', 'MachineDetection', 'SendDigits', 'CallerId', 'CallReason', 'FallbackUrl', 'FallbackMethod', 'Trim', 'AsyncAmd',
]);
const statusCallbackEvents = new Set(['initiated', 'ringing', 'answered', 'completed']);
const e164 = /^\+[1-9]\d{6,14}$/;

function one(params: FormParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.at(-1);
}

function all(params: FormParams, name: string): string[] {
  const value = params[name];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

function integerIn(raw: string | undefined, min: number, max: number): number | null | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,9}$/.test(raw)) return null;
  const value = Number(raw);
  return value >= min && value <= max ? value : null;
}

function isHttpUrl(raw: string): boolean {
  return URL.canParse(raw) && /^https?:$/.test(new URL(raw).protocol);
}

/** Validates a create request like Twilio: the call to place, or Twilio's 400 error. */
export function validateCreate(accountSid: string, params: FormParams, now: Date): { readonly call: FakeTwilioCall } | { readonly error: TwilioErrorBody } {
  const to = one(params, 'To');
  const from = one(params, 'From');
  if (to === undefined) return { error: twilioError(400, 21201, "No 'To' number is specified") };
  if (!e164.test(to)) return { error: twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`) };
  if (from === undefined) return { error: twilioError(400, 21213, "No 'From' number is specified") };
  if (!e164.test(from)) return { error: twilioError(400, 21212, `Invalid 'From' Phone Number: ${from}`) };
  const sources = ['Url', 'Twiml', 'ApplicationSid'].filter((name) => one(params, name) !== undefined);
  if (sources.length !== 1) return { error: twilioError(400, 21205, 'Exactly one of Url, Twiml or ApplicationSid is required') };
  const url = one(params, 'Url');
  if (url !== undefined && !isHttpUrl(url)) return { error: twilioError(400, 21205, `Url is not a valid URL: ${url}`) };
  const statusCallback = one(params, 'StatusCallback');
  if (statusCallback !== undefined && !isHttpUrl(statusCallback)) return { error: twilioError(400, 21609, 'StatusCallback is not a valid URL') };
  const method = one(params, 'StatusCallbackMethod');
  if (method !== undefined && method !== 'GET' && method !== 'POST') return { error: twilioError(400, 21610, 'StatusCallbackMethod must be GET or POST') };
  const events = all(params, 'StatusCallbackEvent');
  if (events.some((event) => !statusCallbackEvents.has(event))) return { error: twilioError(400, 21626, 'Invalid StatusCallbackEvent') };
  const timeoutS = integerIn(one(params, 'Timeout'), 1, 600);
  const timeLimitS = integerIn(one(params, 'TimeLimit'), 1, 4 * 3600);
  if (timeoutS === null) return { error: twilioError(400, 21227, 'Timeout must be an integer between 1 and 600') };
  if (timeLimitS === null) return { error: twilioError(400, 21228, 'TimeLimit must be an integer between 1 and 14400') };
  return {
    call: {
      sid: `CA${randomBytes(16).toString('hex')}`,
      accountSid,
      to,
      from,
      status: 'queued',
      twiml: one(params, 'Twiml'),
      url,
      statusCallback,
      statusCallbackEvents: events.length === 0 ? ['completed'] : events,
      timeoutS: timeoutS ?? 60,
      timeLimitS,
      createdAt: now,
      sequence: 0,
    },
  };
}

/** The JSON Twilio answers with for a call resource (a subset of its fields, same names and types). */
export function callJson(call: FakeTwilioCall): Record<string, unknown> {
  return {
    sid: call.sid,
    account_sid: call.accountSid,
    to: call.to,
    to_formatted: call.to,
    from: call.from,
    from_formatted: call.from,
    status: call.status,
    direction: 'outbound-api',
    api_version: '2010-04-01',
    date_created: call.createdAt.toUTCString(),
    date_updated: new Date().toUTCString(),
    start_time: null,
    end_time: null,
    duration: null,
    price: null,
    parent_call_sid: null,
    uri: `/2010-04-01/Accounts/${call.accountSid}/Calls/${call.sid}.json`,
  };
}
