import { AppError } from '../../core/errors.ts';

/** The public API's base URL, used when `OPENAI_BASE_URL` is not set. */
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

const schemeMap: Readonly<Record<string, string>> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };

/**
 * The Realtime WebSocket URL for `model` under an OpenAI-compatible base URL: `http` becomes `ws`,
 * `https` becomes `wss`, and `/realtime?model=…` is appended to the base path (which normally ends
 * with `/v1`). Throws `engine_not_configured` for a URL that is not http(s) or ws(s).
 */
export function realtimeUrl(baseUrl: string, model: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw new AppError('engine_not_configured', 'The OpenAI base URL is not a valid URL (check OPENAI_BASE_URL)', { cause });
  }
  const scheme = schemeMap[url.protocol];
  if (scheme === undefined) {
    throw new AppError('engine_not_configured', `The OpenAI base URL must use http, https, ws or wss, not ${url.protocol} (check OPENAI_BASE_URL)`);
  }
  if (model.trim() === '') throw new AppError('engine_not_configured', 'The OpenAI Realtime model name is empty');
  const path = url.pathname.replace(/\/+$/, '');
  // Rebuilt rather than assigning `protocol`, which WHATWG URL ignores between some schemes.
  const result = new URL(`${scheme}//${url.host}${path}/realtime`);
  for (const [name, value] of url.searchParams) result.searchParams.append(name, value);
  result.searchParams.set('model', model);
  return result.href;
}

/**
 * Handshake headers for a server-to-server Realtime connection. GA only: no `OpenAI-Beta` header,
 * which would select the removed beta protocol.
 */
export function realtimeHeaders(apiKey: string): Record<string, string> {
  return { Authorization: `Bearer ${apiKey}` };
}
