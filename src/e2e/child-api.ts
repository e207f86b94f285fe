import { randomUUID } from 'node:crypto';

/**
 * The server's REST API from a test, as JSON: `init.body` is sent as JSON with `init.token` as a bearer
 * token; any status of 300 or more throws with the path and the answer.
 */
export async function api<T>(baseUrl: string, path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (response.status >= 300) throw new Error(`${path}: ${String(response.status)} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Signs up a new tenant `tenantName` (a fresh `<label>-…@test.example` admin); returns the admin's access token and the tenant. */
export async function registerTenant(baseUrl: string, label: string, tenantName: string): Promise<{ accessToken: string; tenant: { id: string } }> {
  return api(baseUrl, '/v1/auth/register', {
    method: 'POST',
    body: { email: `${label}-${randomUUID()}@test.example`, password: randomUUID(), tenantName },
  });
}
