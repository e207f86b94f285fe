import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../core/ids.ts';
import { hashPassword } from '../services/auth/passwords.ts';
import type { MailMessage } from '../services/mail/mailer.ts';
import { createTenantWithDefaults } from '../services/tenants.ts';
import { actors, buildWorld, worldPassword, type Actor, type World } from '../testing/authorization-world.ts';
import { startTestApplication, type TestApplication } from '../testing/test-application.ts';
import { getTenantDefaultAgent } from '../store/queries/agents.ts';
import { insertAuraSession } from '../store/queries/aura-sessions.ts';
import { upsertCallCoachingReport } from '../store/queries/call-coaching-reports.ts';
import { ruleCoaching } from '../coaching/rules.ts';
import { emptySnapshot } from '../coaching/snapshot-merge.ts';
import { defaultSessionConfig } from '../services/aura/aura-sessions.ts';
import { readFileSync } from 'node:fs';
import { insertPhoneNumber } from '../store/queries/phone-numbers.ts';
import { insertCustomer } from '../store/queries/handlehome-customers.ts';
import { insertOrder } from '../store/queries/handlehome-orders.ts';
import { insertRequest } from '../store/queries/handlehome-requests.ts';
import { insertWebhookDelivery } from '../store/queries/webhook-deliveries.ts';
import { insertWebhookEvent } from '../store/queries/webhook-events.ts';
import { calls } from '../store/schema/calls.ts';
import { jobs } from '../store/schema/jobs.ts';
import { recordingsRoot } from '../services/recordings/recording-files.ts';
import { ManualClock } from '../testing/job-fixtures.ts';
import { createRecordedCall, recordCallFixture } from '../testing/recording-fixtures.ts';
import { enqueue } from '../jobs/queue.ts';
import { startFakeTwilioRest, type FakeTwilioRest } from '../testing/fake-twilio-rest/index.ts';
import { newCallSid, TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN, voiceParams } from '../testing/twilio-webhooks.ts';

/**
 * Every route of the app, called as every actor, with the status each must get. The route table comes
 * from the built app: a route added without an entry here fails the suite. Strangers (another
 * tenant's admin and all-scope key) never get a 2xx on a resource of ours, nor see any of our ids.
 */
type Status = number;
type Request = Pick<InjectOptions, 'payload'> & { readonly url?: string; readonly headers?: Readonly<Record<string, string>> };
interface Entry {
  /** Public routes: only the anonymous status is asserted (credentials play no part). */
  readonly public?: true;
  readonly request?: (w: World) => Request | Promise<Request>;
  readonly expect: Readonly<Record<Actor, Status>>;
}

/** An authenticated route: anonymous and the operator key get 401, anyone not named 403. */
function guarded(statuses: Partial<Record<Actor, Status>>, request?: Entry['request']): Entry {
  const expect = Object.fromEntries(actors.map((actor) => [actor, statuses[actor] ?? (actor === 'anonymous' || actor === 'operator' ? 401 : 403)])) as Record<Actor, Status>;
  return { expect, ...(request ? { request } : {}) };
}

function open(anonymous: Status, request?: Entry['request']): Entry {
  return { public: true, expect: Object.fromEntries(actors.map((actor) => [actor, anonymous])) as Record<Actor, Status>, ...(request ? { request } : {}) };
}

function operatorOnly(status: Status, request?: Entry['request']): Entry {
  const expect = Object.fromEntries(actors.map((actor) => [actor, actor === 'operator' ? status : actor === 'anonymous' ? 401 : 403])) as Record<Actor, Status>;
  return { expect, ...(request ? { request } : {}) };
}

const users = { member: 200, owner: 200, admin: 200, stranger: 200 } as const;

/** A read of our company (`/api/companies/<our id><suffix>`): members, admins and read keys; 404 to strangers. */
function companyRead(suffix: string): Entry {
  return guarded({ ...users, keyRead: 200, stranger: 404, strangerKey: 404 }, (w) => ({ url: `/api/companies/${w.tenant.id}${suffix}` }));
}

/** A change to our company: admins and admin keys; 404 to strangers. */
function companyWrite(suffix: string, payload?: object): Entry {
  return guarded({ admin: 200, keyAdmin: 200, stranger: 404, strangerKey: 404 }, (w) => ({ url: `/api/companies/${w.tenant.id}${suffix}`, ...(payload ? { payload } : {}) }));
}

/** Mail sent by the app (password reset links), kept for the reset-password entries. */
const mailbox: MailMessage[] = [];

/** Asks for a password reset of `email` and returns the token of the mailed link. */
async function resetToken(email: string | null): Promise<string> {
  const before = mailbox.length;
  await app.http.inject({ method: 'POST', url: '/api/auth/forgot-password', payload: { email } });
  const token = /reset-password\/([A-Za-z0-9_-]{43})/.exec(mailbox[before]?.text ?? '')?.[1];
  if (token === undefined) throw new Error('no reset mail');
  return token;
}
let uniq = 0;
const fresh = (label: string) => `${label}-${(uniq += 1)}-${Date.now()}`;

