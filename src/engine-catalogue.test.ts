import { describe, expect, it } from 'vitest';
import { parseConfig } from './config/config.ts';
import { createEngineLookup, implementedEngines } from './engine-catalogue.ts';

describe('the engine catalogue', () => {
  it('lists the engines it can build, configured or not', () => {
    expect(implementedEngines).toEqual(['openai-realtime']);
  });

  it('builds a configured engine, and names the variable a missing one needs', () => {
    const configured = createEngineLookup(parseConfig({ OPENAI_API_KEY: 'sk-test' }))('openai-realtime');
    expect('engine' in configured && configured.engine.name).toBeTruthy();
    expect(createEngineLookup(parseConfig({}))('openai-realtime')).toEqual({ unavailable: expect.stringContaining('OPENAI_API_KEY') as string });
    expect(createEngineLookup(parseConfig({}))('local')).toEqual({ unavailable: 'The local engine is not available on this server yet' });
  });
});
