/**
 * The last word on WebSocket upgrades: one that no endpoint claims (a wrong path, a trailing slash)
 * is answered 404 at once. Without it nobody answers: each endpoint leaves other paths to the others,
 * and Socket.IO's engine drops an unclaimed upgrade only after its grace time (15 s), with no HTTP
 * answer at all, so a client with a typo in its URL just saw a timeout.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { refuseUpgrade, ROUTE_NOT_FOUND, upgradeUrl } from './upgrade-refusal.ts';

/** Whether an upgrade to `url` belongs to an endpoint. */
export type UpgradeClaim = (url: URL) => boolean;

/** Answers 404 to every upgrade no claim matches; returns the function that stops it. */
export function answerUnclaimedUpgrades(httpServer: HttpServer, claims: readonly UpgradeClaim[]): () => void {
  const onUpgrade = (request: IncomingMessage, socket: Duplex): void => {
    const url = upgradeUrl(request);
    if (url !== null && claims.some((claim) => claim(url))) return;
    refuseUpgrade(socket, ROUTE_NOT_FOUND);
  };
  httpServer.on('upgrade', onUpgrade);
  return () => {
    httpServer.off('upgrade', onUpgrade);
  };
}