/** A phone number no tenant has yet (E.164). */
const freshNumber = () => `+3319${String((uniq += 1)).padStart(7, '0')}`;
/** A new phone number of our tenant; returns its id. */
async function phoneNumberOf(w: World): Promise<string> {
  return (await insertPhoneNumber(app.database.db, { id: newId(), tenantId: w.tenant.id, number: freshNumber(), agentId: null, mode: 'realtime', label: null, at: new Date() })).id;
}
/** An outbound call to place from our tenant's number with its default agent (strangers may not use that agent). */
async function outboundRequest(w: World): Promise<Request> {
  await phoneNumberOf(w);
  const agent = await getTenantDefaultAgent(app.database.db, { tenantId: w.tenant.id });
  return { payload: { to: '+33612345678', agentId: agent?.id } };
}

/** A dead job of our tenant, on the owner's call (one per request: a retry consumes it); returns its id. */
/** A fresh ended call of the owner with a finished recording (its file under the matrix's DATA_DIR). */
async function recordedCallOf(w: World): Promise<string> {
  const clock = new ManualClock();
  const agent = await getTenantDefaultAgent(app.database.db, { tenantId: w.tenant.id });
  if (!agent) throw new Error('no default agent');
  const call = await createRecordedCall(app.database.db, clock, { tenantId: w.tenant.id, agent, userId: w.owner.id });
  await recordCallFixture(app.database.db, clock, { root: recordingsRoot(app.config.dataDir), call, seconds: 1 });
  return call.id;
}

async function deadJobOf(w: World): Promise<string> {
  const { job } = await enqueue(app.database.db, { tenantId: w.tenant.id, callId: w.ownerCallId, kind: 'analysis.summary', payload: {}, at: new Date() });
  await app.database.db.update(jobs).set({ status: 'dead', lastError: 'matrix' }).where(eq(jobs.id, job.id));
  return job.id;
}
/** An ended call of the owner whose agent snapshot has an analysis plan (not yet analysed: its jobs are not run here). */
async function analysedCallOf(w: World): Promise<string> {
  const callId = await w.call({ ended: true });
  const [row] = await app.database.db.select().from(calls).where(eq(calls.id, callId));
  if (!row) throw new Error('no call');
  await app.database.db.update(calls).set({ agentSnapshot: { ...row.agentSnapshot, analysis: { summary: {} } } }).where(eq(calls.id, callId));
  return callId;
}
/** A webhook endpoint of our tenant (on a closed local port) with one logged delivery of an event about the owner's call. */
async function webhookOf(w: World): Promise<{ endpointId: string; deliveryId: string }> {
  const db = app.database.db;
  const { endpoint } = await app.jobs.http.webhooks.create(w.tenant.id, { url: 'http://127.0.0.1:9/matrix', events: ['call.analyzed'] });
  const event = await insertWebhookEvent(db, { id: newId(), tenantId: w.tenant.id, type: 'call.analyzed', callId: w.ownerCallId, data: {}, dedupeKey: null, at: new Date() });
  if (!event) throw new Error('no event');
  const delivery = await insertWebhookDelivery(db, {
    id: newId(),
    tenantId: w.tenant.id,
    endpointId: endpoint.id,
    eventId: event.id,
    eventType: 'call.analyzed',
    jobId: newId(),
    attempt: 1,
    statusCode: 500,
    succeeded: false,
    durationMs: 12,
    error: 'HTTP 500',
    at: new Date(),
  });
  return { endpointId: endpoint.id, deliveryId: delivery.id };
}
/** An entry on one of our webhook endpoints: admins and admin keys; 404 to strangers. */
function webhookEntry(status: Status, suffix: (ids: { endpointId: string; deliveryId: string }) => string, payload?: object): Entry {
  return guarded({ admin: status, keyAdmin: status, stranger: 404, strangerKey: 404 }, async (w) => ({ url: suffix(await webhookOf(w)), ...(payload ? { payload } : {}) }));
}

