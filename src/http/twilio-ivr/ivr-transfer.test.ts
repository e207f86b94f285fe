import { afterEach, describe, expect, it } from 'vitest';
import { messageText, text } from '../../testing/fake-openai-chat/index.ts';
import { callIdIn, callSid, elements, IVR_PUBLIC_URL, parseTwiml, spokenIn, startIvrWorld, textOf, turnUrlOf, type IvrWorld, verbsOf } from '../../testing/ivr-world.ts';

let world: IvrWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const mondayMorningParis = Date.UTC(2026, 10, 23, 9, 0);
const followUp = 'Puis-je vous aider avec autre chose ?';

async function withTransfer(settings: { enabled: boolean; phoneNumber: string | null; callerId?: string | null }): Promise<{ w: IvrWorld; sid: string; callId: string; url: string }> {
  const w = await startIvrWorld({ startMs: mondayMorningParis });
  world = w;
  await w.companies.updateTransferSettings(w.admin, w.tenantId, { ...settings, message: 'Je vous transfère à un conseiller de {{companyName}}.' });
  const sid = callSid();
  const twiml = await w.incoming(sid);
  return { w, sid, callId: callIdIn(twiml), url: turnUrlOf(twiml) };
}

const speech = (sid: string, words: string) => ({ CallSid: sid, SpeechResult: words, Confidence: '0.9' });

describe('IVR transfer to a person', () => {
  it('asked in words: the transfer message, then <Dial> to the company number with its callerId and an action', async () => {
    const { w, sid, callId, url } = await withTransfer({ enabled: true, phoneNumber: '+33123456789', callerId: '+33100000001' });
    const res = await w.post(url, speech(sid, 'Je voudrais parler à un conseiller'));
    expect(res.statusCode).toBe(200);
    expect(verbsOf(res.body)).toEqual(['Say', 'Dial']);
    expect(spokenIn(res.body)).toEqual(['Je vous transfère à un conseiller de Boulangerie Martin.']);
    const dial = elements(parseTwiml(res.body), 'Dial')[0]!;
    expect(dial.attributes).toEqual({ action: `${IVR_PUBLIC_URL}/twilio/ivr/${callId}/dial?tenantId=${w.tenantId}`, method: 'POST', timeout: '25', callerId: '+33100000001' });
    expect(elements(dial, 'Number').map(textOf)).toEqual(['+33123456789']);
    expect(w.chat.requests).toHaveLength(0);
    expect((await w.transcript(callId)).slice(1).map((t) => [t.role, t.text])).toEqual([
      ['user', 'Je voudrais parler à un conseiller'],
      ['assistant', 'Je vous transfère à un conseiller de Boulangerie Martin.'],
    ]);
    expect((await w.call(callId))?.status).toBe('active');
  });

  it('nobody answers: the dial action says so and the IVR goes on listening', async () => {
    const { w, sid, callId, url } = await withTransfer({ enabled: true, phoneNumber: '+33123456789' });
    const transfer = await w.post(url, speech(sid, 'Un humain, vite'));
    const dialUrl = elements(parseTwiml(transfer.body), 'Dial')[0]!.attributes.action!;
    expect(elements(parseTwiml(transfer.body), 'Dial')[0]!.attributes).not.toHaveProperty('callerId');
    const res = await w.post(dialUrl, { CallSid: sid, DialCallStatus: 'no-answer', DialCallDuration: '0' });
    expect(verbsOf(res.body)).toEqual(['Gather', 'Redirect']);
    expect(spokenIn(res.body)).toEqual(["Aucun conseiller n'est disponible pour le moment. Je reste à votre écoute.", followUp]);
    expect((await w.call(callId))?.status).toBe('active');
    expect((await w.events(callId)).find((e) => e.type === 'ivr.dial_ended')?.data).toEqual({ dialStatus: 'no-answer' });
  });

  it('the person answered and the conversation ended: hang up, the call ended as transferred', async () => {
    const { w, sid, callId, url } = await withTransfer({ enabled: true, phoneNumber: '+33123456789' });
    const transfer = await w.post(url, speech(sid, 'Passez-moi le standard'));
    const dialUrl = elements(parseTwiml(transfer.body), 'Dial')[0]!.attributes.action!;
    const res = await w.post(dialUrl, { CallSid: sid, DialCallStatus: 'completed', DialCallDuration: '95' });
    expect(verbsOf(res.body)).toEqual(['Hangup']);
    expect(await w.call(callId)).toMatchObject({ status: 'ended', endReason: 'transferred' });
  });

  it('no transfer number configured: says so and keeps helping (no Dial)', async () => {
    const { w, sid, callId, url } = await withTransfer({ enabled: false, phoneNumber: null });
    const res = await w.post(url, speech(sid, 'Je veux parler à un conseiller'));
    expect(verbsOf(res.body)).toEqual(['Gather', 'Redirect']);
    expect(spokenIn(res.body)).toEqual(['Je ne peux pas vous mettre en relation avec un conseiller pour le moment, mais je reste à votre écoute.', followUp]);
    expect((await w.call(callId))?.status).toBe('active');
  });

  it('the LLM classifier catches a request the words miss; its "yes" is read correctly (the seed compared "vrai" to "true")', async () => {
    const { w, sid, url } = await withTransfer({ enabled: true, phoneNumber: '+33123456789' });
    w.chat.respondWith((request) => {
      const system = request.messages[0] ? messageText(request.messages[0]) : '';
      return text(system.includes('single English word yes or no') ? 'Yes' : 'Je peux vous aider.');
    });
    const res = await w.post(url, speech(sid, 'Je préférerais voir ça avec votre collègue'));
    expect(verbsOf(res.body)).toEqual(['Say', 'Dial']);
    const classifier = w.chat.requests.find((r) => r.body.max_tokens === 3);
    expect(classifier?.body).toMatchObject({ temperature: 0, messages: [{ role: 'system' }, { role: 'user', content: 'Je préférerais voir ça avec votre collègue' }] });
  });

  it('the classifier answering no leaves the model reply in place (failures: turn-decision.test.ts)', async () => {
    const { w, sid, url } = await withTransfer({ enabled: true, phoneNumber: '+33123456789' });
    w.chat.respondWith((request) => (request.max_tokens === 3 ? text('no') : text('Nous livrons le samedi.')));
    const res = await w.post(url, speech(sid, 'Vous livrez le samedi ?'));
    expect(spokenIn(res.body)).toEqual(['Nous livrons le samedi.', followUp]);
  });
});
