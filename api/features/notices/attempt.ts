/**
 * One delivery attempt per claimed outbox row, each ending in its own recorded result. Whatever
 * goes wrong with one row — its data, composing its mail, its transport — becomes that row's
 * failure or retry; it never takes its neighbours down with it.
 */
import type { HookDelivery } from '../webhooks/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { IncidentRecord } from '../incidents/index.ts';
import type { MaintenanceRecord } from '../maintenance/index.ts';
import type { Executor } from '../../platform/db/client.ts';
import { loadIncidents } from '../incidents/index.ts';
import { loadMaintenances } from '../maintenance/index.ts';
import { findSubscribers, type SubscriberRecord } from '../subscribers/index.ts';
import { composeMaintenanceMail, composeMail, type ComposeSettings } from './compose.ts';
import type { Mailer } from '../../platform/delivery/mailer.ts';
import type { AttemptResult, OutboxRow } from '../../platform/delivery/outbox.ts';
import { classifySmtpError, nextAttemptAt } from '../../platform/delivery/retry.ts';


export type AttemptDeps = {
  db: Executor;
  clock: Clock;
  mailer: Mailer;
  compose: ComposeSettings;
  deliverHook?: HookDelivery | undefined;
};

/** What a batch of rows refers to. */
type Context = {
  incidents: Map<number, IncidentRecord>;
  subscribers: Map<number, SubscriberRecord>;
  maintenances: Map<number, MaintenanceRecord>;
};

const idsOf = (rows: readonly OutboxRow[], pick: (r: OutboxRow) => number | null) => [...new Set(rows.map(pick).filter((id): id is number => id !== null))];

async function loadContext(db: Executor, rows: readonly OutboxRow[]): Promise<Context> {
  const incidentIds = idsOf(rows, (r) => r.incidentId);
  const maintenanceIds = idsOf(rows, (r) => r.maintenanceId);
  return {
    incidents: new Map((incidentIds.length ? await loadIncidents(db, { ids: incidentIds }) : []).map((i) => [i.id, i])),
    subscribers: await findSubscribers(db, idsOf(rows, (r) => r.subscriberId)),
    maintenances: new Map((maintenanceIds.length ? await loadMaintenances(db, { ids: maintenanceIds }) : []).map((m) => [m.id, m])),
  };
}

/**
 * A failed attempt: a retry with backoff until the 72 h limit, then a failure; `hard` fails at
 * once (and `suppress` stops mail to the address). Pure.
 */
function failedAttempt(row: OutboxRow, verdict: 'retry' | 'hard', detail: string, now: Date, suppress?: { subscriberId: number }): AttemptResult {
  if (verdict === 'retry') {
    const retryAt = nextAttemptAt(row.attempts + 1, new Date(row.createdAt), now);
    if (retryAt) return { id: row.id, outcome: 'retry', detail, retryAt };
    return { id: row.id, outcome: 'failed', detail: `gave up after 72 h: ${detail}` };
  }
  return { id: row.id, outcome: 'failed', detail, ...(suppress ? { suppress } : {}) };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createAttempts(deps: AttemptDeps) {
  const now = () => deps.clock.now();

  async function attempt(row: OutboxRow, ctx: Context): Promise<AttemptResult> {
    const incident = row.incidentId === null ? undefined : ctx.incidents.get(row.incidentId);
    const maintenance = row.maintenanceId === null ? undefined : ctx.maintenances.get(row.maintenanceId);
    if (row.kind === 'webhook' || row.kind === 'slack') {
      if (!deps.deliverHook) return { id: row.id, outcome: 'cancelled', detail: 'webhooks are not enabled in this process' };
      const { verdict, detail } = await deps.deliverHook(row, incident, maintenance);
      return verdict === 'sent' ? { id: row.id, outcome: 'sent', detail } : failedAttempt(row, verdict, detail, now());
    }
    const subscriber = row.subscriberId === null ? undefined : ctx.subscribers.get(row.subscriberId);
    const composed =
      row.kind === 'maintenance'
        ? composeMaintenanceMail(row, subscriber, maintenance, deps.compose)
        : composeMail(row, subscriber, incident, deps.compose);
    if ('cancel' in composed) return { id: row.id, outcome: 'cancelled', detail: composed.cancel };
    let info: Awaited<ReturnType<Mailer['send']>>;
    try {
      info = await deps.mailer.send(composed.mail);
    } catch (error) {
      const e = (error ?? {}) as { responseCode?: number; code?: string };
      const verdict = classifySmtpError(e);
      const detail = `${e.responseCode ?? e.code ?? 'error'}: ${messageOf(error)}`;
      return failedAttempt(row, verdict, detail, now(), verdict === 'hard' && row.subscriberId !== null ? { subscriberId: row.subscriberId } : undefined);
    }
    return info.accepted ? { id: row.id, outcome: 'sent', detail: info.response } : failedAttempt(row, 'retry', `not accepted: ${info.response}`, now());
  }

  /**
   * Attempts every row of a batch at once and resolves with one result per row; it never
   * rejects. The batch's data is loaded together; if that fails, each row loads its own,
   * so a row whose data cannot be read fails alone.
   */
  return async function attemptAll(rows: readonly OutboxRow[]): Promise<AttemptResult[]> {
    const shared = await loadContext(deps.db, rows).catch(() => null);
    return Promise.all(
      rows.map(async (row) => {
        try {
          return await attempt(row, shared ?? (await loadContext(deps.db, [row])));
        } catch (error) {
          return failedAttempt(row, 'retry', `[Outbox] Could not deliver outbox row ${row.id}: ${messageOf(error)}`, now());
        }
      }),
    );
  };
}
