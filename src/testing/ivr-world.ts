import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { pino } from 'pino';
import { newId } from '../core/ids.ts';
import { apiKeyPrincipal, type Principal } from '../core/principal.ts';
import { Companies } from '../services/companies/companies.ts';
import { IvrCalls, defaultIvrOptions, type IvrOptions } from '../services/ivr/ivr-calls.ts';
import { OpenAiChatModel } from '../services/ivr/openai-chat-model.ts';
import { twilioSignatureOf, TwilioSignatureVerifier } from '../services/telephony/twilio-signature.ts';
import type { DatabaseHandle } from '../store/database.ts';
import { listCallEvents } from '../store/queries/call-events.ts';
import { getCall } from '../store/queries/calls.ts';
import { insertPhoneNumber } from '../store/queries/phone-numbers.ts';
import { listTranscript } from '../store/queries/transcript-items.ts';
import type { PhoneNumberRow } from '../store/schema/phone-numbers.ts';
import { createTenantWithDefaults } from '../services/tenants.ts';
import { startFakeOpenAiChat, type FakeOpenAiChat } from './fake-openai-chat/index.ts';
import { childrenNamed, parseTwiml, type TwimlElement } from './twiml-parser.ts';
import { ManualClock } from './manual-clock.ts';
import { openTestDatabase } from './test-database.ts';
import { envelopeOf, toAppError } from '../http/error-envelope.ts';
import { IvrWebhooks } from '../http/twilio-ivr/ivr-webhooks.ts';
import { twilioIvrRoutes } from '../http/twilio-ivr/routes.ts';

export const IVR_PUBLIC_URL = 'https://voice.example.com';
export const IVR_AUTH_TOKEN = 'ivr-test-auth-token';
export const COMPANY_NUMBER = '+33100000001';

/** A Twilio call sid (CA + 32 hex). */
export function callSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

export interface IvrWorld {
  readonly app: FastifyInstance;
  readonly database: DatabaseHandle;
  readonly clock: ManualClock;
  readonly chat: FakeOpenAiChat;
  readonly companies: Companies;
  readonly tenantId: string;
  readonly admin: Principal;
  readonly phoneNumber: PhoneNumberRow;
  readonly webhooks: IvrWebhooks;
  /** An incoming call to the company's IVR number, as `/twilio/voice` hands it over. Resolves the TwiML. */
  incoming(sid: string): Promise<string>;
  /** POSTs a signed request to a URL Twilio was given (absolute, under the public URL). */
  post(url: string, params: Record<string, string>, options?: { signature?: string | null }): Promise<LightMyRequestResponse>;
  transcript(callId: string): Promise<{ seq: number; role: string; text: string }[]>;
  call(callId: string): ReturnType<typeof getCall>;
  events(callId: string): ReturnType<typeof listCallEvents>;
  close(): Promise<void>;
}

/**
 * The IVR's routes on a Fastify app of their own, over a real test database, a manual clock and
 * the fake chat upstream, with Twilio signatures required (an auth token is set). `/twilio/voice`
 * itself belongs to the telephony routes; `incoming()` calls the hook it calls for `ivr` numbers.
 */