/** A new AURA session of the owner; returns its id. */
async function auraSessionOf(w: World): Promise<string> {
  const row = await insertAuraSession(app.database.db, { id: newId(), tenantId: w.tenant.id, userId: w.owner.id, title: 'Matrix', description: null, sessionType: 'practice', language: 'en', config: defaultSessionConfig, tags: [], at: new Date() });
  return row.id;
}
/** A route on one of the owner's AURA sessions: the owner and tenant admins; 404 to other members and strangers; API keys 403 (sessions are users'). */
function auraSession(status: Status, suffix: string, request: Omit<Request, 'url'> = {}): Entry {
  return guarded({ owner: status, admin: status, member: 404, stranger: 404 }, async (w) => ({ url: `/api/v1/sessions/${await auraSessionOf(w)}${suffix}`, ...request }));
}
/** Stores a coaching report for the owner's call; returns the route's URL. */
async function coachingReportUrl(w: World): Promise<string> {
  await upsertCallCoachingReport(app.database.db, { callId: w.ownerCallId, tenantId: w.tenant.id, language: 'en', analysis: {}, snapshot: emptySnapshot, coaching: ruleCoaching(emptySnapshot, 'en', null), at: new Date() });
  return `/v1/calls/${w.ownerCallId}/coaching`;
}
const speechWav = readFileSync(new URL('../testing/fixtures/aura/speech.wav', import.meta.url));
/** A HandleHome client, call record or order of our tenant; returns its id. */
async function hhClientOf(w: World): Promise<string> {
  const fields = { firstName: 'Léa', lastName: 'Matrix', phone: freshNumber(), email: null, address: null, companyName: null };
  return (await insertCustomer(app.database.db, { id: newId(), tenantId: w.tenant.id, fields, at: new Date() })).id;
}
async function hhRecordOf(w: World): Promise<string> {
  const fields = { customerId: null, callerFirstName: null, callerLastName: 'Matrix', callerPhone: null, requestType: 'Autre', services: null, description: 'Matrix' };
  return (await insertRequest(app.database.db, { id: newId(), tenantId: w.tenant.id, callId: null, fields, status: 'nouveau', occurredAt: new Date(), at: new Date() })).id;
}
async function hhOrderOf(w: World): Promise<string> {
  const fields = {
    customerId: null, customerName: 'Matrix', requestId: null, date: '2030-01-07', time: '12:00', dateAsap: false, timeAsap: false, durationMin: 60,
    type: 'Réservation de table', modality: 'Sur place', partySize: 2, description: null, internalNotes: null, items: [], status: 'confirme',
  };
  return (await insertOrder(app.database.db, { id: newId(), tenantId: w.tenant.id, callId: null, origin: 'manual', fields, at: new Date() })).id;
}
/** HandleHome: tenant-wide reads (strangers see their own, empty, tenant), our resources (404 to strangers), writes. */
const hhList = (url: string) => guarded({ ...users, keyRead: 200, strangerKey: 200 }, () => ({ url }));
const hhRead = (url: (w: World) => Promise<string>) => guarded({ ...users, keyRead: 200, stranger: 404, strangerKey: 404 }, async (w) => ({ url: await url(w) }));
const hhWrite = (url: (w: World) => Promise<string>, payload?: object) =>
  guarded({ member: 200, owner: 200, admin: 200, keyWrite: 200, stranger: 404, strangerKey: 404 }, async (w) => ({ url: await url(w), ...(payload ? { payload } : {}) }));
const hhCreate = (payload: () => object) => guarded({ member: 201, owner: 201, admin: 201, keyWrite: 201, stranger: 201, strangerKey: 201 }, () => ({ payload: payload() }));

