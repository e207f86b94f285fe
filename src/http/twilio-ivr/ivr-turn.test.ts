import { afterEach, describe, expect, it, vi } from 'vitest';
import { failure, messageText, text } from '../../testing/fake-openai-chat/index.ts';
import { callIdIn, callSid, spokenIn, startIvrWorld, turnUrlOf, verbsOf, type IvrWorld } from '../../testing/ivr-world.ts';

let world: IvrWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const mondayMorningParis = Date.UTC(2026, 10, 23, 9, 0);
const followUp = 'Puis-je vous aider avec autre chose ?';
const fallback = "Pardonnez-moi, je n'ai pas pu traiter votre demande. Pouvez-vous la reformuler ?";

async function answeredCall(setup?: (w: IvrWorld) => Promise<void>): Promise<{ w: IvrWorld; sid: string; callId: string; url: string }> {
  const w = await startIvrWorld({ startMs: mondayMorningParis });
  world = w;
  await setup?.(w);
  const sid = callSid();
  const twiml = await w.incoming(sid);
  return { w, sid, callId: callIdIn(twiml), url: turnUrlOf(twiml) };
}

function said(w: IvrWorld, url: string, sid: string, speech: string, confidence = '0.91') {
  return w.post(url, { CallSid: sid, AccountSid: `AC${'0'.repeat(32)}`, CallStatus: 'in-progress', SpeechResult: speech, Confidence: confidence });
}