export async function startIvrWorld(
  options: { startMs?: number; ivrOptions?: Partial<IvrOptions>; companyName?: string; maxConcurrentCalls?: number } = {},
): Promise<IvrWorld> {
  const database = await openTestDatabase();
  const clock = new ManualClock(options.startMs);
  const chat = await startFakeOpenAiChat();
  const db = database.db;
  const logger = pino({ level: 'silent' });
  const companies = new Companies({ db, clock });
  const tenant = await createTenantWithDefaults(db, { name: options.companyName ?? 'Boulangerie Martin' });
  const phoneNumber = await insertPhoneNumber(db, { id: newId(), tenantId: tenant.id, number: COMPANY_NUMBER, agentId: null, mode: 'ivr', label: null, at: new Date(clock.nowMs()) });
  const model = new OpenAiChatModel({ apiKey: chat.apiKey, baseUrl: chat.baseUrl, model: 'gpt-4o-mini' });
  // The cap counts the tenant's calls not over yet, as the application's guard does.
  const countOpenCalls = async (tenantId: string) => (await db.query.calls.findMany({ where: (c, { and, eq, inArray }) => and(eq(c.tenantId, tenantId), inArray(c.status, ['created', 'active', 'ending'])) })).length;
  const ivr = new IvrCalls({
    db,
    clock,
    companies,
    model,
    logger,
    options: { ...defaultIvrOptions, ...options.ivrOptions },
    ...(options.maxConcurrentCalls === undefined ? {} : { concurrency: { countOpenCalls, max: options.maxConcurrentCalls } }),
  });
  const webhooks = new IvrWebhooks({ ivr, publicUrl: IVR_PUBLIC_URL, logger });
  const verifier = new TwilioSignatureVerifier({ authToken: IVR_AUTH_TOKEN, publicUrl: IVR_PUBLIC_URL, refuseWhenUnconfigured: true });

  const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    return reply.code(appError.httpStatus).send(envelopeOf(appError, request.id));
  });
  await app.register(twilioIvrRoutes, { webhooks: { verifier, trustProxy: false }, ivr: webhooks });
  await app.ready();

  const from = '+33611111111';
  return {
    app,
    database,
    clock,
    chat,
    companies,
    tenantId: tenant.id,
    admin: apiKeyPrincipal({ tenantId: tenant.id, scopes: ['admin'] }),
    phoneNumber,
    webhooks,
    incoming: (sid) => webhooks.answerIncoming({ tenantId: tenant.id, phoneNumber, callSid: sid, from, to: COMPANY_NUMBER }),
    post(url, params, postOptions = {}) {
      const signature = postOptions.signature === undefined ? twilioSignatureOf(IVR_AUTH_TOKEN, url, params) : postOptions.signature;
      return app.inject({
        method: 'POST',
        url: url.slice(IVR_PUBLIC_URL.length),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
        payload: new URLSearchParams(params).toString(),
      });
    },
    async transcript(callId) {
      const rows = await listTranscript(db, { tenantId: tenant.id, callId });
      return rows.map((r) => ({ seq: r.seq, role: r.role, text: r.text }));
    },
    call: (callId) => getCall(db, { tenantId: tenant.id, callId }),
    events: (callId) => listCallEvents(db, { tenantId: tenant.id, callId }),
    async close() {
      await app.close();
      await chat.close();
      await database.close();
    },
  };
}

export { parseTwiml, type TwimlElement } from './twiml-parser.ts';

/** The child elements of `element`, optionally only those named `name`. */
export function elements(element: TwimlElement, name?: string): TwimlElement[] {
  return name === undefined ? [...element.children] : childrenNamed(element, name);
}

/** The text inside `element` and its descendants (a `<Say>` with an SSML `<prosody>` child included). */
export function textOf(element: TwimlElement): string {
  return [element.text, ...element.children.map(textOf)].filter((t) => t !== '').join(' ');
}

/** The `<Gather action>` of a TwiML answer (the next turn's URL). */
export function turnUrlOf(twiml: string): string {
  const action = elements(parseTwiml(twiml), 'Gather')[0]?.attributes.action;
  if (action === undefined) throw new Error(`no <Gather> in ${twiml}`);
  return action;
}

/** The call id in a TwiML answer's turn URL. */
export function callIdIn(twiml: string): string {
  const id = /\/twilio\/ivr\/([0-9a-f-]{36})\/turn/.exec(turnUrlOf(twiml))?.[1];
  if (id === undefined) throw new Error(`no call id in ${twiml}`);
  return id;
}

/** Every `<Say>` text in document order, wherever it is (inside `<Gather>` or not). */
export function spokenIn(twiml: string): string[] {
  const walk = (el: TwimlElement): string[] => (el.name === 'Say' ? [textOf(el)] : elements(el).flatMap(walk));
  return walk(parseTwiml(twiml));
}

/** The top-level verbs of a TwiML answer (`['Gather', 'Redirect']`, `['Say', 'Hangup']`). */
export function verbsOf(twiml: string): string[] {
  return elements(parseTwiml(twiml)).map((e) => e.name);
}
