import { describe, expect, it } from 'vitest';
import { useAdminApi } from '../../testing/test-application-fixtures.ts';

const admin = useAdminApi();
/** Requests as the tenant's admin. */
const { inject } = admin;

const schema = {
  type: 'object',
  properties: { name: { type: 'string' }, phone: { type: ['string', 'null'], format: 'email' } },
  required: ['name', 'phone'],
  additionalProperties: false,
};

async function refused(analysis: unknown): Promise<{ path: string; message: string }[]> {
  const res = await inject({ method: 'POST', url: '/v1/agents', payload: { analysis } });
  expect(res.statusCode, JSON.stringify(analysis)).toBe(400);
  const body = res.json<{ code: string; details: { path: string; message: string }[] }>();
  expect(body.code).toBe('validation_failed');
  return body.details;
}

describe('analysis plans at the agent API', () => {
  it('stores a valid plan, returns it, and copies it into the snapshot of each new call', async () => {
    const analysis = {
      model: 'gpt-4.1-mini',
      summary: {},
      extraction: { name: 'booking', schema, prompt: 'Extract the booking.' },
      evaluation: { type: 'pass_fail', criteria: 'The booking was confirmed.' },
      thresholds: { minCallerWords: 3 },
      sink: 'handlehome',
    };
    const created = await inject({ method: 'POST', url: '/v1/agents', payload: { name: 'Bookings', analysis, isDefault: true } });
    expect(created.statusCode).toBe(201);
    const agent = created.json<{ id: string; analysis: unknown }>();
    expect(agent.analysis).toEqual(analysis);
    const call = await inject({ method: 'POST', url: '/v1/calls', payload: { agentId: agent.id } });
    const { id } = call.json<{ id: string }>();
    const row = await admin.app.database.db.query.calls.findFirst({ where: (c, { eq }) => eq(c.id, id) });
    expect(row?.agentSnapshot.analysis).toEqual(analysis);
    const cleared = await inject({ method: 'PATCH', url: `/v1/agents/${agent.id}`, payload: { analysis: {} } });
    expect(cleared.json()).toMatchObject({ analysis: {} });
  });

  it('refuses an invalid JSON Schema with ajv’s message, when the agent is saved', async () => {
    const details = await refused({ extraction: { schema: { type: 'object', properties: { name: { type: 'strnig' } } } } });
    expect(details[0]?.path).toBe('body.analysis.extraction.schema');
    expect(details[0]?.message).toContain('invalid JSON Schema: schema is invalid: data/properties/name/type must be equal to one of the allowed values');
    const typo = await refused({ extraction: { schema: { type: 'object', properties: { name: { type: 'string', maxLenght: 3 } } } } });
    expect(typo[0]?.message).toContain('unknown keyword: "maxLenght"');
    const format = await refused({ extraction: { schema: { type: 'object', properties: { when: { type: 'string', format: 'datetime' } } } } });
    expect(format[0]?.message).toContain('unknown format "datetime"');
    const root = await refused({ extraction: { schema: { type: 'array', items: { type: 'string' } } } });
    expect(root[0]).toEqual({ path: 'body.analysis.extraction.schema.type', message: 'the root of an extraction schema must be "type": "object"' });
  });

  it('refuses strict: true for a schema strict mode would reject, naming what is missing', async () => {
    const details = await refused({ extraction: { strict: true, schema: { type: 'object', properties: { name: { type: 'string' } } } } });
    expect(details.map((d) => d.message)).toEqual([
      'strict: true needs (root) must set additionalProperties to false',
      'strict: true needs (root) must list every property in required (missing: name)',
    ]);
  });

  it('refuses malformed parts: unknown fields, bad rubric bounds, an unknown sink, a sink without extraction, a plan with nothing to do', async () => {
    expect((await refused({ summary: { prompt: 'x' }, sumary: {} }))[0]?.path).toBe('body.analysis.sumary');
    expect(await refused({ evaluation: { type: 'rubric', criteria: 'Polite.', min: 5, max: 1 } })).toEqual([{ path: 'body.analysis.evaluation.max', message: 'must be greater than min' }]);
    expect((await refused({ evaluation: { type: 'stars', criteria: 'Polite.' } }))[0]?.path).toBe('body.analysis.evaluation.type');
    expect((await refused({ summary: {}, sink: 'salesforce' }))[0]?.path).toBe('body.analysis.sink');
    expect(await refused({ summary: {}, sink: 'handlehome' })).toEqual([{ path: 'body.analysis.sink', message: 'a sink writes records from the extraction: add an extraction' }]);
    expect((await refused({ model: 'gpt-4o-mini' }))[0]?.message).toContain('a plan needs a summary, an extraction or an evaluation');
    expect((await refused({ summary: {}, thresholds: { minWords: -1 } }))[0]?.path).toBe('body.analysis.thresholds.minWords');
  });
});
