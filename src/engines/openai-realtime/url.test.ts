import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.ts';
import { DEFAULT_OPENAI_BASE_URL, realtimeHeaders, realtimeUrl } from './url.ts';

describe('realtime URL derivation', () => {
  it('turns https into wss and appends /realtime?model= to the public API base', () => {
    expect(realtimeUrl(DEFAULT_OPENAI_BASE_URL, 'gpt-realtime-2')).toBe('wss://api.openai.com/v1/realtime?model=gpt-realtime-2');
  });

  it('turns http into ws for a local gateway and keeps its port and path', () => {
    expect(realtimeUrl('http://127.0.0.1:8080/v1', 'gpt-realtime-2')).toBe('ws://127.0.0.1:8080/v1/realtime?model=gpt-realtime-2');
    expect(realtimeUrl('http://gateway.local/openai/v1/', 'm')).toBe('ws://gateway.local/openai/v1/realtime?model=m');
  });

  it('keeps ws and wss, encodes the model and keeps existing query parameters', () => {
    expect(realtimeUrl('wss://proxy.example/v1', 'a b')).toBe('wss://proxy.example/v1/realtime?model=a+b');
    expect(realtimeUrl('https://azure.example/openai/v1?api-version=2026-01-01', 'gpt-realtime-2')).toBe(
      'wss://azure.example/openai/v1/realtime?api-version=2026-01-01&model=gpt-realtime-2',
    );
  });

  it('rejects unusable URLs and empty models as configuration errors', () => {
    expect(() => realtimeUrl('not a url', 'm')).toThrow(AppError);
    expect(() => realtimeUrl('ftp://x/v1', 'm')).toThrow(/http, https, ws or wss/);
    expect(() => realtimeUrl('https://x/v1', ' ')).toThrow(/model/);
  });

  it('authenticates with a bearer key and never asks for the removed beta protocol', () => {
    const headers = realtimeHeaders('sk-test');
    expect(headers).toEqual({ Authorization: 'Bearer sk-test' });
    expect(Object.keys(headers).map((name) => name.toLowerCase())).not.toContain('openai-beta');
  });
});
