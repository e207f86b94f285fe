/**
 * What the primary and its workers say to each other over the cluster's IPC channel, besides the
 * `sticky:*` messages of `@socket.io/sticky` (connections handed over, polling sessions bound).
 */
export type ClusterMessage =
  /** Worker → primary: the application is built and takes connections. */
  | { readonly type: 'switchboard:worker-ready' }
  /** Primary → worker: close the application (as a single process does on SIGTERM) and exit. */
  | { readonly type: 'switchboard:shutdown' };

export function isClusterMessage<T extends ClusterMessage['type']>(message: unknown, type: T): message is Extract<ClusterMessage, { type: T }> {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/** Whether an IPC message belongs to `@socket.io/sticky`'s protocol. */
export function isStickyMessage(message: unknown): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const type = (message as { type?: unknown }).type;
  return typeof type === 'string' && type.startsWith('sticky:');
}
