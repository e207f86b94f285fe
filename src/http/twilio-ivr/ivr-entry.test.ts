import { afterEach, describe, expect, it } from 'vitest';
import { callSid, elements, IVR_PUBLIC_URL, parseTwiml, startIvrWorld, textOf, type IvrWorld } from '../../testing/ivr-world.ts';

let world: IvrWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Monday 2026-11-23, 10:00 in Paris (09:00 UTC): open by the default hours (Mon–Fri 09:00–18:00, Europe/Paris). */
const mondayMorningParis = Date.UTC(2026, 10, 23, 9, 0);

function callIdOf(twiml: string): string {
  const action = elements(parseTwiml(twiml), 'Gather')[0]?.attributes.action ?? '';
  const id = /\/twilio\/ivr\/([0-9a-f-]{36})\/turn/.exec(action)?.[1];
  if (id === undefined) throw new Error(`no turn URL in ${twiml}`);
  return id;
}

describe('IVR entry (an incoming call to an ivr-mode number)', () => {
  it('open: creates the call (inbound, twilio-ivr, active), stores the greeting, and speaks it inside the Gather', async () => {
    world = await startIvrWorld({ startMs: mondayMorningParis, companyName: 'Boulangerie & Fils' });
    const twiml = await world.incoming(callSid());
    const root = parseTwiml(twiml);
    const gather = elements(root, 'Gather')[0]!;
    const callId = callIdOf(twiml);
    expect(gather.attributes).toMatchObject({ input: 'speech', language: 'fr-FR', speechTimeout: 'auto', speechModel: 'phone_call', actionOnEmptyResult: 'true' });
    expect(gather.attributes.action).toBe(`${IVR_PUBLIC_URL}/twilio/ivr/${callId}/turn?tenantId=${world.tenantId}&silent=0`);
    const greeting = "Bonjour et bienvenue chez Boulangerie & Fils. Je suis Lydia, votre assistante virtuelle. Comment puis-je vous aider aujourd'hui ?";
    expect(elements(gather, 'Say').map((s) => [s.attributes.voice, s.attributes.language, textOf(s)])).toEqual([['Polly.Lea', 'fr-FR', greeting]]);
    expect(elements(root, 'Say')).toEqual([]);

    const call = await world.call(callId);
    expect(call).toMatchObject({ channel: 'twilio-ivr', direction: 'inbound', status: 'active', metadata: { mode: 'ivr' } });
    expect(call?.startedAt?.getTime()).toBe(mondayMorningParis);
    expect(await world.transcript(callId)).toEqual([{ seq: 0, role: 'assistant', text: greeting }]);
  });

  it('closed: the closed message and a hang-up; the call is stored, ended with reason closed', async () => {
    world = await startIvrWorld({ startMs: Date.UTC(2026, 10, 21, 10, 0) }); // Saturday
    const twiml = await world.incoming(callSid());
    const root = parseTwiml(twiml);
    expect(elements(root).map((e) => e.name)).toEqual(['Say', 'Hangup']);
    const closed = 'Bonjour, vous êtes bien chez Boulangerie Martin. Nous sommes actuellement fermés. Merci de rappeler pendant nos heures d\'ouverture.';
    expect(textOf(elements(root, 'Say')[0]!)).toBe(closed);
    const calls = await world.database.db.query.calls.findMany();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ status: 'ended', endReason: 'closed', channel: 'twilio-ivr' });
    expect(await world.transcript(calls[0]!.id)).toEqual([{ seq: 0, role: 'assistant', text: closed }]);
  });

  it.each([
    // Daylight saving starts in Paris on 2026-03-29: 07:30 UTC is 08:30 on the Friday before (closed) and 09:30 on the Monday after (open).
    ['Friday before DST starts, 08:30 Paris', Date.UTC(2026, 2, 27, 7, 30), false],
    ['Monday after DST starts, 09:30 Paris', Date.UTC(2026, 2, 30, 7, 30), true],
    // It ends on 2026-10-25: 16:30 UTC is 18:30 on the Friday before (closed) and 17:30 on the Monday after (open).
    ['Friday before DST ends, 18:30 Paris', Date.UTC(2026, 9, 23, 16, 30), false],
    ['Monday after DST ends, 17:30 Paris', Date.UTC(2026, 9, 26, 16, 30), true],
  ])('business hours read in the company time zone across DST: %s', async (_label, startMs, open) => {
    world = await startIvrWorld({ startMs });
    const root = parseTwiml(await world.incoming(callSid()));
    expect(elements(root, 'Gather').length === 1).toBe(open);
    expect(elements(root, 'Hangup').length === 1).toBe(!open);
  });

  it('another time zone: a New York company at 10:00 New York time is open while Paris is closed for the evening', async () => {
    world = await startIvrWorld({ startMs: Date.UTC(2026, 10, 23, 15, 0) }); // Monday 16:00 Paris, 10:00 New York
    await world.companies.updateBusinessHours(world.admin, world.tenantId, { timeZone: 'America/New_York', monday: { open: '09:30', close: '17:00', closed: false } });
    world.clock.advance(3 * 3_600_000); // 19:00 Paris (closed there), 13:00 New York
    expect(elements(parseTwiml(await world.incoming(callSid())), 'Gather')).toHaveLength(1);
  });

  it('the company voice and language are used (voice config), the greeting template rendered', async () => {
    world = await startIvrWorld({ startMs: mondayMorningParis, companyName: 'Acme' });
    await world.companies.updateVoiceConfig(world.admin, world.tenantId, { voice: 'Polly.Joanna', language: 'en-US' });
    await world.companies.updateVoiceAssistant(world.admin, world.tenantId, { prompts: { welcomePrompt: 'Hello, {{ companyName }} here. How can I help?' } });
    const gather = elements(parseTwiml(await world.incoming(callSid())), 'Gather')[0]!;
    expect(gather.attributes.language).toBe('en-US');
    expect(elements(gather, 'Say').map((s) => [s.attributes.voice, s.attributes.language, textOf(s)])).toEqual([['Polly.Joanna', 'en-US', 'Hello, Acme here. How can I help?']]);
  });

  it('the same CallSid again (Twilio re-requesting the voice URL) repeats the greeting without a second call', async () => {
    world = await startIvrWorld({ startMs: mondayMorningParis });
    const sid = callSid();
    const first = await world.incoming(sid);
    const again = await world.incoming(sid);
    expect(callIdOf(again)).toBe(callIdOf(first));
    expect(await world.database.db.query.calls.findMany()).toHaveLength(1);
    expect(await world.transcript(callIdOf(first))).toHaveLength(1);
  });

  it('at the concurrent-call cap: "all our lines are busy" and a hang-up, no call stored', async () => {
    world = await startIvrWorld({ startMs: mondayMorningParis, maxConcurrentCalls: 1 });
    expect(elements(parseTwiml(await world.incoming(callSid())), 'Gather')).toHaveLength(1);
    const busy = parseTwiml(await world.incoming(callSid()));
    expect(elements(busy).map((e) => e.name)).toEqual(['Say', 'Hangup']);
    expect(textOf(elements(busy, 'Say')[0]!)).toBe('Toutes nos lignes sont occupées. Merci de rappeler dans quelques minutes. Au revoir.');
    expect(await world.database.db.query.calls.findMany()).toHaveLength(1);
  });
});
