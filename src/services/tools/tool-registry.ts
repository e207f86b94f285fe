import type { z } from 'zod';
import type { Logger } from '../../core/logger.ts';
import type { ToolRunner } from '../../runtime/ports.ts';
import type { AgentSnapshot } from '../../store/schema/calls.ts';

/** Who a tool runs for: the call's tenant, the call, and its agent as it was when the call started. */
export interface ToolContext {
  readonly tenantId: string;
  readonly callId: string;
  readonly agent: AgentSnapshot;
  /** Aborted when the call ends or the tool times out. */
  readonly signal: AbortSignal;
}

/**
 * A tool an agent may declare by `name`. `run` gets arguments already parsed with `args`; what it
 * returns is given to the model as JSON. Expected refusals ("that slot is taken") are results the
 * model can talk about, not throws; a throw becomes a generic "the tool failed".
 */
export interface ToolImplementation<A = unknown> {
  readonly name: string;
  readonly args: z.ZodType<A>;
  run(ctx: ToolContext, args: A): Promise<unknown>;
}

/** Keeps the argument type of one implementation while listing several of different types. */
export function defineTool<A>(tool: ToolImplementation<A>): ToolImplementation {
  return tool;
}

function errorOutput(message: string, details?: unknown): string {
  return JSON.stringify(details === undefined ? { error: message } : { error: message, details });
}

/**
 * The tool implementations of this server by name. A call gets a `ToolRunner` bound to its tenant,
 * id and agent; the runtime calls it only for tools the agent declares.
 */
export class ToolRegistry {
  readonly #tools: ReadonlyMap<string, ToolImplementation>;
  readonly #logger: Logger;

  constructor(tools: readonly ToolImplementation[], logger: Logger) {
    const byName = new Map<string, ToolImplementation>();
    for (const tool of tools) {
      if (byName.has(tool.name)) throw new Error(`two tool implementations are named ${tool.name}`);
      byName.set(tool.name, tool);
    }
    this.#tools = byName;
    this.#logger = logger;
  }

  get names(): readonly string[] {
    return [...this.#tools.keys()];
  }

  /** A runner for one call. Bad JSON or arguments that do not fit come back as an error the model can correct. */
  runnerFor(call: Omit<ToolContext, 'signal'>): ToolRunner {
    return async ({ name, arguments: raw }, signal) => {
      const tool = this.#tools.get(name);
      if (!tool) return errorOutput(`the tool ${name} is not implemented on this server`);
      let json: unknown;
      try {
        json = raw.trim() === '' ? {} : JSON.parse(raw);
      } catch {
        return errorOutput('the arguments are not valid JSON');
      }
      const parsed = tool.args.safeParse(json);
      if (!parsed.success) {
        const details = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
        return errorOutput('invalid arguments', details);
      }
      const result = await tool.run({ ...call, signal }, parsed.data);
      this.#logger.debug({ tool: name, callId: call.callId }, 'tool ran');
      return JSON.stringify(result);
    };
  }
}
