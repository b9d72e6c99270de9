/**
 * `npm run seed -- --incidents N --services M [--days D] [--open K]`: fills the database
 * (DATABASE_URL) with N incidents over the last D days (two years by default) across M services,
 * through the same commands the API uses, with a clock that walks the history forward. Each
 * incident is declared, updated and resolved (the newest K stay open). For benchmarks and
 * for seeing the paged history with years of incidents; never on a production database.
 */
import { Catalogue, readContent } from '../platform/content.ts';
import { declareIncident, postIncidentUpdate } from '../features/incidents/index.ts';
import { createService } from '../features/services/index.ts';
import { syncCatalogue } from '../features/services/index.ts';
import { listServices } from '../features/services/index.ts';
import { manualClock, systemClock } from '../platform/clock.ts';
import { parseRef } from '../shared/refs.ts';
import { openFromEnv, runCli } from './open.ts';

const USAGE = 'Usage: npm run seed -- --incidents N --services M [--days D (730)] [--open K (1)]';
const MINUTE = 60_000;
const SEVERITIES = ['P0', 'P1', 'P2', 'P2', 'P3', 'P3'] as const;
const WHAT = ['Elevated error rates', 'Slow responses', 'Delayed processing', 'Sign-in failures', 'Partial outage', 'Degraded performance'];

/** A small deterministic generator, so two seeds of the same size are the same history. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

function option(args: string[], name: string, fallback?: number): number {
  const at = args.indexOf(`--${name}`);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (value === undefined || !Number.isInteger(value) || value < 0) throw new Error(`[Seed] --${name} takes a whole number. ${USAGE}`);
  return value;
}

runCli(async () => {
  const args = process.argv.slice(2);
  const incidents = option(args, 'incidents');
  const serviceCount = option(args, 'services', 10);
  const days = option(args, 'days', 730);
  const openCount = option(args, 'open', 1);
  // Nothing is published while seeding (a running server catches up from the publish log).
  const { config, db, ctx: terminal } = await openFromEnv('seed');
  // A seed may be re-made at will: no fsync per transaction (this connection only).
  await db.execute('PRAGMA synchronous = OFF');
  const end = systemClock.now();
  const start = new Date(end.getTime() - days * 24 * 60 * MINUTE);
  const clock = manualClock(start);
  const ctx = { ...terminal, clock, log: { info() {}, warn: console.warn, error: console.error } };
  await syncCatalogue(db, readContent(config.contentDir, 'services.json', Catalogue), start);
  const existing = await listServices(db);
  const groups = [...new Set(existing.map((s) => s.group).filter((g): g is string => g !== null))];
  for (let i = existing.length; i < serviceCount; i++) {
    const n = String(i + 1).padStart(3, '0');
    await createService(ctx, {
      slug: `service-${n}`,
      name: `Service ${n}`,
      description: `Seeded service ${n}.`,
      group: groups[i % groups.length] ?? null,
      status: 'operational',
    });
  }
  const catalogue = (await listServices(db)).slice(0, Math.max(serviceCount, 1));
  const slugs = catalogue.map((s) => s.slug);
  // Titles name services as customers read them, not by slug (a slug reads like a host name).
  const nameOf = new Map(catalogue.map((s) => [s.slug, s.name]));

  const next = random(incidents * 7919 + serviceCount);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const step = (end.getTime() - start.getTime()) / Math.max(incidents, 1);
  const started = performance.now();
  for (let i = 0; i < incidents; i++) {
    clock.set(new Date(start.getTime() + i * step + next() * step * 0.5));
    const affected = [...new Set([pick(slugs), ...(next() < 0.3 ? [pick(slugs)] : [])])];
    const title = `${pick(WHAT)} on ${affected.map((slug) => nameOf.get(slug) ?? slug).join(' and ')}`;
    const { ref } = await declareIncident(ctx, {
      title,
      severity: pick(SEVERITIES),
      status: 'investigating',
      message: `We are investigating **${title.toLowerCase()}**.`,
      services: affected.map((slug) => ({ slug, status: pick(['degraded_performance', 'partial_outage', 'major_outage'] as const) })),
      impact: 'Some requests fail or are slow.',
      notify: false,
    });
    const id = parseRef('incident', ref) as number;
    clock.advance((10 + next() * 20) * MINUTE);
    await postIncidentUpdate(ctx, id, { status: 'mitigating', message: 'We found the cause and are rolling out a fix.', notify: false });
    if (i >= incidents - openCount) continue;
    clock.advance((10 + next() * 20) * MINUTE);
    await postIncidentUpdate(ctx, id, { status: 'monitoring', message: 'The fix is live; we are watching the recovery.', notify: false });
    clock.advance((10 + next() * 30) * MINUTE);
    await postIncidentUpdate(ctx, id, { status: 'resolved', message: 'Everything is back to normal.', rootCause: 'A faulty deploy.', notify: false });
    if ((i + 1) % 1000 === 0) console.info(`[Seed] ${i + 1} of ${incidents} incidents…`);
  }
  console.log(`[Seed] ${incidents} incidents over ${days} days across ${slugs.length} services in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  db.close();
  return 0;
});