describe('IVR turns', () => {
  it('a keyword response is said inside the next Gather with the follow-up prompt, without asking the model', async () => {
    const { w, sid, callId, url } = await answeredCall((w) =>
      w.companies.saveCustomResponse(w.admin, w.tenantId, { keyword: 'horaires', response: 'Nous sommes ouverts du lundi au vendredi de 9 h à 18 h.' }).then(() => undefined),
    );
    const res = await said(w, url, sid, "Quels sont vos horaires d'ouverture ?");
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(verbsOf(res.body)).toEqual(['Gather', 'Redirect']);
    expect(spokenIn(res.body)).toEqual(['Nous sommes ouverts du lundi au vendredi de 9 h à 18 h.', followUp]);
    expect(turnUrlOf(res.body)).toBe(url);
    expect(w.chat.requests).toHaveLength(0);
    expect((await w.transcript(callId)).slice(1)).toEqual([
      { seq: 1, role: 'user', text: "Quels sont vos horaires d'ouverture ?" },
      { seq: 2, role: 'assistant', text: 'Nous sommes ouverts du lundi au vendredi de 9 h à 18 h.' },
    ]);
    const turn = (await w.events(callId)).find((e) => e.type === 'ivr.turn');
    expect(turn?.data).toEqual({ decision: 'keyword', classifier: 'not_asked', confidence: 0.91 });
  });

  it('otherwise the model answers: it gets the company prompt and facts, max_tokens 150, and the last ten turns only', async () => {
    const { w, sid, callId, url } = await answeredCall(async (w) => {
      await w.companies.updateVoiceAssistant(w.admin, w.tenantId, { companyInfo: { products: ['Baguette tradition'], services: ['Livraison à domicile'], faq: [{ question: 'Livrez-vous le dimanche ?', answer: 'Non.' }] } });
    });
    w.chat.respondWith((_request, index) => text(`Réponse ${index}.`));
    let next = url;
    for (let i = 0; i < 6; i += 1) {
      const res = await said(w, next, sid, `Question ${i} ?`);
      expect(spokenIn(res.body)).toEqual([`Réponse ${i}.`, followUp]);
      next = turnUrlOf(res.body);
    }
    expect(w.chat.requests).toHaveLength(6);
    const last = w.chat.requests[5]!.body;
    expect(last).toMatchObject({ model: 'gpt-4o-mini', max_tokens: 150 });
    const [system, ...conversation] = last.messages;
    expect(system?.role).toBe('system');
    const prompt = system ? messageText(system) : '';
    for (const fact of ["l'assistant vocal de Boulangerie Martin", 'Baguette tradition', 'Livraison à domicile', 'Q: Livrez-vous le dimanche ?', 'A: Non.', 'Europe/Paris']) expect(prompt).toContain(fact);
    // Twelve turns were stored when the sixth question was asked (greeting, five pairs, the question):
    // the model saw the last ten, the greeting and the first question left out, the current utterance last.
    expect(conversation.map((m) => [m.role, messageText(m)])).toEqual([
      ['assistant', 'Réponse 0.'],
      ...[1, 2, 3, 4].flatMap((i) => [['user', `Question ${i} ?`], ['assistant', `Réponse ${i}.`]]),
      ['user', 'Question 5 ?'],
    ]);
    // Every turn is in the transcript, in order: greeting, then question/answer pairs.
    const transcript = await w.transcript(callId);
    expect(transcript.map((t) => t.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i));
    expect(transcript.slice(-2)).toEqual([{ seq: 11, role: 'user', text: 'Question 5 ?' }, { seq: 12, role: 'assistant', text: 'Réponse 5.' }]);
  });

  it('the caller turn is stored before the model is asked (kept even when the model then fails)', async () => {
    const { w, sid, callId, url } = await answeredCall();
    w.chat.enqueue({ kind: 'timeout' });
    const pending = said(w, url, sid, 'Je voudrais commander un gâteau');
    await vi.waitFor(() => {
      expect(w.chat.requests).toHaveLength(1);
    });
    expect(await w.transcript(callId)).toEqual([expect.objectContaining({ seq: 0 }), { seq: 1, role: 'user', text: 'Je voudrais commander un gâteau' }]);
    await w.chat.close(); // the upstream goes away mid-request
    const res = await pending;
    expect(spokenIn(res.body)[0]).toBe(fallback);
    expect((await w.transcript(callId)).map((t) => t.role)).toEqual(['assistant', 'user', 'assistant']);
  });

  it.each([
    ['a 500', failure(500), 'provider'],
    ['a 429', failure(429), 'rate_limited'],
    ['a malformed body', { kind: 'malformed' } as const, 'provider'],
    ['a refused key (401)', failure(401, 'invalid_api_key'), 'provider'],
  ])('the model failing with %s: a polite fallback line, 200 TwiML, and the call goes on', async (_label, reply, failureKind) => {
    const { w, sid, url } = await answeredCall();
    await expectFallback(w, reply, failureKind, sid, url);
  });

  it('the model timing out: the same fallback, within the reply budget', async () => {
    world = await startIvrWorld({ startMs: mondayMorningParis, ivrOptions: { model: { maxTokens: 150, temperature: 0.5, timeoutMs: 200, classifierEnabled: true, classifierTimeoutMs: 200 } } });
    const sid = callSid();
    await expectFallback(world, { kind: 'timeout' }, 'timeout', sid, turnUrlOf(await world.incoming(sid)));
  });

  async function expectFallback(w: IvrWorld, reply: Parameters<IvrWorld['chat']['enqueue']>[0], failureKind: string, sid: string, url: string) {
    w.chat.enqueue(reply);
    const res = await said(w, url, sid, 'Vous faites des gâteaux ?');
    expect(res.statusCode).toBe(200);
    expect(verbsOf(res.body)).toEqual(['Gather', 'Redirect']);
    expect(spokenIn(res.body)).toEqual([fallback, followUp]);
    const callId = callIdIn(res.body);
    expect((await w.call(callId))?.status).toBe('active');
    expect((await w.transcript(callId)).at(-1)).toMatchObject({ role: 'assistant', text: fallback });
    expect((await w.events(callId)).find((e) => e.type === 'ivr.turn')?.data).toMatchObject({ decision: 'fallback', failure: failureKind });
    // The next turn works again.
    w.chat.enqueue(text('Oui, sur commande.'));
    const next = await said(w, turnUrlOf(res.body), sid, 'Et des tartes ?');
    expect(spokenIn(next.body)).toEqual(['Oui, sur commande.', followUp]);
  }
});
