import { describe, expect, it } from 'vitest';
import { startTestCall } from '../testing/runtime-fakes/index.ts';

describe('ending a call releases everything it holds', () => {
  it('leaves no timer, listener, task or connection behind', async () => {
    let toolSignal: AbortSignal | null = null;
    const call = await startTestCall({
      agent: { tools: [{ name: 'slow_lookup', description: 'never answers', parameters: {} }] },
      toolRunner: (_call, signal) => {
        toolSignal = signal;
        return new Promise<string>(() => undefined);
      },
    });
    const engine = call.engineSession;
    engine.toolCall('call-1', 'slow_lookup', '{}');
    expect(call.clock.pendingTimers).toBe(3); // warning, hard end, tool timeout
    expect(call.transport.events.listenerCount).toBeGreaterThan(0);
    expect(engine.events.listenerCount).toBeGreaterThan(0);

    await call.session.end('api_request');
    await call.idle();

    expect(call.clock.pendingTimers).toBe(0);
    expect(call.transport.events.listenerCount).toBe(0);
    expect(engine.events.listenerCount).toBe(0);
    expect((toolSignal as AbortSignal | null)?.aborted).toBe(true);
    expect(engine.toolResults).toEqual([]);
    expect(engine.closed).toBe(true);
    expect(call.transport.closed).toBe(true);
    expect(call.session.status).toBe('ended');
  });

  it('closes the engine before the transport and tells the caller before closing it', async () => {
    const order: string[] = [];
    const call = await startTestCall();
    const engine = call.engineSession;
    const closeEngine = engine.close.bind(engine);
    engine.close = () => {
      order.push('engine.close');
      return closeEngine();
    };
    const notify = call.transport.notify.bind(call.transport);
    call.transport.notify = (notice) => {
      if (notice.type === 'call_ended') order.push('notify call_ended');
      notify(notice);
    };
    const closeTransport = call.transport.close.bind(call.transport);
    call.transport.close = (reason) => {
      order.push('transport.close');
      return closeTransport(reason);
    };

    await call.session.end('api_request');

    expect(order).toEqual(['engine.close', 'notify call_ended', 'transport.close']);
  });

  it('ignores engine and transport events after the end', async () => {
    const call = await startTestCall();
    const engine = call.engineSession;
    await call.session.end('api_request');
    const notices = call.transport.notices.length;

    engine.userTranscript('user-1', 'Too late');
    engine.assistantAudio('assistant-1', 100);
    call.transport.hangUp();

    expect(call.transport.notices).toHaveLength(notices);
    expect(call.transport.sentAudio).toEqual([]);
    expect(call.sink.transcript).toEqual([]);
  });
});
