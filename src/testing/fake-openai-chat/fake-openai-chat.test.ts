import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failure, hang, json, startFakeOpenAiChat, text, type FakeOpenAiChat } from './index.ts';

let fake: FakeOpenAiChat | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(...replies: Parameters<FakeOpenAiChat['enqueue']>): Promise<{ fake: FakeOpenAiChat; client: OpenAI }> {
  fake = await startFakeOpenAiChat({ replies });
  return { fake, client: new OpenAI({ apiKey: fake.apiKey, baseURL: fake.baseUrl, maxRetries: 0 }) };
}

const hello = [{ role: 'user' as const, content: 'Bonjour' }];

describe('fake OpenAI chat completions', () => {
  it('answers a scripted text reply in the shape the official client reads, and records the request', async () => {
    const { fake, client } = await start(text('Bienvenue.'));
    // max_tokens is what the IVR sends (every OpenAI-compatible server reads it).
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, ...hello], max_tokens: 150, temperature: 0.5 });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe('Bienvenue.');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.body).toMatchObject({ model: 'gpt-4o-mini', max_tokens: 150, temperature: 0.5, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Bonjour' }] });
  });

  it('echoes the last user message when nothing is scripted', async () => {
    const { client } = await start();
    const completion = await client.chat.completions.create({ model: 'm', messages: hello });
    expect(completion.choices[0]?.message.content).toBe('You said: Bonjour');
  });

  it('refuses a wrong key with 401 invalid_api_key, before reading the body', async () => {
    fake = await startFakeOpenAiChat();
    const client = new OpenAI({ apiKey: 'sk-wrong', baseURL: fake.baseUrl, maxRetries: 0 });
    const error = await client.chat.completions.create({ model: 'm', messages: hello }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses unknown fields and malformed messages with 400, as the real API does', async () => {
    const { fake } = await start();
    const post = (body: unknown) =>
      fetch(`${fake.baseUrl}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const unknown = await post({ model: 'm', messages: hello, temprature: 1 });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { message: 'Unrecognized request argument supplied: temprature', type: 'invalid_request_error' } });
    expect((await post({ model: 'm', messages: [] })).status).toBe(400);
    expect((await post({ model: 'm', messages: [{ role: 'caller', content: 'x' }] })).status).toBe(400);
    expect((await post({ model: 'm', messages: hello, max_tokens: 0 })).status).toBe(400);
    const notJson = await fetch(`${fake.baseUrl}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(fake.refused.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    expect(fake.requests).toHaveLength(0);
  });

  it('streams as SSE chunks with a usage chunk, which the client accumulates', async () => {
    const { client } = await start(text('Nous ouvrons à neuf heures.'));
    const stream = await client.chat.completions.create({ model: 'm', messages: hello, stream: true, stream_options: { include_usage: true } });
    let content = '';
    let usage: number | undefined;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage.total_tokens;
    }
    expect(content).toBe('Nous ouvrons à neuf heures.');
    expect(usage).toBeGreaterThan(0);
  });

  it('structured outputs: echoes scripted JSON that matches the json_schema', async () => {
    const schema = { type: 'object', properties: { transfer: { type: 'boolean' }, reason: { type: ['string', 'null'] } }, required: ['transfer', 'reason'], additionalProperties: false };
    const { client } = await start(json({ transfer: true, reason: null }));
    const completion = await client.chat.completions.create({ model: 'm', messages: hello, response_format: { type: 'json_schema', json_schema: { name: 'Verdict', schema, strict: true } } });
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({ transfer: true, reason: null });
  });

  it('structured outputs: a strict schema without additionalProperties:false or with a property not required is a 400', async () => {
    const { client, fake } = await start();
    const loose = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a'] };
    const error = await client.chat.completions.create({ model: 'm', messages: hello, response_format: { type: 'json_schema', json_schema: { name: 'Loose', schema: loose, strict: true } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(fake.refused[0]?.message).toMatch(/additionalProperties.*Missing 'b'/s);
  });

  it('structured outputs: scripted JSON that does not match the schema fails loudly (500), so the test notices', async () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false };
    const { client } = await start(json({ n: 'three' }));
    const error = await client.chat.completions.create({ model: 'm', messages: hello, response_format: { type: 'json_schema', json_schema: { name: 'N', schema, strict: true } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as Error).message).toContain('$.n: expected integer, got string');
  });

  it('answers tool calls with serialised arguments', async () => {
    const { client } = await start({ kind: 'tool_calls', calls: [{ name: 'lookup', arguments: { id: 42 } }] });
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: hello,
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { id: { type: 'integer' } } } } }],
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' ? call.function : undefined).toEqual({ name: 'lookup', arguments: '{"id":42}' });
  });

  it('injects failures: 429, 500, a timeout and a malformed body', async () => {
    const { client } = await start(failure(429), failure(500), { kind: 'timeout' }, { kind: 'malformed' });
    const ask = (timeout?: number) => client.chat.completions.create({ model: 'm', messages: hello }, timeout === undefined ? {} : { timeout }).catch((e: unknown) => e);
    expect(await ask()).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await ask()).toBeInstanceOf(OpenAI.InternalServerError);
    expect(await ask(150)).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const malformed = await ask();
    expect(malformed).toBeInstanceOf(Error);
    expect(malformed).not.toBeInstanceOf(OpenAI.APIError);
  });

  it('answers from a responder function once the queue is empty', async () => {
    const { fake, client } = await start(text('first'));
    fake.respondWith((request, index) => text(`${index}:${request.model}`));
    const contents: (string | null | undefined)[] = [];
    for (let i = 0; i < 3; i += 1) contents.push((await client.chat.completions.create({ model: 'x', messages: hello })).choices[0]?.message.content);
    expect(contents).toEqual(['first', '1:x', '2:x']);
  });

  it('holds a hang request until release(), and forgets one whose client went away', async () => {
    const { fake, client } = await start(hang(), hang());
    fake.respondWith(() => text('released'));
    const held = client.chat.completions.create({ model: 'm', messages: hello });
    const abandoned = client.chat.completions.create({ model: 'm', messages: hello }, { timeout: 200 }).catch((e: unknown) => e);
    await vi.waitFor(() => { expect(fake.hanging).toBe(2); });
    expect(await abandoned).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    await vi.waitFor(() => { expect(fake.hanging).toBe(1); });
    expect(fake.release()).toBe(1);
    expect((await held).choices[0]?.message.content).toBe('released');
    expect(fake.hanging).toBe(0);
  });
});
