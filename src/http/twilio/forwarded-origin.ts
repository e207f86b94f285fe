/**
 * The public origin a trusted reverse proxy reports (`X-Forwarded-Proto`, `X-Forwarded-Host`), for
 * rebuilding the URL Twilio signed. Headers are honoured only when `TRUST_PROXY` trusts the peer that
 * sent them (the same rule Fastify applies to `X-Forwarded-For`); otherwise anyone could claim any
 * host and replay a request Twilio signed for another URL.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { TrustProxy } from '../../config/security.ts';

/** Whether `TRUST_PROXY` trusts the immediate peer `address` (hop 0). */
export function trustsPeer(trust: TrustProxy, address: string | undefined): boolean {
  if (typeof trust === 'boolean') return trust;
  if (typeof trust === 'number') return trust >= 1;
  if (address === undefined) return false;
  const peer = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(peer);
  if (family === 0) return false;
  const list = new BlockList();
  for (const entry of trust) {
    const [ip = '', prefix] = entry.split('/');
    const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(prefix), type);
  }
  return list.check(peer, family === 6 ? 'ipv6' : 'ipv4');
}

/** The last value of a possibly repeated, comma-joined header: the one the nearest (trusted) proxy added. */
function lastEntry(value: string | readonly string[] | undefined): string | undefined {
  const joined = typeof value === 'string' ? value : value?.join(',');
  const last = joined?.split(',').at(-1)?.trim();
  return last === undefined || last === '' ? undefined : last;
}

const schemePattern = /^(https?|wss?)$/i;
const hostPattern = /^[A-Za-z0-9.:[\]-]{1,255}$/;

/**
 * `proto://host` as a trusted proxy forwarded it, or `undefined` when the peer is not trusted or sent
 * no forwarding header. A proxy that sets only `X-Forwarded-Proto` keeps the original `Host`.
 */
export function forwardedOrigin(headers: IncomingHttpHeaders, peerAddress: string | undefined, trust: TrustProxy): string | undefined {
  if (!trustsPeer(trust, peerAddress)) return undefined;
  const proto = lastEntry(headers['x-forwarded-proto']);
  const forwardedHost = lastEntry(headers['x-forwarded-host']);
  if (proto === undefined && forwardedHost === undefined) return undefined;
  const host = forwardedHost ?? headers.host;
  if (host === undefined || !hostPattern.test(host)) return undefined;
  const scheme = proto !== undefined && schemePattern.test(proto) ? proto.toLowerCase().replace(/^ws/, 'http') : 'http';
  return `${scheme}://${host}`;
}
