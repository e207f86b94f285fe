import { afterEach, describe, expect, it } from 'vitest';
import { failure, startFakeOpenAiChat, text, type FakeOpenAiChat } from '../../testing/fake-openai-chat/index.ts';
import type { ChatRequest } from './chat-model.ts';
import { OpenAiChatModel } from './openai-chat-model.ts';

let fake: FakeOpenAiChat | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const request: ChatRequest = { messages: [{ role: 'system', content: 'Soyez bref.' }, { role: 'user', content: 'Bonjour' }], maxTokens: 150, temperature: 0.5, timeoutMs: 2000 };

async function modelAgainst(...replies: Parameters<FakeOpenAiChat['enqueue']>) {
  fake = await startFakeOpenAiChat({ replies });
  return { fake, model: new OpenAiChatModel({ apiKey: fake.apiKey, baseUrl: fake.baseUrl, model: 'gpt-4o-mini' }) };
}

describe('OpenAiChatModel (the official client against the fake upstream)', () => {
  it('sends the model, messages, max_tokens and temperature, and returns the trimmed text', async () => {
    const { fake, model } = await modelAgainst(text('  Bonjour !  '));
    expect(await model.complete(request)).toEqual({ ok: true, value: 'Bonjour !' });
    expect(fake.requests[0]?.body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Soyez bref.' }, { role: 'user', content: 'Bonjour' }], max_tokens: 150, temperature: 0.5 });
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
  });

  it('turns every failure into a value, once (no retries: a caller is waiting)', async () => {
    const { fake, model } = await modelAgainst(failure(429), failure(500), { kind: 'malformed' }, text('   '), { kind: 'timeout' });
    expect(await model.complete(request)).toEqual({ ok: false, error: { kind: 'rate_limited' } });
    expect(await model.complete(request)).toMatchObject({ ok: false, error: { kind: 'provider', status: 500 } });
    expect(await model.complete(request)).toMatchObject({ ok: false, error: { kind: 'provider', status: null } });
    expect(await model.complete(request)).toEqual({ ok: false, error: { kind: 'empty' } });
    expect(await model.complete({ ...request, timeoutMs: 150 })).toEqual({ ok: false, error: { kind: 'timeout' } });
    expect(fake.requests).toHaveLength(5);
  });

  it('a wrong key is a provider failure with status 401', async () => {
    fake = await startFakeOpenAiChat();
    const model = new OpenAiChatModel({ apiKey: 'sk-wrong', baseUrl: fake.baseUrl, model: 'm' });
    expect(await model.complete(request)).toMatchObject({ ok: false, error: { kind: 'provider', status: 401 } });
  });
});
