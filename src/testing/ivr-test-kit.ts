import { ok } from '../core/result.ts';
import type { Company } from '../services/companies/companies.ts';
import { profileDocuments } from '../services/companies/documents.ts';
import type { ChatModel, ChatRequest } from '../services/ivr/chat-model.ts';

/** A company with the defaults of a fresh profile (French, Paris hours), changed by `overrides`. */
export function testCompany(overrides: Partial<Company> = {}): Company {
  const doc = profileDocuments;
  const at = new Date('2026-01-01T00:00:00Z');
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'Boulangerie Martin',
    slug: 'boulangerie-martin',
    description: null,
    phone: null,
    email: null,
    website: null,
    address: null,
    settings: {},
    businessHours: doc.businessHours.fallback,
    voiceConfig: doc.voiceConfig.fallback,
    customResponses: [],
    transferSettings: doc.transferSettings.fallback,
    voiceAssistant: doc.voiceAssistant.fallback,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** A `ChatModel` answering from a function, recording every request. */
export function scriptedModel(answer: (request: ChatRequest) => ReturnType<ChatModel['complete']> | string): ChatModel & { readonly requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    requests,
    complete(request) {
      requests.push(request);
      const result = answer(request);
      return typeof result === 'string' ? Promise.resolve(ok(result)) : result;
    },
  };
}

/** Whether a request is the transfer classifier's (its system prompt asks for yes or no). */
export function isClassifierRequest(request: ChatRequest): boolean {
  return request.messages[0]?.content.includes('Answer with the single English word yes or no') ?? false;
}
