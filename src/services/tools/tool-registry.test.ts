import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { snapshotAgent } from '../calls.ts';
import { silentLogger } from '../../testing/runtime-fakes/test-logger.ts';
import type { AgentRow } from '../../store/schema/agents.ts';
import { defineTool, ToolRegistry, type ToolContext } from './tool-registry.ts';

const agent = snapshotAgent({ id: 'a', name: 'Agent', instructions: '', voice: 'marin', language: 'en', engine: 'openai-realtime', engineOptions: {}, tools: [], maxDurationS: 60, warningBeforeEndS: 0, warningMessage: null } as unknown as AgentRow);

describe('the tool registry', () => {
  it('runs a tool by name with parsed arguments and the call it runs for, and returns its result as JSON', async () => {
    const seen: { ctx: Omit<ToolContext, 'signal'>; args: { n: number } }[] = [];
    const double = defineTool({
      name: 'double',
      args: z.object({ n: z.number() }),
      run: (ctx, args) => {
        seen.push({ ctx: { tenantId: ctx.tenantId, callId: ctx.callId, agent: ctx.agent }, args });
        return Promise.resolve({ result: args.n * 2 });
      },
    });
    const runner = new ToolRegistry([double], silentLogger()).runnerFor({ tenantId: 't1', callId: 'c1', agent });
    expect(await runner({ name: 'double', arguments: '{"n": 21}' }, new AbortController().signal)).toBe('{"result":42}');
    expect(seen).toEqual([{ ctx: { tenantId: 't1', callId: 'c1', agent }, args: { n: 21 } }]);
    expect(JSON.parse(await runner({ name: 'double', arguments: '{"n": "x"}' }, new AbortController().signal))).toMatchObject({ error: 'invalid arguments', details: [{ path: 'n' }] });
    expect(JSON.parse(await runner({ name: 'double', arguments: 'not json' }, new AbortController().signal))).toEqual({ error: 'the arguments are not valid JSON' });
    expect(JSON.parse(await runner({ name: 'triple', arguments: '{}' }, new AbortController().signal))).toEqual({ error: 'the tool triple is not implemented on this server' });
    expect(seen).toHaveLength(1);
  });

  it('refuses two implementations with one name', () => {
    const tool = defineTool({ name: 'same', args: z.object({}), run: () => Promise.resolve(null) });
    expect(() => new ToolRegistry([tool, tool], silentLogger())).toThrow(/two tool implementations are named same/);
  });
});
