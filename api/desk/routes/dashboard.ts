import { Hono, type Context } from 'hono';
import { loadIncidents } from '../../features/incidents/index.ts';
import { loadMaintenances } from '../../features/maintenance/index.ts';
import { loadPostmortemsOutstanding } from '../../features/plan/index.ts';
import { countTickets } from '../../features/tickets/index.ts';
import { countdown } from '../../features/freshness/index.ts';
import { POSTMORTEM_WINDOW_MS, postmortemDueAt, toIncident } from '../../features/incidents/index.ts';
import { escalationLevelDue } from '../../features/freshness/index.ts';
import type { Severity } from '../../shared/vocabulary.ts';
import { commanderAddress } from '../../features/freshness/index.ts';
import { listFlags, listNotices } from '../../features/freshness/index.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { common, renderDesk } from '../render.ts';
import type { EscalationReach } from '../views.ts';
import type { FieldErrors, NewIncidentValues } from '../views.ts';
import { readNewIncident } from '../forms.ts';
import { serviceOptions } from './data.ts';
import { choices, chooseTemplate, templatesOf } from './shared.ts';
import { makeRef } from '../../shared/refs.ts';
import { countOpenDrafts, INTAKE_LIMITS } from '../../features/drafts/index.ts';
import { byCodeUnits } from '../../shared/order.ts';
import { readProposals } from '../../features/proposals/index.ts';
import { countSubscribers } from '../../features/subscribers/index.ts';

/** Drafts shown on the dashboard with their release form, newest first; the others are listed as links. */
export const DRAFTS_WITH_FORMS = 10;

/** The release form of one draft, as typed, with what was wrong with it. */
export type ReleasingDraft = { ref: string; values: NewIncidentValues; errors: FieldErrors };

/**
 * The dashboard: status proposals and drafts alerts opened (each with its form) at the top, then open
 * incidents with their countdowns, the latest resolved ones, maintenance, "New incident".
 */
