import { describe, expect, it } from 'vitest';
import { useAdminApi } from '../../testing/test-application-fixtures.ts';

/** Requests as the tenant's admin. */
const { inject } = useAdminApi();

describe('agents API', () => {
  it('creates from a template with overrides, updates partially and deletes', async () => {
    const created = await inject({
      method: 'POST',
      url: '/v1/agents',
      payload: { template: 'aero-english-tutor', voice: 'coral' },
    });
    expect(created.statusCode).toBe(201);
    const agent = created.json<{ id: string; name: string; voice: string; maxDurationS: number; warningBeforeEndS: number }>();
    expect(agent).toMatchObject({ name: 'Aero English tutor', voice: 'coral', maxDurationS: 300, warningBeforeEndS: 15 });
    const patched = await inject({ method: 'PATCH', url: `/v1/agents/${agent.id}`, payload: { language: 'fr' } });
    expect(patched.json()).toMatchObject({ voice: 'coral', language: 'fr' });
    const list = await inject({ url: '/v1/agents' });
    expect(list.json<{ items: { id: string }[] }>().items.map((a) => a.id)).toContain(agent.id);
    expect((await inject({ method: 'DELETE', url: `/v1/agents/${agent.id}` })).statusCode).toBe(204);
    expect((await inject({ url: `/v1/agents/${agent.id}` })).json()).toMatchObject({ code: 'agent_not_found' });
  });

  it('makes a new default replace the previous one, and calls use it', async () => {
    const created = await inject({ method: 'POST', url: '/v1/agents', payload: { name: 'Default now', isDefault: true } });
    const { id } = created.json<{ id: string }>();
    const call = await inject({ method: 'POST', url: '/v1/calls', payload: {} });
    expect(call.json()).toMatchObject({ agentId: id, agent: { name: 'Default now' } });
    const again = await inject({ method: 'POST', url: '/v1/agents', payload: { name: 'Newer default', isDefault: true } });
    expect(again.statusCode).toBe(201);
    expect((await inject({ url: `/v1/agents/${id}` })).json()).toMatchObject({ isDefault: false });
  });

  it('refuses a warning that does not come before the end', async () => {
    const res = await inject({ method: 'POST', url: '/v1/agents', payload: { maxDurationS: 60, warningBeforeEndS: 60 } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ details: [{ path: 'body.warningBeforeEndS' }] });
  });

  it('refuses an engine the server does not implement, at creation and update, listing those it does', async () => {
    for (const engine of ['local', 'gemini-live', 'pipeline', 'no-such-engine']) {
      const res = await inject({ method: 'POST', url: '/v1/agents', payload: { engine } });
      expect(res.statusCode, engine).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'engine_not_available',
        message: `The engine "${engine}" is not available on this server; implemented engines: openai-realtime`,
        details: [{ path: 'body.engine', message: 'must be one of openai-realtime' }],
      });
    }
    const created = (await inject({ method: 'POST', url: '/v1/agents', payload: { engine: 'openai-realtime' } })).json<{ id: string }>();
    const patched = await inject({ method: 'PATCH', url: `/v1/agents/${created.id}`, payload: { engine: 'gemini-live' } });
    expect(patched.json()).toMatchObject({ code: 'engine_not_available' });
    expect((await inject({ url: `/v1/agents/${created.id}` })).json()).toMatchObject({ engine: 'openai-realtime' });
  });
});
