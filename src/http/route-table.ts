/** One route as registered: what the authorization matrix test walks. HEAD twins of GET routes are left out. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the app, collected as they are registered (`onRoute`). */
    readonly routeTable: readonly RouteEntry[];
  }
}

/** Adds a route to the table (from an `onRoute` hook). */
export function recordRoute(table: RouteEntry[], method: string | readonly string[], url: string): void {
  for (const one of [method].flat()) {
    if (one !== 'HEAD') table.push({ method: one, url });
  }
}
