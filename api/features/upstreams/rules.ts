/**
 * The rules of following a provider's status page, pure (the clock is passed in): which
 * component of the provider's document is the service, what one poll does to what Herald
 * knows, when to poll again, whether the service's status follows, and what readers are shown.
 */
import type { ServiceStatus } from '../../shared/vocabulary.ts';
import { SERVICE_STATUSES } from '../../shared/vocabulary.ts';
import {
  type DisplayStatus,
  type Reading,
  StatuspageComponentsDocument,
  StatuspageIncidentsDocument,
  type UpstreamIncident,
  type UpstreamSource,
  type UpstreamState,
} from './schemas.ts';

/**
 * Failed reads in a row after which the provider's status is unknown: one failed read is a
 * blip, two may be; from the third ("more than a couple of polls") the page says so.
 */
export const UNREADABLE_AFTER = 3;
/** The longest wait between two reads of a provider that cannot be read (backoff), unless its Retry-After asks for longer. */
export const MAX_BACKOFF_MS = 10 * 60_000;
/** The longest Retry-After honoured: a provider cannot silence Herald for a day. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;
/** The longest one read may take, everything included (each read of a poll: components, then incidents). */
export const READ_TIMEOUT_MS = 10_000;

/** Before any read: nothing known. */
export const FIRST_STATE: UpstreamState = {
  upstreamStatus: null,
  known: false,
  failures: 0,
  lastError: null,
  lastReadAt: null,
  checkedAt: null,
  unreadableSince: null,
  incident: null,
};

/**
 * The service's component in a provider's `components.json`: matched by id, else by name
 * (ignoring case and surrounding spaces); groups are components too. Anything else — not JSON
 * of that shape, no such component, a status Statuspage does not have — is a failed read, saying why.
 * @example readComponent('{"components":[{"id":"x1","name":"API","status":"major_outage"}]}', 'api')
 * // { kind: 'read', status: 'major_outage', name: 'API', id: 'x1' }
 */
export function readComponent(body: string, component: string): Reading {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'failed', error: 'the answer is not JSON' };
  }
  const parsed = StatuspageComponentsDocument.safeParse(json);
  if (!parsed.success) return { kind: 'failed', error: 'the answer has no "components" list of Statuspage components' };
  const wanted = component.trim().toLowerCase();
  const list = parsed.data.components;
  const found = list.find((c) => c.id === component) ?? list.find((c) => c.name.trim().toLowerCase() === wanted);
  if (!found) return { kind: 'failed', error: `no component "${component}" among its ${list.length} (by id or name)` };
  if (!(SERVICE_STATUSES as readonly string[]).includes(found.status))
    return { kind: 'failed', error: `component "${found.name}" has status "${found.status}", which is not a Statuspage status` };
  return { kind: 'read', status: found.status as ServiceStatus, name: found.name, id: found.id };
}

/**
 * Where the provider lists its open incidents, beside the components.json (or summary.json)
 * declared; null for a URL of another shape (no incident is linked then).
 * @example incidentsUrl('https://status.payco.example/api/v2/components.json') // 'https://status.payco.example/api/v2/incidents/unresolved.json'
 */
export function incidentsUrl(componentsUrl: string): string | null {
  const url = new URL(componentsUrl);
  if (!/\/api\/v2\/(components|summary)\.json$/.test(url.pathname)) return null;
  url.pathname = url.pathname.replace(/(components|summary)\.json$/, 'incidents/unresolved.json');
  return url.toString();
}

/**
 * The provider's open incident that names the component (by id), from its
 * `incidents/unresolved.json`: the newest listed first, as Statuspage lists them. Null when
 * none names it, when the document is not of that shape, or when its link is not http(s) —
 * another company's text is shown as text, and its link only when it is a web link.
 * @example findIncident('{"incidents":[{"name":"Card declines","status":"identified","shortlink":"https://stspg.io/x","components":[{"id":"k1","name":"Cards"}]}]}', 'k1')
 * // { name: 'Card declines', url: 'https://stspg.io/x' }
 */
export function findIncident(body: string, componentId: string): UpstreamIncident | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = StatuspageIncidentsDocument.safeParse(json);
  if (!parsed.success) return null;
  const incident = parsed.data.incidents.find((i) => i.status !== 'resolved' && i.status !== 'postmortem' && i.components.some((c) => c.id === componentId));
  const link = incident?.shortlink ? URL.parse(incident.shortlink) : null;
  if (!incident || !link || (link.protocol !== 'https:' && link.protocol !== 'http:')) return null;
  return { name: incident.name.slice(0, 200), url: link.toString() };
}

/**
 * What Herald knows after one poll at `now`. A good read (or a 304 after one) makes the status
 * known; failed reads count up, and from the UNREADABLE_AFTER-th in a row the status is unknown —
 * never the last one read passed off as current.
 * @example nextState({ ...FIRST_STATE, known: true, upstreamStatus: 'operational', failures: 2 }, { kind: 'failed', error: 'timeout' }, now).known // false
 */
