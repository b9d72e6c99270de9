/**
 * The sender job: claims due outbox rows with a lease, delivers them (mail through the one
 * pooled transport; webhooks and Slack over HTTPS), and records every attempt. Several
 * processes may run it against one database: the lease keeps them off each other's rows,
 * and a row whose sender died is claimed again when its lease runs out.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.ts';
import type { IncidentRecord } from '../domain/incident.ts';
import type { Db } from '../db/client.ts';
import { loadIncidents } from '../db/incidents.ts';
import { loadMaintenances } from '../db/maintenance.ts';
import type { MaintenanceRecord } from '../domain/maintenance.ts';
import { findSubscribers, purgeUnconfirmed } from '../subscribers/store.ts';
import { composeMaintenanceMail, composeMail, type ComposeSettings } from './compose.ts';
import type { Mailer } from './mailer.ts';
import { claimDue, recordAttempts, type AttemptResult, type OutboxRow } from './outbox.ts';
import { classifySmtpError, nextAttemptAt } from './retry.ts';

/** Delivers one webhook or Slack row; `retry` and `hard` are failures. */
export type HookDelivery = (row: OutboxRow, incident: IncidentRecord | undefined) => Promise<{ verdict: 'sent' | 'retry' | 'hard'; detail: string }>;

export type SenderDeps = {
  db: Db;
  clock: Clock;
  mailer: Mailer;
  compose: ComposeSettings;
  deliverHook?: HookDelivery;
  log?: Pick<Console, 'info' | 'warn' | 'error'>;
  batchSize?: number;
  leaseMs?: number;
  /** Told each batch's outcomes once they are recorded (the metrics count them). */
  onBatch?: (rows: readonly OutboxRow[], results: readonly AttemptResult[]) => void;
  pollMs?: number;
};

export type Sender = {
  /** Claims and delivers one batch; resolves with how many rows it claimed. */
  runOnce(): Promise<number>;
  /** Runs batches until nothing is due (tests, benchmarks). */
  drain(): Promise<number>;
  /** Starts the loop; returns the function that stops it after the batch in flight. */
  start(): () => Promise<void>;
};

const UNCONFIRMED_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 60 * 1000;

export function createSender(deps: SenderDeps): Sender {
  const owner = `sender-${process.pid}-${randomBytes(4).toString('hex')}`;
  const batchSize = deps.batchSize ?? 200;
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const log = deps.log ?? console;

  async function deliver(
    row: OutboxRow,
    incidents: Map<number, IncidentRecord>,
    subscribers: Awaited<ReturnType<typeof findSubscribers>>,
    maintenances: Map<number, MaintenanceRecord>,
  ): Promise<AttemptResult> {
    const now = () => deps.clock.now();
    const incident = row.incidentId === null ? undefined : incidents.get(row.incidentId);
    const failed = (verdict: 'retry' | 'hard', detail: string, suppress?: { subscriberId: number }): AttemptResult => {
      if (verdict === 'retry') {
        const retryAt = nextAttemptAt(row.attempts + 1, new Date(row.createdAt), now());
        if (retryAt) return { id: row.id, outcome: 'retry', detail, retryAt };
        return { id: row.id, outcome: 'failed', detail: `gave up after 72 h: ${detail}` };
      }
      return { id: row.id, outcome: 'failed', detail, ...(suppress ? { suppress } : {}) };
    };
    if (row.kind === 'webhook' || row.kind === 'slack') {
      if (!deps.deliverHook) return { id: row.id, outcome: 'cancelled', detail: 'webhooks are not enabled in this process' };
      try {
        const { verdict, detail } = await deps.deliverHook(row, incident);
        return verdict === 'sent' ? { id: row.id, outcome: 'sent', detail } : failed(verdict, detail);
      } catch (error) {
        return failed('retry', (error as Error).message);
      }
    }
    const subscriber = row.subscriberId === null ? undefined : subscribers.get(row.subscriberId);
    const composed =
      row.kind === 'maintenance'
        ? composeMaintenanceMail(row, subscriber, row.maintenanceId === null ? undefined : maintenances.get(row.maintenanceId), deps.compose)
        : composeMail(row, subscriber, incident, deps.compose);
    if ('cancel' in composed) return { id: row.id, outcome: 'cancelled', detail: composed.cancel };
    try {
      const info = await deps.mailer.send(composed.mail);
      return info.accepted ? { id: row.id, outcome: 'sent', detail: info.response } : failed('retry', `not accepted: ${info.response}`);
    } catch (error) {
      const e = error as Error & { responseCode?: number; code?: string };
      const verdict = classifySmtpError(e);
      const detail = `${e.responseCode ?? e.code ?? 'error'}: ${e.message}`;
      return failed(verdict, detail, verdict === 'hard' && row.subscriberId !== null ? { subscriberId: row.subscriberId } : undefined);
    }
  }

  async function runOnce(): Promise<number> {
    const now = deps.clock.now();
    const rows = await claimDue(deps.db, owner, now, new Date(now.getTime() + leaseMs), batchSize);
    if (rows.length === 0) return 0;
    const incidentIds = [...new Set(rows.map((r) => r.incidentId).filter((id): id is number => id !== null))];
    const subscriberIds = [...new Set(rows.map((r) => r.subscriberId).filter((id): id is number => id !== null))];
    const incidents = new Map((incidentIds.length ? await loadIncidents(deps.db, { ids: incidentIds }) : []).map((i) => [i.id, i]));
    const subscribers = await findSubscribers(deps.db, subscriberIds);
    const maintenanceIds = [...new Set(rows.map((r) => r.maintenanceId).filter((id): id is number => id !== null))];
    const maintenances = new Map((maintenanceIds.length ? await loadMaintenances(deps.db, { ids: maintenanceIds }) : []).map((m) => [m.id, m]));
    const results = await Promise.all(rows.map((row) => deliver(row, incidents, subscribers, maintenances)));
    await deps.db.write((tx) => recordAttempts(tx, owner, results, deps.clock.now()));
    deps.onBatch?.(rows, results);
    const failures = results.filter((r) => r.outcome === 'failed' || r.outcome === 'retry');
    if (failures.length > 0) log.warn(`[Outbox] ${failures.length} of ${rows.length} deliveries failed; first: ${failures[0]?.detail}`);
    return rows.length;
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (let n = await runOnce(); n > 0; n = await runOnce()) total += n;
    return total;
  }

  function start(): () => Promise<void> {
    let running = true;
    let wake: (() => void) | null = null;
    let lastPurge = 0;
    const loop = (async () => {
      while (running) {
        let claimed = 0;
        try {
          const now = deps.clock.now();
          if (now.getTime() - lastPurge >= PURGE_EVERY_MS) {
            lastPurge = now.getTime();
            const purged = await deps.db.write((tx) => purgeUnconfirmed(tx, new Date(now.getTime() - UNCONFIRMED_TTL_MS)));
            if (purged) log.info(`[Subscribe] Forgot ${purged} address(es) never confirmed within 7 days.`);
          }
          claimed = await runOnce();
        } catch (error) {
          log.error('[Outbox] A sender batch failed; its rows are retried when their lease runs out:', error);
        }
        if (running && claimed < batchSize) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, deps.pollMs ?? 500).unref();
          });
          wake = null;
        }
      }
    })();
    return async () => {
      running = false;
      (wake as (() => void) | null)?.();
      await loop;
    };
  }

  return { runOnce, drain, start };
}
