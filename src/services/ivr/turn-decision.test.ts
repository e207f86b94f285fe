import { describe, expect, it } from 'vitest';
import { err } from '../../core/result.ts';
import { ivrChatMessages, type ConversationTurn } from './chat-context.ts';
import { isClassifierRequest, scriptedModel, testCompany } from '../../testing/ivr-test-kit.ts';
import { phrasesFor } from './phrases.ts';
import { decideTurn, type IvrModelOptions } from './turn-decision.ts';

const options: IvrModelOptions = { maxTokens: 150, temperature: 0.5, timeoutMs: 8000, classifierEnabled: true, classifierTimeoutMs: 3000 };
const phrases = phrasesFor('fr-FR');
const bakery = testCompany({
  description: 'Artisan boulanger depuis 1950',
  customResponses: [{ id: '00000000-0000-4000-8000-000000000010', keyword: 'horaires', response: 'Nous sommes ouverts de 9 h à 18 h.' }],
  voiceAssistant: {
    prompts: { ...testCompany().voiceAssistant.prompts, baseSystemPrompt: 'Vous êtes la voix de {{companyName}}.' },
    companyInfo: { products: ['Baguette tradition', 'Croissant'], services: ['Livraison'], faq: [{ question: 'Faites-vous des gâteaux sur commande ?', answer: 'Oui, 48 h à l’avance.' }] },
  },
});
const transferable = testCompany({ transferSettings: { enabled: true, phoneNumber: '+33123456789', message: 'Un instant.' } });

function turns(count: number): ConversationTurn[] {
  return Array.from({ length: count }, (_, i) => ({ role: i % 2 === 0 ? 'assistant' : 'user', text: `turn ${i}` }));
}

describe('one IVR turn', () => {
  it('a keyword response answers without asking the model', async () => {
    const model = scriptedModel(() => 'should not be asked');
    const decision = await decideTurn({ company: bakery, utterance: 'Quels sont vos HORAIRES ?', transcript: turns(2), phrases, model, options });
    expect(decision).toEqual({ kind: 'answer', text: 'Nous sommes ouverts de 9 h à 18 h.', source: 'keyword', classifier: 'not_asked' });
    expect(model.requests).toEqual([]);
  });

  it('otherwise the model answers, with max_tokens, the company prompt and facts, and the conversation', async () => {
    const model = scriptedModel(() => 'Oui, nous livrons.');
    const transcript = [...turns(3), { role: 'user' as const, text: 'Vous livrez ?' }];
    const decision = await decideTurn({ company: bakery, utterance: 'Vous livrez ?', transcript, phrases, model, options });
    expect(decision).toEqual({ kind: 'answer', text: 'Oui, nous livrons.', source: 'model', classifier: 'not_asked' });
    const [request] = model.requests;
    expect(request).toMatchObject({ maxTokens: 150, temperature: 0.5, timeoutMs: 8000 });
    const system = request?.messages[0]?.content ?? '';
    expect(system).toContain('Vous êtes la voix de Boulangerie Martin.');
    for (const fact of ['Artisan boulanger depuis 1950', 'Baguette tradition; Croissant', 'Livraison', 'Q: Faites-vous des gâteaux sur commande ?', 'A: Oui, 48 h à l’avance.', 'Europe/Paris', 'monday 09:00-18:00', 'sunday closed', 'fr-FR']) {
      expect(system).toContain(fact);
    }
    expect(request?.messages.slice(1)).toEqual([
      { role: 'assistant', content: 'turn 0' },
      { role: 'user', content: 'turn 1' },
      { role: 'assistant', content: 'turn 2' },
      { role: 'user', content: 'Vous livrez ?' },
    ]);
  });

  it('the model sees the last ten turns only, the current utterance last', () => {
    const messages = ivrChatMessages(bakery, turns(15), { transferAvailable: false });
    expect(messages).toHaveLength(11);
    expect(messages.slice(1).map((m) => m.content)).toEqual(Array.from({ length: 10 }, (_, i) => `turn ${i + 5}`));
  });

  it('a model failure gives the polite fallback line, never an exception', async () => {
    const model = scriptedModel(() => Promise.resolve(err({ kind: 'timeout' as const })));
    const decision = await decideTurn({ company: bakery, utterance: 'Vous livrez ?', transcript: turns(1), phrases, model, options });
    expect(decision).toEqual({ kind: 'fallback', text: phrases.llmFallback, failure: { kind: 'timeout' }, classifier: 'not_asked' });
    const throwing = scriptedModel(() => Promise.reject(new Error('adapter bug')));
    const second = await decideTurn({ company: bakery, utterance: 'Vous livrez ?', transcript: turns(1), phrases, model: throwing, options });
    expect(second).toMatchObject({ kind: 'fallback', failure: { kind: 'provider', message: 'adapter bug' } });
  });

  it('a request for a person in words transfers at once, before keywords and the model', async () => {
    const model = scriptedModel(() => 'x');
    const decision = await decideTurn({ company: transferable, utterance: 'Je veux parler à un conseiller pour mes horaires', transcript: [], phrases, model, options });
    expect(decision).toEqual({ kind: 'transfer', via: 'words' });
    expect(model.requests).toEqual([]);
  });

  it('the classifier (asked beside the reply when a transfer is possible) transfers when it answers yes, in any wording', async () => {
    for (const answer of ['yes', 'Oui.', 'vrai']) {
      const model = scriptedModel((request) => (isClassifierRequest(request) ? answer : 'reply'));
      const decision = await decideTurn({ company: transferable, utterance: 'Je préfère voir ça avec votre collègue', transcript: [], phrases, model, options });
      expect(decision).toEqual({ kind: 'transfer', via: 'classifier' });
      const classifier = model.requests.find(isClassifierRequest);
      expect(classifier).toMatchObject({ maxTokens: 3, temperature: 0, timeoutMs: 3000 });
      expect(classifier?.messages.at(-1)).toEqual({ role: 'user', content: 'Je préfère voir ça avec votre collègue' });
    }
  });

  it('a classifier that says no, is unclear or fails never transfers (the seed transferred on errors)', async () => {
    const cases = [
      { answer: () => 'no', outcome: 'no' },
      { answer: () => 'peut-être', outcome: 'unclear' },
      { answer: () => Promise.resolve(err({ kind: 'rate_limited' as const })), outcome: 'failed:rate_limited' },
    ];
    for (const { answer, outcome } of cases) {
      const model = scriptedModel((request) => (isClassifierRequest(request) ? answer() : 'Voici la réponse.'));
      const decision = await decideTurn({ company: transferable, utterance: 'Vous livrez ?', transcript: [], phrases, model, options });
      expect(decision).toEqual({ kind: 'answer', text: 'Voici la réponse.', source: 'model', classifier: outcome });
    }
  });

  it('the classifier is not asked when no transfer is configured, or when it is disabled', async () => {
    const model = scriptedModel(() => 'Voici la réponse.');
    await decideTurn({ company: bakery, utterance: 'Vous livrez ?', transcript: [], phrases, model, options });
    await decideTurn({ company: transferable, utterance: 'Vous livrez ?', transcript: [], phrases, model, options: { ...options, classifierEnabled: false } });
    expect(model.requests.filter(isClassifierRequest)).toEqual([]);
  });
});
