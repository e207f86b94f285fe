import { describe, expect, it } from 'vitest';
import type { ToolRunner } from './ports.ts';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

const lookupOrder = { name: 'lookup_order', description: 'Finds an order', parameters: { type: 'object' } };

describe('tool calls', () => {
  it('runs the tool, stores a tool turn and returns the result to the engine', async () => {
    const calls: { name: string; arguments: string }[] = [];
    const runner: ToolRunner = (call) => {
      calls.push({ name: call.name, arguments: call.arguments });
      return Promise.resolve('{"status":"shipped"}');
    };
    const call = await startTestCall({ agent: { tools: [lookupOrder] }, toolRunner: runner });
    const engine = call.engineSession;
    engine.speechStarted('user-1');
    engine.userTranscript('user-1', 'Where is order 42?');

    engine.toolCall('call-1', 'lookup_order', '{"id":"42"}');
    await call.idle();

    expect(calls).toEqual([{ name: 'lookup_order', arguments: '{"id":"42"}' }]);
    expect(engine.toolResults).toEqual([{ callId: 'call-1', output: '{"status":"shipped"}' }]);
    expect(call.sink.transcript[1]).toMatchObject({ seq: 1, role: 'tool' });
    expect(JSON.parse(call.sink.transcript[1]?.text ?? '')).toEqual({
      name: 'lookup_order',
      arguments: '{"id":"42"}',
      output: '{"status":"shipped"}',
    });
    expect(call.sink.events).toMatchObject([{ type: 'tool_call', data: { name: 'lookup_order', ok: true } }]);
    // Tool plumbing is not part of the caller's transcript.
    await call.session.end('api_request');
    expect(call.transport.noticesOf('call_ended')[0]?.transcript.map((t) => t.role)).toEqual(['user']);
  });

  it('answers an unknown tool with an error output', async () => {
    const call = await startTestCall({ agent: { tools: [lookupOrder] }, toolRunner: () => Promise.resolve('never') });
    call.engineSession.toolCall('call-1', 'delete_everything', '{}');
    await call.idle();

    expect(call.engineSession.toolResults).toEqual([{ callId: 'call-1', output: '{"error":"unknown tool: delete_everything"}' }]);
    expect(call.session.status).toBe('active');
  });

  it('answers a failing tool with an error output and keeps the call', async () => {
    const call = await startTestCall({
      agent: { tools: [lookupOrder] },
      toolRunner: () => Promise.reject(new Error('database down')),
    });
    call.engineSession.toolCall('call-1', 'lookup_order', '{}');
    await call.idle();

    expect(call.engineSession.toolResults).toEqual([{ callId: 'call-1', output: '{"error":"the tool failed"}' }]);
    expect(call.session.status).toBe('active');
  });

  it('answers a tool that throws synchronously like one that rejects', async () => {
    const call = await startTestCall({
      agent: { tools: [lookupOrder] },
      toolRunner: () => {
        throw new Error('bad arguments');
      },
    });
    call.engineSession.toolCall('call-1', 'lookup_order', 'not json');
    await call.idle();

    expect(call.engineSession.toolResults).toEqual([{ callId: 'call-1', output: '{"error":"the tool failed"}' }]);
  });

  it('gives up on a tool after the timeout and aborts its signal', async () => {
    let signal: AbortSignal | null = null;
    const call = await startTestCall({
      agent: { tools: [lookupOrder] },
      toolRunner: (_call, toolSignal) => {
        signal = toolSignal;
        return new Promise<string>(() => undefined);
      },
      options: { toolTimeoutMs: 5000 },
    });
    call.engineSession.toolCall('call-1', 'lookup_order', '{}');
    call.clock.advance(4999);
    await Promise.resolve();
    expect(call.engineSession.toolResults).toEqual([]);

    call.clock.advance(1);
    await call.idle();

    expect(call.engineSession.toolResults).toEqual([{ callId: 'call-1', output: '{"error":"the tool timed out"}' }]);
    expect((signal as AbortSignal | null)?.aborted).toBe(true);
    expect(call.session.status).toBe('active');
  });
});
