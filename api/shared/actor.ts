/**
 * Who made a write. Every command takes one; the audit log and an update's author record its
 * label, built here and nowhere else. No server imports.
 */

export type Actor =
  /** A person signed in to the desk. */
  | { kind: 'user'; email: string }
  /** An API token from `npm run token`, or (name null) the operator's HERALD_ADMIN_TOKEN. */
  | { kind: 'token'; name: string | null }
  /** A background job acting on the clock's word (maintenance windows starting and ending) or on what monitoring measured (signals). */
  | { kind: 'system'; job: 'maintenance' | 'demo' | 'signals' }
  /** An operator at a terminal (`npm run token`, `npm run user`), named by their OS account. */
  | { kind: 'cli'; command: string; osUser: string }
  /**
   * A monitoring system posting alerts: Alertmanager with a bearer token (its name; null for
   * HERALD_ADMIN_TOKEN), or PagerDuty, which signs its webhooks instead (token null).
   */
  | { kind: 'intake'; source: 'alertmanager' | 'pagerduty'; token: string | null }
  /** Herald following a provider's status page (content/services.json `upstream`): the provider and the URL read. */
  | { kind: 'upstream'; provider: string; url: string };

/**
 * The actor as the audit log and timelines store it. The labels predate the type and are
 * kept as they were, so old audit rows and new ones read alike.
 *
 * @example actorLabel({ kind: 'user', email: 'ann@example.com' }) // 'user:ann@example.com'
 * @example actorLabel({ kind: 'token', name: null }) // 'env:HERALD_ADMIN_TOKEN'
 * @example actorLabel({ kind: 'intake', source: 'alertmanager', token: 'prom' }) // 'intake:alertmanager (prom)'
 * @example actorLabel({ kind: 'upstream', provider: 'Stripe', url: 'https://status.stripe.com/api/v2/components.json' }) // 'upstream:Stripe (https://…)'
 */
export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return `user:${actor.email}`;
    case 'token':
      return actor.name === null ? 'env:HERALD_ADMIN_TOKEN' : `token:${actor.name}`;
    case 'system':
      return actor.job === 'maintenance' ? 'herald (scheduled)' : actor.job === 'signals' ? 'herald (monitoring)' : 'demo';
    case 'cli':
      return `cli:${actor.command} (${actor.osUser})`;
    case 'upstream':
      return `upstream:${actor.provider} (${actor.url})`;
    case 'intake':
      return `intake:${actor.source} (${actor.source === 'pagerduty' ? 'signed webhook' : actor.token === null ? 'env:HERALD_ADMIN_TOKEN' : actor.token})`;
  }
}
