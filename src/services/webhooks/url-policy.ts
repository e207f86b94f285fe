import { BlockList, isIP } from 'node:net';
import { err, ok, type Result } from '../../core/result.ts';

/**
 * Where webhooks may go. In production: `https` only, and no loopback, private, link-local or other
 * internal address (an endpoint URL must not become a way to reach the server's own network, SSRF).
 * Development and test allow both, so a receiver on localhost works.
 */
export interface WebhookUrlPolicy {
  readonly requireHttps: boolean;
  readonly allowPrivateNetworks: boolean;
}

const internal = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  internal.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address is loopback, private, link-local or otherwise not on the public internet (IPv4-mapped IPv6 included). */
export function isInternalAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 4) return internal.check(bare, 'ipv4');
  if (family === 6) return internal.check(bare, 'ipv6');
  return false;
}

const maxUrlLength = 2_048;

/**
 * Checks an endpoint URL against the policy; the error says what is wrong. Host names are checked
 * again at delivery, on the addresses they resolve to (`guardedLookup`), so a name that later points
 * inside is refused then too.
 */
export function checkWebhookUrl(raw: string, policy: WebhookUrlPolicy): Result<URL, string> {
  if (raw.length > maxUrlLength) return err(`must be at most ${String(maxUrlLength)} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return err('is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return err('must be an http(s) URL');
  if (policy.requireHttps && url.protocol !== 'https:') return err('must use https');
  if (url.hash !== '') return err('must not have a #fragment');
  if (!policy.allowPrivateNetworks) {
    const host = url.hostname.toLowerCase();
    if (host === 'localhost' || host.endsWith('.localhost') || isInternalAddress(host)) {
      return err('must not point to a loopback, private or link-local address');
    }
  }
  return ok(url);
}
