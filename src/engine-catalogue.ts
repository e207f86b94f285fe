import type { Config } from './config/config.ts';
import { createOpenAIRealtimeEngine } from './engines/openai-realtime/index.ts';
import type { EngineLookup } from './live-calls.ts';
import type { Engine } from './runtime/ports.ts';

/** Builds one engine from the config, or says why it cannot run here (the variable to set). */
type EngineBuilder = (config: Config) => Engine | { readonly unavailable: string };

/**
 * Every engine this server implements, by the name agents use. Adding an engine here is all it
 * takes for agents to accept it: {@link implementedEngines} is derived from these keys.
 */
const engineBuilders: Readonly<Record<string, EngineBuilder>> = {
  'openai-realtime': (config) =>
    config.openai.apiKey === undefined
      ? { unavailable: 'OPENAI_API_KEY is not set on this server, so calls on the openai-realtime engine cannot start' }
      : createOpenAIRealtimeEngine({ apiKey: config.openai.apiKey, baseUrl: config.openai.baseUrl, model: config.openai.realtimeModel }),
};

/** The names of the engines this server implements (configured or not): what an agent may name. */
export const implementedEngines: readonly string[] = Object.freeze(Object.keys(engineBuilders));

/**
 * The engines this server can run, built once from the config. An engine whose key is missing is
 * reported as unavailable with the variable to set; there is no silent fallback to anything else.
 */
export function createEngineLookup(config: Config): EngineLookup {
  const built = new Map(Object.entries(engineBuilders).map(([name, build]) => [name, build(config)]));
  return (name) => {
    const engine = built.get(name);
    if (engine === undefined) return { unavailable: `The ${name} engine is not available on this server yet` };
    return 'unavailable' in engine ? engine : { engine };
  };
}