const matrix: Readonly<Record<string, Entry>> = {
  'OPTIONS *': open(204, () => ({ url: '/v1/calls' })),
  'GET /health': open(200),
  'GET /ready': open(200),
  'GET /docs': open(200),
  'GET /docs/json': open(200),
  'GET /docs/yaml': open(200),
  'GET /docs/static/index.html': open(302),
  'GET /docs/static/swagger-initializer.js': open(200),
  'GET /docs/static/*': open(200, () => ({ url: '/docs/static/swagger-ui.css' })),
  'POST /v1/auth/register': open(201, () => ({ payload: { email: `${fresh('reg')}@matrix.test`, password: worldPassword, tenantName: 'Registered' } })),
  'POST /v1/auth/login': open(200, (w) => ({ payload: { email: w.owner.email, password: worldPassword } })),
  'POST /v1/auth/refresh': open(200, async (w) => ({ payload: { refreshToken: (await w.session(w.owner)).refreshToken } })),

  'POST /v1/admin/tenants': operatorOnly(201, () => ({ payload: { name: fresh('Tenant') } })),
  'GET /v1/admin/tenants': operatorOnly(200),
  'POST /v1/admin/tenants/:tenantId/api-keys': operatorOnly(201, (w) => ({ url: `/v1/admin/tenants/${w.tenant.id}/api-keys`, payload: { name: 'first', scopes: ['admin'] } })),

  'GET /v1/auth/me': guarded({ ...users, strangerKey: 200, keyRead: 200 }),
  'PATCH /v1/auth/profile': guarded({ ...users }, () => ({ payload: { name: 'Renamed' } })),
  'POST /v1/auth/password': guarded({ ...users }, () => ({ payload: { currentPassword: worldPassword, newPassword: 'a brand new passphrase' } })),
  'POST /v1/auth/logout': guarded({ member: 204, owner: 204, admin: 204, stranger: 204 }, () => ({ payload: { everywhere: true } })),

  // Strangers list, add to and manage their own tenant: 2xx, with none of our ids in the body.
  'GET /v1/users': guarded({ admin: 200, keyAdmin: 200, stranger: 200, strangerKey: 200 }),
  'POST /v1/users': guarded({ admin: 201, keyAdmin: 201, stranger: 201, strangerKey: 201 }, () => ({ payload: { email: `${fresh('new')}@matrix.test` } })),
  'GET /v1/users/:userId': guarded({ owner: 200, admin: 200, keyRead: 200, stranger: 404, strangerKey: 404 }, (w) => ({ url: `/v1/users/${w.owner.id}` })),
  'PATCH /v1/users/:userId': guarded({ admin: 200, keyAdmin: 200, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/users/${await w.user()}`, payload: { name: 'Renamed' } })),
  'DELETE /v1/users/:userId': guarded({ admin: 204, keyAdmin: 204, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/users/${await w.user()}` })),

  'POST /v1/api-keys': guarded({ admin: 201, keyAdmin: 201, stranger: 201, strangerKey: 201 }, () => ({ payload: { name: 'k', scopes: ['read'] } })),
  'GET /v1/api-keys': guarded({ admin: 200, keyAdmin: 200, stranger: 200, strangerKey: 200 }),
  'DELETE /v1/api-keys/:keyId': guarded({ admin: 204, keyAdmin: 204, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/api-keys/${await w.apiKey()}` })),

  // A member may create calls only for themselves; a stranger naming our user's app id creates
  // a user of that id in its own tenant (its app's user), never touching ours.
  'POST /v1/calls': guarded({ owner: 201, admin: 201, keyCalls: 201, stranger: 201, strangerKey: 201 }, (w) => ({ payload: { userId: w.owner.externalId } })),
  'GET /v1/calls': guarded({ ...users, keyRead: 200, strangerKey: 200 }),
  'GET /v1/calls/:callId': guarded({ owner: 200, admin: 200, keyRead: 200, member: 404, stranger: 404, strangerKey: 404 }, (w) => ({ url: `/v1/calls/${w.ownerCallId}` })),
  'GET /v1/calls/:callId/coaching': guarded({ owner: 200, admin: 200, keyRead: 200, member: 404, stranger: 404, strangerKey: 404 }, async (w) => ({ url: await coachingReportUrl(w) })),
  'GET /v1/calls/:callId/transcript': guarded({ owner: 200, admin: 200, keyRead: 200, member: 404, stranger: 404, strangerKey: 404 }, (w) => ({ url: `/v1/calls/${w.ownerCallId}/transcript` })),
  'POST /v1/calls/:callId/end': guarded({ owner: 200, admin: 200, keyCalls: 200, member: 404, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/calls/${await w.call()}/end` })),
  'DELETE /v1/calls/:callId': guarded({ owner: 204, admin: 204, keyWrite: 204, member: 404, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/calls/${await w.call({ ended: true })}` })),

  'POST /v1/agents': guarded({ member: 201, owner: 201, admin: 201, keyWrite: 201, stranger: 201, strangerKey: 201 }, () => ({ payload: { name: 'Mine' } })),
  'GET /v1/agents': guarded({ ...users, keyRead: 200, strangerKey: 200 }),
  'GET /v1/agents/:agentId': guarded({ owner: 200, admin: 200, keyRead: 200, member: 404, stranger: 404, strangerKey: 404 }, (w) => ({ url: `/v1/agents/${w.ownerAgentId}` })),
  'PATCH /v1/agents/:agentId': guarded({ owner: 200, admin: 200, keyWrite: 200, member: 404, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/agents/${await w.agent()}`, payload: { language: 'fr' } })),
  'DELETE /v1/agents/:agentId': guarded({ owner: 204, admin: 204, keyWrite: 204, member: 404, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/agents/${await w.agent()}` })),

  'POST /api/calls/start': guarded({ owner: 200, admin: 200, keyCalls: 200, stranger: 200, strangerKey: 200 }, (w) => ({ payload: { userId: w.owner.externalId } })),
  'POST /api/calls/end/:callId': guarded({ owner: 200, admin: 200, keyCalls: 200, member: 404, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/api/calls/end/${await w.call()}` })),
  // A userId in the path must be the caller's (members) or a user of the caller's tenant: a
  // stranger naming our user gets an empty history of its own tenant.
  'GET /api/calls/history/:userId': guarded({ owner: 200, admin: 200, keyRead: 200, stranger: 200, strangerKey: 200 }, (w) => ({ url: `/api/calls/history/${w.owner.id}` })),
  'POST /api/calls/language': guarded({ owner: 200, admin: 200, keyWrite: 200, stranger: 200, strangerKey: 200 }, (w) => ({ payload: { prompt: 'Speak slowly.', userId: w.owner.externalId } })),

  // Lydia (docs/lydia.md). Companies are tenants: our company's id is 404 to strangers, reads need
  // `read`, changes `admin`; "me" routes need a user token.
  'POST /api/auth/register': open(201, () => ({ payload: { email: `${fresh('lydia')}@matrix.test`, password: worldPassword, firstName: 'Léa', lastName: 'Martin' } })),
  'POST /api/auth/login': open(200, (w) => ({ payload: { email: w.owner.email, password: worldPassword } })),
  'POST /api/auth/refresh-token': open(200, async (w) => ({ payload: { refreshToken: (await w.session(w.owner)).refreshToken } })),
  'POST /api/auth/forgot-password': open(202, (w) => ({ payload: { email: w.owner.email } })),
  'PUT /api/auth/reset-password/:token': open(200, async (w) => ({ url: `/api/auth/reset-password/${await resetToken(w.owner.email)}`, payload: { password: 'a brand new passphrase' } })),
  'POST /api/auth/reset-password/:token': open(200, async (w) => ({ url: `/api/auth/reset-password/${await resetToken(w.owner.email)}`, payload: { password: 'a brand new passphrase' } })),
  'GET /api/auth/me': guarded({ ...users }),
  'POST /api/auth/logout': guarded({ ...users }),
  'PUT /api/auth/profile': guarded({ ...users }, () => ({ payload: { firstName: 'Renamed' } })),
  'PUT /api/auth/password': guarded({ ...users }, () => ({ payload: { currentPassword: worldPassword, newPassword: 'a brand new passphrase' } })),
  'POST /api/auth/password': guarded({ ...users }, () => ({ payload: { currentPassword: worldPassword, newPassword: 'a brand new passphrase' } })),

  'GET /api/users': guarded({ admin: 200, keyAdmin: 200, stranger: 200, strangerKey: 200 }),
  'POST /api/users': guarded({ admin: 201, keyAdmin: 201, stranger: 201, strangerKey: 201 }, () => ({ payload: { email: `${fresh('lydia-new')}@matrix.test`, firstName: 'New', lastName: 'User' } })),
  'GET /api/users/me/company': guarded({ ...users, keyRead: 200, strangerKey: 200 }),
  'GET /api/users/:userId': guarded({ owner: 200, admin: 200, keyRead: 200, stranger: 404, strangerKey: 404 }, (w) => ({ url: `/api/users/${w.owner.id}` })),
  // Members rename themselves here too, so the route needs `read`; changing others needs `admin` as well
  // (an API key needs both).
  'PUT /api/users/:userId': guarded({ admin: 200, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/api/users/${await w.user()}`, payload: { lastName: 'Renamed' } })),
  'DELETE /api/users/:userId': guarded({ admin: 200, keyAdmin: 200, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/api/users/${await w.user()}` })),

  'POST /api/companies': operatorOnly(201, () => ({ payload: { name: fresh('Company') } })),
  'DELETE /api/companies/:id': operatorOnly(200, async () => ({ url: `/api/companies/${(await createTenantWithDefaults(app.database.db, { name: fresh('Doomed') })).id}` })),
  'GET /api/companies': guarded({ ...users, keyRead: 200, strangerKey: 200 }),
  'GET /api/companies/:id': companyRead(''),
  'PUT /api/companies/:id': companyWrite('', { description: 'Changed' }),
  'GET /api/companies/:id/settings': companyRead('/settings'),
  'PUT /api/companies/:id/settings': companyWrite('/settings', { settings: { theme: 'dark' } }),
  'GET /api/companies/:id/voice-assistant': companyRead('/voice-assistant'),
  'PUT /api/companies/:id/voice-assistant': companyWrite('/voice-assistant', { prompts: { welcomePrompt: 'Bonjour, ici {{companyName}}.' } }),
  'GET /api/companies/:companyId/business-hours': companyRead('/business-hours'),
  'PUT /api/companies/:companyId/business-hours': companyWrite('/business-hours', { timeZone: 'Europe/Paris' }),
  'GET /api/companies/:companyId/voice-config': companyRead('/voice-config'),
  'PUT /api/companies/:companyId/voice-config': companyWrite('/voice-config', { voice: 'Polly.Mathieu' }),
  'GET /api/companies/:companyId/custom-responses': companyRead('/custom-responses'),
  'PUT /api/companies/:companyId/custom-responses': companyWrite('/custom-responses', { customResponses: [{ keyword: 'prix', response: 'Sur devis.' }] }),
  'POST /api/companies/:companyId/custom-responses': guarded({ admin: 201, keyAdmin: 201, stranger: 404, strangerKey: 404 }, (w) => ({
    url: `/api/companies/${w.tenant.id}/custom-responses`,
    payload: { keyword: fresh('mot'), response: 'Réponse.' },
  })),
  'DELETE /api/companies/:companyId/custom-responses/:responseId': companyWrite(`/custom-responses/${newId()}`),
  'GET /api/companies/:companyId/transfer-settings': companyRead('/transfer-settings'),
  'PUT /api/companies/:companyId/transfer-settings': companyWrite('/transfer-settings', { enabled: true, phoneNumber: '+33123456789' }),
  'GET /api/companies/:companyId/phone-number': companyRead('/phone-number'),
  'PUT /api/companies/:companyId/phone-number': companyWrite('/phone-number', { phoneNumber: '+33187650000' }),

  // AURA (docs/aura.md): its own signup and login; "me" routes need a user token.
  'POST /api/v1/auth/register': open(201, () => ({ payload: { email: `${fresh('aura')}@matrix.test`, password: worldPassword, full_name: 'Aura User' } })),
  'POST /api/v1/auth/login': open(200, (w) => ({ payload: { email: w.owner.email, password: worldPassword } })),
  'GET /api/v1/auth/me': guarded({ ...users }),
  'GET /api/v1/user/profile': guarded({ ...users }),
  'PUT /api/v1/user/profile': guarded({ ...users }, () => ({ payload: { full_name: 'Renamed' } })),
  // AURA sessions (docs/aura.md) belong to users: members reach their own, admins their tenant's; API keys are refused.
  'GET /api/v1/health': open(200),
  'GET /api/v1/test': guarded({ ...users }),
  'GET /api/v1/user/stats': guarded({ ...users }),
  'POST /api/v1/sessions': guarded({ member: 201, owner: 201, admin: 201, stranger: 201 }, () => ({ payload: { title: 'Matrix' } })),
  'GET /api/v1/sessions': guarded({ ...users }),
  'GET /api/v1/sessions/:id': auraSession(200, ''),
  'PUT /api/v1/sessions/:id': auraSession(200, '', { payload: { title: 'Renamed' } }),
  'DELETE /api/v1/sessions/:id': auraSession(200, ''),
  'POST /api/v1/sessions/:id/audio/upload': auraSession(200, '/audio/upload', { payload: speechWav, headers: { 'content-type': 'audio/wav' } }),
  'POST /api/v1/sessions/:id/audio/analyze': auraSession(200, '/audio/analyze', { payload: { audio_array: [0, 0.1, -0.1, 0], sample_rate: 16000 } }),
  'GET /api/v1/sessions/:id/feedback': auraSession(200, '/feedback'),
  'POST /api/v1/sessions/:id/feedback/generate': auraSession(200, '/feedback/generate', { payload: {} }),
  'GET /api/v1/sessions/:id/analytics': auraSession(200, '/analytics'),

  // Twilio (docs/twilio.md): webhooks are public but signed; the matrix sends no signature, so 403.
  'POST /twilio/voice': open(403, () => ({ payload: voiceParams({ to: '+33100000001' }) })),
  'POST /incoming-call': open(403, () => ({ payload: voiceParams({ to: '+33100000001' }) })),
  'POST /twilio/status': open(403, () => ({ payload: { ...voiceParams({ to: '+33100000001' }), CallStatus: 'completed' } })),
  // The classic IVR (docs/ivr.md): each turn and each transfer outcome, signed like every Twilio webhook.
  'POST /twilio/ivr/:callId/turn': open(403, (w) => ({ url: `/twilio/ivr/${w.ownerCallId}/turn?tenantId=${w.tenant.id}&silent=0`, payload: { CallSid: newCallSid(), SpeechResult: 'Bonjour' } })),
  'POST /twilio/ivr/:callId/dial': open(403, (w) => ({ url: `/twilio/ivr/${w.ownerCallId}/dial?tenantId=${w.tenant.id}`, payload: { CallSid: newCallSid(), DialCallStatus: 'completed' } })),
  'POST /v1/phone-numbers': guarded({ admin: 201, keyAdmin: 201, stranger: 201, strangerKey: 201 }, () => ({ payload: { number: freshNumber() } })),
  'GET /v1/phone-numbers': guarded({ admin: 200, keyAdmin: 200, stranger: 200, strangerKey: 200 }),
  'GET /v1/phone-numbers/:phoneNumberId': guarded({ admin: 200, keyAdmin: 200, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/phone-numbers/${await phoneNumberOf(w)}` })),
  'PATCH /v1/phone-numbers/:phoneNumberId': guarded({ admin: 200, keyAdmin: 200, stranger: 404, strangerKey: 404 }, async (w) => ({
    url: `/v1/phone-numbers/${await phoneNumberOf(w)}`,
    payload: { label: 'Front desk' },
  })),
  'DELETE /v1/phone-numbers/:phoneNumberId': guarded({ admin: 204, keyAdmin: 204, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/phone-numbers/${await phoneNumberOf(w)}` })),
  // Members hold the calls scope and may use the tenant's shared agent; strangers cannot name it.
  'POST /api/calls/outbound': guarded({ member: 201, owner: 201, admin: 201, keyCalls: 201, stranger: 404, strangerKey: 404 }, outboundRequest),
  // Post-call jobs and webhooks (docs/jobs.md, docs/webhooks.md): a call's jobs like the call; the rest needs `admin`.
  'GET /v1/calls/:callId/jobs': guarded({ owner: 200, admin: 200, keyRead: 200, member: 404, stranger: 404, strangerKey: 404 }, (w) => ({ url: `/v1/calls/${w.ownerCallId}/jobs` })),
  // Post-call analysis (docs/analysis.md): read like the call; a re-run needs `write`.
  'GET /v1/calls/:callId/analysis': guarded({ owner: 200, admin: 200, keyRead: 200, member: 404, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/calls/${await analysedCallOf(w)}/analysis` })),
  'POST /v1/calls/:callId/analysis': guarded({ owner: 202, admin: 202, keyWrite: 202, member: 404, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/calls/${await analysedCallOf(w)}/analysis` })),
  'GET /v1/jobs': guarded({ admin: 200, keyAdmin: 200, stranger: 200, strangerKey: 200 }),
  'POST /v1/jobs/:jobId/retry': guarded({ admin: 200, keyAdmin: 200, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/jobs/${await deadJobOf(w)}/retry` })),
  // Recordings (docs/recordings.md): a call's recording like the call; the tenant's list needs `admin`.
  'GET /v1/calls/:callId/recording': guarded({ owner: 200, admin: 200, keyRead: 200, member: 404, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/calls/${await recordedCallOf(w)}/recording` })),
  'GET /v1/calls/:callId/recording/metadata': guarded({ owner: 200, admin: 200, keyRead: 200, member: 404, stranger: 404, strangerKey: 404 }, async (w) => ({
    url: `/v1/calls/${await recordedCallOf(w)}/recording/metadata`,
  })),
  'DELETE /v1/calls/:callId/recording': guarded({ owner: 204, admin: 204, keyWrite: 204, member: 404, stranger: 404, strangerKey: 404 }, async (w) => ({ url: `/v1/calls/${await recordedCallOf(w)}/recording` })),
  'GET /v1/recordings': guarded({ admin: 200, keyAdmin: 200, stranger: 200, strangerKey: 200 }),
  'POST /v1/webhooks': guarded({ admin: 201, keyAdmin: 201, stranger: 201, strangerKey: 201 }, () => ({ payload: { url: 'http://127.0.0.1:9/matrix', events: ['call.ended'] } })),
  'GET /v1/webhooks': guarded({ admin: 200, keyAdmin: 200, stranger: 200, strangerKey: 200 }),
  'GET /v1/webhooks/:endpointId': webhookEntry(200, (ids) => `/v1/webhooks/${ids.endpointId}`),
  'PATCH /v1/webhooks/:endpointId': webhookEntry(200, (ids) => `/v1/webhooks/${ids.endpointId}`, { description: 'Changed' }),
  'DELETE /v1/webhooks/:endpointId': webhookEntry(204, (ids) => `/v1/webhooks/${ids.endpointId}`),
  'POST /v1/webhooks/:endpointId/rotate-secret': webhookEntry(200, (ids) => `/v1/webhooks/${ids.endpointId}/rotate-secret`),
  'GET /v1/webhooks/:endpointId/deliveries': webhookEntry(200, (ids) => `/v1/webhooks/${ids.endpointId}/deliveries`),
  'POST /v1/webhooks/:endpointId/deliveries/:deliveryId/redeliver': webhookEntry(202, (ids) => `/v1/webhooks/${ids.endpointId}/deliveries/${ids.deliveryId}/redeliver`),

  // HandleHome (docs/handlehome.md): tenant-scoped; reads need `read`, changes `write`, booking rules `admin`.
  'GET /api/calls': hhList('/api/calls'),
  'GET /api/calls/dates': hhList('/api/calls/dates'),
  'GET /api/calls/dates/:dates': hhList('/api/calls/dates/2030-01-07'),
  'GET /api/calls/:id': hhRead(async (w) => `/api/calls/${await hhRecordOf(w)}`),
  'PATCH /api/calls/:id/status': hhWrite(async (w) => `/api/calls/${await hhRecordOf(w)}/status`, { statut: 'en_cours' }),
  'PUT /api/calls/:id/client': hhWrite(async (w) => `/api/calls/${await hhRecordOf(w)}/client`, { nom: 'Matrix', description: 'Corrected' }),
  'DELETE /api/calls/:id': hhWrite(async (w) => `/api/calls/${await hhRecordOf(w)}`),
  'GET /api/clients': hhList('/api/clients'),
  'POST /api/clients': hhCreate(() => ({ prenom: 'Léa', nom: 'Matrix', telephone: freshNumber() })),
  'GET /api/clients/:id': hhRead(async (w) => `/api/clients/${await hhClientOf(w)}`),
  'PATCH /api/clients/:id': hhWrite(async (w) => `/api/clients/${await hhClientOf(w)}`, { adresse: '1 rue du Test' }),
  'GET /api/clients/:id/history': hhRead(async (w) => `/api/clients/${await hhClientOf(w)}/history`),
  'DELETE /api/clients/:id': hhWrite(async (w) => `/api/clients/${await hhClientOf(w)}`),
  'POST /api/orders': hhCreate(() => ({ nom: 'Matrix', date: '2030-01-07', heure: '12:00', type: 'Réservation de table', force: true })),
  'GET /api/orders': hhList('/api/orders'),
  'GET /api/orders/today': hhList('/api/orders/today'),
  'GET /api/orders/availability': hhList('/api/orders/availability?date=2030-01-07&heure=12:00'),
  'GET /api/orders/ai/available-slots': hhList('/api/orders/ai/available-slots?date=2030-01-07'),
  'GET /api/orders/:id': hhRead(async (w) => `/api/orders/${await hhOrderOf(w)}`),
  'PUT /api/orders/:id': hhWrite(async (w) => `/api/orders/${await hhOrderOf(w)}`, { description: 'Changed', force: true }),
  'PATCH /api/orders/:id/status': hhWrite(async (w) => `/api/orders/${await hhOrderOf(w)}/status`, { statut: 'en_cours' }),
  'DELETE /api/orders/:id': hhWrite(async (w) => `/api/orders/${await hhOrderOf(w)}`),
  'GET /api/search': hhList('/api/search?query=Matrix'),
  'GET /api/booking-rules': hhList('/api/booking-rules'),
  'PATCH /api/booking-rules': guarded({ admin: 200, keyAdmin: 200, stranger: 200, strangerKey: 200 }, () => ({ payload: { capacity: 3 } })),
};

