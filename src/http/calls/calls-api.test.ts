import { describe, expect, it } from 'vitest';
import { upsertTranscriptItem } from '../../store/queries/transcript-items.ts';
import { useAdminApi } from '../../testing/test-application-fixtures.ts';
import type { CallDto } from './schemas.ts';

const admin = useAdminApi();
/** Requests as the tenant's admin. */
const { inject } = admin;

async function createCall(body: Record<string, unknown> = {}): Promise<CallDto> {
  const res = await inject({ method: 'POST', url: '/v1/calls', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<CallDto>();
}

describe('calls API', () => {
  it('creates a call with a server-generated UUID and the default agent snapshot', async () => {
    const call = await createCall({ metadata: { ticket: '42' } });
    expect(call.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(call.status).toBe('created');
    expect(call.agent.engine).toBe('openai-realtime');
    expect(call.metadata).toEqual({ ticket: '42' });
    const fetched = await inject({ url: `/v1/calls/${call.id}` });
    expect(fetched.json()).toEqual(call);
  });

  it('returns the transcript in conversation order', async () => {
    const call = await createCall();
    const tenantId = (await admin.app.database.db.query.calls.findFirst({ where: (c, { eq }) => eq(c.id, call.id) }))!.tenantId;
    for (const [seq, role, text] of [[1, 'assistant', 'Hi there'], [0, 'user', 'Hello']] as const) {
      await upsertTranscriptItem(admin.app.database.db, { tenantId, callId: call.id, seq, role, text, startMs: seq * 1000, endMs: null, interrupted: false });
    }
    const res = await inject({ url: `/v1/calls/${call.id}/transcript` });
    expect(res.json<{ items: { text: string }[] }>().items.map((i) => i.text)).toEqual(['Hello', 'Hi there']);
  });

  it('ends a call idempotently with a reason, then deletes it with its transcript', async () => {
    const call = await createCall();
    const first = await inject({ method: 'POST', url: `/v1/calls/${call.id}/end`, payload: { reason: 'done' } });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ call: { status: 'ended', endReason: 'done' }, transcript: [] });
    const second = await inject({ method: 'POST', url: `/v1/calls/${call.id}/end`, payload: { reason: 'other' } });
    expect(second.json()).toEqual(first.json());
    const noBody = await inject({ method: 'POST', url: `/v1/calls/${call.id}/end` });
    expect(noBody.statusCode).toBe(200);
    expect((await inject({ method: 'DELETE', url: `/v1/calls/${call.id}` })).statusCode).toBe(204);
    const gone = await inject({ url: `/v1/calls/${call.id}/transcript` });
    expect(gone.statusCode).toBe(404);
  });

  it('refuses to delete a call that is not over', async () => {
    const call = await createCall();
    const res = await inject({ method: 'DELETE', url: `/v1/calls/${call.id}` });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'call_in_progress' });
  });

  it('lists newest first with filters and cursor pagination that neither skips nor repeats', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) created.push((await createCall({ userId: 'pager' })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `userId=pager&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await inject({ url: `/v1/calls?${query}` })).json<{ items: CallDto[]; nextCursor: string | null }>();
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([...created].reverse());
    const ended = await inject({ url: '/v1/calls?status=ended&userId=pager' });
    expect(ended.json<{ items: unknown[] }>().items).toHaveLength(0);
    const future = await inject({ url: `/v1/calls?userId=pager&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}` });
    expect(future.json<{ items: unknown[] }>().items).toHaveLength(0);
  });
});

describe('calls API errors', () => {
  it('answers an unknown call with 404 and a stable code', async () => {
    const res = await inject({ url: '/v1/calls/00000000-0000-4000-8000-000000000000' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'call_not_found', message: 'Call not found', requestId: res.headers['x-request-id'] });
  });

  it('rejects malformed input with field-level details', async () => {
    const res = await inject({ method: 'POST', url: '/v1/calls', payload: { agentId: 'nope', channel: 'carrier-pigeon' } });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ code: string; details: { path: string }[] }>();
    expect(body.code).toBe('validation_failed');
    expect(body.details.map((d) => d.path).sort()).toEqual(['body.agentId', 'body.channel']);
  });

  it('rejects unknown fields in bodies and queries', async () => {
    const body = await inject({ method: 'POST', url: '/v1/calls', payload: { agnetId: 'typo' } });
    expect(body.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'body.agnetId', message: 'is not a known field' }] });
    const query = await inject({ url: '/v1/calls?sort=asc' });
    expect(query.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'querystring.sort' }] });
  });

  it('rejects broken JSON, a bad cursor and a malformed call id', async () => {
    const json = await inject({ method: 'POST', url: '/v1/calls', headers: { 'content-type': 'application/json' }, payload: '{"agentId":' });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toMatchObject({ code: 'invalid_json' });
    const cursor = await inject({ url: '/v1/calls?cursor=garbage' });
    expect(cursor.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'querystring.cursor' }] });
    const id = await inject({ url: '/v1/calls/123' });
    expect(id.statusCode).toBe(400);
    expect(id.json()).toMatchObject({ details: [{ path: 'params.callId' }] });
  });

  it('refuses an oversized body with 413 and never returns a stack trace', async () => {
    const res = await inject({ method: 'POST', url: '/v1/calls', payload: { metadata: { a: 'x'.repeat(2 * 1024 * 1024) } } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'payload_too_large' });
    expect(res.body).not.toMatch(/\bat .+:\d+:\d+/);
  });
});
