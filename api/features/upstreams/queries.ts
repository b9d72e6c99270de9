/**
 * Reading what Herald knows of the providers: for the site (each service's provider, by slug)
 * and for /healthz (which providers cannot be read).
 */
import type { Executor } from '../../platform/db/client.ts';
import { providerPage } from './rules.ts';
import type { UpstreamView } from './schemas.ts';
import { listUpstreamRows } from './store.ts';

/** Every live service's provider, by service slug, with the link to the provider's page. */
export async function listUpstreams(db: Executor): Promise<Map<string, UpstreamView>> {
  const rows = await listUpstreamRows(db);
  return new Map([...rows].map(([slug, row]) => [slug, { ...row, pageUrl: providerPage(row.url) }]));
}

/** A provider that cannot be read, as /healthz names it. */
export type UnreadableUpstream = { service: string; provider: string; url: string; since: string | null; error: string | null; statusUnknown: boolean };

/**
 * The providers' health: `ok` while every provider was read at its last poll, `unreadable` with
 * each one that was not (and whether it has been so long that the page says "status unknown");
 * null when the catalogue names none.
 */
export async function readUpstreamHealth(db: Executor): Promise<{ state: 'ok' | 'unreadable'; unreadable: UnreadableUpstream[] } | null> {
  const all = await listUpstreams(db);
  if (all.size === 0) return null;
  const unreadable = [...all]
    .filter(([, u]) => u.lastError !== null || !u.known)
    .map(([service, u]) => ({ service, provider: u.provider, url: u.url, since: u.unreadableSince, error: u.lastError, statusUnknown: !u.known }));
  return { state: unreadable.length ? 'unreadable' : 'ok', unreadable };
}