export function nextState(previous: UpstreamState, reading: Reading, now: Date): UpstreamState {
  const at = now.toISOString();
  if (reading.kind === 'read' || (reading.kind === 'not-modified' && previous.upstreamStatus !== null)) {
    return {
      upstreamStatus: reading.kind === 'read' ? reading.status : previous.upstreamStatus,
      known: true,
      failures: 0,
      lastError: null,
      lastReadAt: at,
      checkedAt: at,
      unreadableSince: null,
      incident: reading.kind === 'read' ? (reading.incident ?? null) : previous.incident,
    };
  }
  const error = reading.kind === 'failed' ? reading.error : 'answered 304 Not Modified before any full answer';
  const failures = previous.failures + 1;
  return {
    ...previous,
    known: previous.upstreamStatus !== null && failures < UNREADABLE_AFTER,
    failures,
    lastError: error,
    checkedAt: at,
    unreadableSince: previous.unreadableSince ?? at,
  };
}

/**
 * How long to wait before the next read: the poll interval while reads succeed and until the
 * status is unknown; then twice as long after each further failure, up to MAX_BACKOFF_MS (or the
 * poll interval, if longer) — a provider that is down is not hammered. A Retry-After is honoured
 * (up to an hour) when longer.
 * @example nextDelay(60_000, 4) // 120_000
 */
export function nextDelay(pollMs: number, failures: number, retryAfterMs?: number): number {
  const backoff = failures < UNREADABLE_AFTER ? pollMs : Math.min(pollMs * 2 ** (failures - UNREADABLE_AFTER + 1), Math.max(MAX_BACKOFF_MS, pollMs));
  return Math.max(backoff, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/**
 * Retry-After as milliseconds from `now`: seconds, or an HTTP date; undefined when absent or unreadable.
 * @example retryAfterMs('120', new Date()) // 120_000
 */
export function retryAfterMs(header: string | undefined, now: Date): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * The status the service should be set to after a poll, or null to leave it. A person's word
 * wins: while an open incident names the service, its status is the incident's to set, and the
 * mirror waits (it follows again at the first poll after the incident is resolved). An unknown
 * provider changes nothing (the last status read stays; the page says it is unknown).
 * @example mirroredStatus({ followStatus: true, state: { ...FIRST_STATE, known: true, upstreamStatus: 'major_outage' }, current: 'operational', openIncidents: 0 }) // 'major_outage'
 */
export function mirroredStatus(input: { followStatus: boolean; state: UpstreamState; current: ServiceStatus; openIncidents: number }): ServiceStatus | null {
  const { followStatus, state, current, openIncidents } = input;
  if (!followStatus || !state.known || state.upstreamStatus === null || openIncidents > 0) return null;
  return state.upstreamStatus === current ? null : state.upstreamStatus;
}

/**
 * What the page shows for a service: `unknown` while its provider cannot be read, else its status.
 * @example displayStatus('operational', { known: false }) // 'unknown'
 */
export const displayStatus = (status: ServiceStatus, upstream?: { known: boolean } | null): DisplayStatus => (upstream && !upstream.known ? 'unknown' : status);

const RANK: readonly ServiceStatus[] = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'];

/**
 * The status a Statuspage client reads in `components.json` for a service, which must be one of
 * Statuspage's five: its own while known; while its provider cannot be read, never better than
 * `degraded_performance` — a client that knows only the five must not read "operational" for a
 * service Herald cannot see — and never better than the last status read (Herald's own
 * `herald_status` says `unknown`).
 * @example statuspageStatus('operational', { known: false }) // 'degraded_performance'
 * @example statuspageStatus('major_outage', { known: false }) // 'major_outage'
 */
export function statuspageStatus(status: ServiceStatus, upstream?: { known: boolean } | null): ServiceStatus {
  if (!upstream || upstream.known) return status;
  return RANK.indexOf(status) > RANK.indexOf('degraded_performance') ? status : 'degraded_performance';
}

/**
 * How the page names a provider: the catalogue's `provider`, else the host of its URL.
 * @example providerName({ url: 'https://www.githubstatus.com/api/v2/components.json', component: 'API', followStatus: true }) // 'www.githubstatus.com'
 */
export const providerName = (source: UpstreamSource): string => source.provider ?? new URL(source.url).host;

/**
 * The provider's status page for a link: its components.json (or summary.json) URL without the API path.
 * @example providerPage('https://www.githubstatus.com/api/v2/components.json') // 'https://www.githubstatus.com/'
 */
export function providerPage(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = parsed.pathname.replace(/\/api\/v2\/[^/]+\.json$/, '/');
  parsed.search = '';
  return parsed.toString();
}