export async function showDashboard(c: Context<HeraldEnv>, deps: AppDeps, releasing: ReleasingDraft | null = null, status: 200 | 400 = 200) {
  const now = deps.clock.now();
  const levelOf = (i: { severity: Severity; detectedAt: string }) => {
    if (!deps.escalation) return null;
    const level = escalationLevelDue({ ...i, resolvedAt: null }, now, deps.escalation);
    return { level, name: deps.escalation.levels[level - 1]?.name ?? '' };
  };
  // Bounded however many alerts came: the drafts the intake keeps open at most, and how many there are.
  const [drafts, draftsOpen, open, resolved, flags, active, upcoming, proposals] = await Promise.all([
    loadIncidents(deps.db, { state: 'open', drafts: 'only', limit: INTAKE_LIMITS.maxOpenDrafts }),
    countOpenDrafts(deps.db),
    loadIncidents(deps.db, { state: 'open' }),
    loadIncidents(deps.db, { state: 'resolved', limit: 5 }),
    listFlags(deps.db),
    loadMaintenances(deps.db, { state: 'active', limit: 20 }),
    loadMaintenances(deps.db, { state: 'upcoming', limit: 20 }),
    readProposals(deps.db),
  ]);
  const subscribers = await countSubscribers(deps.db);
  const tickets = await countTickets(
    deps.db,
    open.map((r) => r.id),
  );
  /** Who the escalations for an incident's missed deadline actually went to, as the watchdog recorded them. */
  const alertedFor = async (incidentId: number, dueAt: string, commander: string | null): Promise<EscalationReach> => {
    const deliveries = (await listNotices(deps.db, incidentId)).filter((n) => n.kind === 'escalation' && n.dueAt === dueAt).flatMap((n) => n.deliveries);
    const emailed = (status: string) => [...new Set(deliveries.filter((d) => d.channel === 'email' && d.status === status).map((d) => d.target))].sort();
    const address = await commanderAddress(deps.db, commander);
    return {
      sent: emailed('sent'),
      pending: emailed('pending'),
      failed: emailed('failed'),
      webhook: deliveries.some((d) => d.channel === 'webhook'),
      commander: commander?.trim() ? { name: commander.trim(), address } : null,
    };
  };
  const alerted = new Map(
    await Promise.all(
      open.flatMap((r) => {
        const flag = flags.get(r.id);
        return flag ? [alertedFor(r.id, flag.dueAt, r.commander).then((a) => [r.id, a] as const)] : [];
      }),
    ),
  );
  const templates = templatesOf(deps);
  // "?draft=INC-9&template=x" starts that draft's message from template x, as on the new-incident form.
  const templateFor = (ref: string) => chooseTemplate(templates, 'create', c.req.query('draft') === ref ? c.req.query('template') : undefined);
  return renderDesk(
    c,
    deps,
    {
      ...common(c, deps),
      page: 'dashboard',
      proposals,
      services: await serviceOptions(deps.db),
      templates: choices(templates, 'create'),
      draftsOpen,
      // The newest few with their release form; the rest as links to their own pages.
      moreDrafts: drafts.slice(DRAFTS_WITH_FORMS).map((r) => ({ ref: makeRef('incident', r.id), title: r.title })),
      drafts: drafts.slice(0, DRAFTS_WITH_FORMS).map((r) => {
        const ref = makeRef('incident', r.id);
        return {
          ref,
          title: r.title,
          severity: r.severity,
          detectedAt: r.detectedAt,
          acknowledgedAt: r.acknowledgedAt,
          services: r.services.map((s) => s.name),
          alerts: r.alerts.slice(-3).reverse(),
          serviceSlugs: r.services.map((s) => s.slug),
          values: releasing?.ref === ref ? releasing.values : readNewIncident({ title: r.title, severity: r.severity, message: templateFor(ref)?.body ?? '' }),
          errors: releasing?.ref === ref ? releasing.errors : {},
          templateNote: templateFor(ref)?.note ?? '',
        };
      }),
      open: open
        .map((r) => toIncident(r, now, deps.config))
        .map((i, n) => ({
          ref: i.ref,
          title: i.title,
          severity: i.severity,
          status: i.status,
          commander: i.commander,
          lastUpdateAt: i.lastUpdateAt,
          dueAt: i.nextUpdateDueAt as string,
          countdown: countdown(new Date(i.nextUpdateDueAt as string), now),
          flaggedAt: flags.get(open[n]?.id ?? 0)?.flaggedAt ?? null,
          alerted: alerted.get(open[n]?.id ?? 0) ?? null,
          escalation: levelOf(i),
          tickets: tickets.get(open[n]?.id ?? 0) ?? 0,
        }))
        .sort((a, b) => byCodeUnits(a.dueAt, b.dueAt)),
      recent: resolved.map((r) => ({ ref: `INC-${r.id}`, title: r.title, severity: r.severity, resolvedAt: r.resolvedAt })),
      postmortemsOverdue: (await loadPostmortemsOutstanding(deps.db, new Date(now.getTime() - POSTMORTEM_WINDOW_MS))).map((r) => ({
        ref: makeRef('incident', r.id),
        title: r.title,
        severity: r.severity,
        dueAt: postmortemDueAt(r.severity, r.resolvedAt) as string,
      })),
      maintenance: [...active, ...upcoming].map((m) => ({
        ref: makeRef('maintenance', m.id),
        title: m.title,
        status: m.status,
        scheduledFor: m.scheduledFor,
        scheduledUntil: m.scheduledUntil,
        services: m.services.map((s) => s.name),
      })),
      subscribers: Object.entries(subscribers.channels).map(([channel, counts]) => ({ channel, ...counts })),
    },
    status,
  );
}

/** GET /admin — the dashboard. */
export const deskDashboardRoutes = (deps: AppDeps) => {
  const handler = (c: Context<HeraldEnv>) => showDashboard(c, deps);
  return new Hono<HeraldEnv>().get('/admin', handler).get('/admin/', handler);
};