const operatorKey = 'matrix-operator-key-0123456789abcdefghij';
let app: TestApplication;
let passwordHash: string;
let fakeTwilio: FakeTwilioRest;
const matrixDataDir = mkdtempSync(join(tmpdir(), 'switchboard-matrix-'));
beforeAll(async () => {
  fakeTwilio = await startFakeTwilioRest({ accountSid: TEST_TWILIO_ACCOUNT_SID, authToken: TEST_TWILIO_AUTH_TOKEN });
  app = await startTestApplication({
    mailer: {
      send: (message) => {
        mailbox.push(message);
        return Promise.resolve();
      },
    },
    env: {
      DATA_DIR: matrixDataDir,
      ADMIN_API_KEY: operatorKey,
      CORS_ORIGINS: 'https://app.example',
      RATE_LIMIT_PER_IP: '1000000',
      RATE_LIMIT_PER_CREDENTIAL: '1000000',
      RATE_LIMIT_LOGIN: '10000',
      RATE_LIMIT_LOGIN_PER_IP: '10000',
      RATE_LIMIT_SIGNUP_PER_IP: '10000',
      RATE_LIMIT_CALLS_PER_TENANT: '1000000',
      MAX_CONCURRENT_CALLS_PER_TENANT: '1000000',
      // No job runs here: the world's jobs and analyses are set up by hand. A running pool would work the
      // call-ended steps of the world's calls in the background, and could queue an analysis before a
      // test's POST .../analysis (409 instead of 202, at random under load).
      JOB_CONCURRENCY: '0',
      TWILIO_ACCOUNT_SID: TEST_TWILIO_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: TEST_TWILIO_AUTH_TOKEN,
      TWILIO_API_BASE_URL: fakeTwilio.baseUrl,
      // Phone calls are placed only when their agent's engine can run; nothing here opens it.
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    },
  });
  await app.http.ready();
  passwordHash = await hashPassword(worldPassword);
});
afterAll(async () => {
  await app.close();
  await fakeTwilio.close();
  rmSync(matrixDataDir, { recursive: true, force: true });
});

