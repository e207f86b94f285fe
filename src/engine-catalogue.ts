import type { Config } from './config/config.ts';
import { createOpenAIRealtimeEngine } from './engines/openai-realtime/index.ts';
import type { EngineLookup } from './live-calls.ts';
import type { Engine } from './runtime/ports.ts';

/**
 * The engines this server can run, built once from the config. An engine whose key is missing is
 * reported as unavailable with the variable to set; there is no silent fallback to anything else.
 */
export function createEngineLookup(config: Config): EngineLookup {
  const engines = new Map<string, Engine>();
  if (config.openai.apiKey !== undefined) {
    engines.set(
      'openai-realtime',
      createOpenAIRealtimeEngine({ apiKey: config.openai.apiKey, baseUrl: config.openai.baseUrl, model: config.openai.realtimeModel }),
    );
  }
  const missing: Readonly<Record<string, string>> = {
    'openai-realtime': 'OPENAI_API_KEY is not set on this server, so calls on the openai-realtime engine cannot start',
  };
  return (name) => {
    const engine = engines.get(name);
    if (engine) return { engine };
    return { unavailable: missing[name] ?? `The ${name} engine is not available on this server yet` };
  };
}
