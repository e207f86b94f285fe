/**
 * One tool call round trip: run the agent's tool (bounded by a timeout and the call's own abort
 * signal), store a `tool` turn, give the result to the engine. An unknown tool, a failing runner or a
 * timeout becomes an error output the model can talk about; nothing here can end the call.
 */
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { EngineSession, ToolDefinition, ToolRunner } from './ports.ts';
import type { Transcript } from './transcript.ts';

export interface ToolCallDeps {
  readonly engine: EngineSession;
  readonly transcript: Transcript;
  readonly tools: readonly ToolDefinition[];
  readonly runner: ToolRunner | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The call's signal: aborted when the call ends. */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly relMs: (atMs: number) => number;
  /** Records the outcome in the call's event log. */
  readonly record: (data: Record<string, unknown>) => void;
}

export interface ToolCall {
  readonly callId: string;
  readonly name: string;
  readonly arguments: string;
  readonly atMs: number;
}

interface ToolOutcome {
  readonly ok: boolean;
  readonly output: string;
}

/** Runs the call to completion. Never rejects; after the call ends it stores and sends nothing. */
export async function runToolCall(deps: ToolCallDeps, call: ToolCall): Promise<void> {
  deps.transcript.toolStarted(call.callId, deps.relMs(call.atMs));
  const startedAtMs = deps.clock.nowMs();
  const outcome = await executeTool(deps, call);
  if (deps.signal.aborted) return;
  const nowMs = deps.clock.nowMs();
  const text = JSON.stringify({ name: call.name, arguments: call.arguments, output: outcome.output });
  deps.transcript.toolDone(call.callId, text, deps.relMs(nowMs));
  deps.record({ name: call.name, ok: outcome.ok, durationMs: nowMs - startedAtMs });
  deps.engine.sendToolResult({ callId: call.callId, output: outcome.output });
}

/** The output string the engine gets when a tool could not run. */
export function toolErrorOutput(message: string): string {
  return JSON.stringify({ error: message });
}

async function executeTool(deps: ToolCallDeps, call: ToolCall): Promise<ToolOutcome> {
  const runner = deps.runner;
  if (runner === undefined || !deps.tools.some((tool) => tool.name === call.name)) {
    deps.logger.warn({ tool: call.name }, 'engine called an unknown tool');
    return { ok: false, output: toolErrorOutput(`unknown tool: ${call.name}`) };
  }
  if (deps.signal.aborted) return { ok: false, output: toolErrorOutput('the call ended') };
  const controller = new AbortController();
  const abort = (): void => {
    controller.abort();
  };
  deps.signal.addEventListener('abort', abort, { once: true });
  let cancelTimer = (): void => undefined;
  try {
    const stopped = new Promise<ToolOutcome>((resolve) => {
      cancelTimer = deps.clock.setTimer(deps.timeoutMs, () => {
        resolve({ ok: false, output: toolErrorOutput('the tool timed out') });
        controller.abort();
      });
      controller.signal.addEventListener('abort', () => {
        resolve({ ok: false, output: toolErrorOutput('the call ended') });
      });
    });
    // Started in a microtask so a runner that throws synchronously is handled like a rejection.
    const ran = Promise.resolve()
      .then(() => runner({ name: call.name, arguments: call.arguments }, controller.signal))
      .then(
      (output): ToolOutcome => ({ ok: true, output }),
      (error: unknown): ToolOutcome => {
        deps.logger.warn({ err: error, tool: call.name }, 'tool failed');
        return { ok: false, output: toolErrorOutput('the tool failed') };
      },
    );
    return await Promise.race([ran, stopped]);
  } finally {
    cancelTimer();
    deps.signal.removeEventListener('abort', abort);
  }
}