const routeKey = (method: string, url: string) => `${method} ${url}`;

describe('authorization matrix', () => {
  it('has exactly one entry per route of the app', () => {
    const routes = app.http.routeTable.map((r) => routeKey(r.method, r.url)).sort();
    expect(routes.length).toBeGreaterThan(30);
    expect(Object.keys(matrix).sort()).toEqual(routes);
  });

  for (const [key, entry] of Object.entries(matrix)) {
    it(key, async () => {
      const [method = 'GET', path = '/'] = key.split(' ');
      const world = await buildWorld(app, { passwordHash, operatorKey });
      const failures: string[] = [];
      for (const actor of entry.public ? (['anonymous'] as const) : actors) {
        const request = (await entry.request?.(world)) ?? {};
        const headers: Record<string, string> = { ...request.headers, ...world.headers[actor] };
        if (method === 'OPTIONS') Object.assign(headers, { origin: 'https://app.example', 'access-control-request-method': 'GET' });
        const options: InjectOptions = { method, url: request.url ?? path, headers };
        if (request.payload !== undefined) options.payload = request.payload;
        const res = await app.http.inject(options);
        if (res.statusCode !== entry.expect[actor]) failures.push(`${actor}: expected ${String(entry.expect[actor])}, got ${String(res.statusCode)} ${res.body.slice(0, 160)}`);
        const secrets = actor === 'stranger' || actor === 'strangerKey' ? world.tenantSecrets : actor === 'member' ? [world.ownerCallId, world.ownerAgentId] : [];
        for (const secret of secrets) if (res.body.includes(secret)) failures.push(`${actor}: response reveals ${secret}`);
      }
      expect(failures).toEqual([]);
    });
  }
});
