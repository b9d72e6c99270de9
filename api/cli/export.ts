/**
 * `npm run export -- --out DIR`: writes the whole published site (pages, feeds, Statuspage
 * JSON, assets) to DIR, for any static host or CDN. Reads the same database as the server.
 */
import { resolve } from 'node:path';
import { join } from 'node:path';
import { Catalogue, loadMessages, readContent, SiteSettings } from '../platform/content.ts';
import { systemClock } from '../platform/clock.ts';
import { syncCatalogue } from '../features/services/index.ts';
import { bundleId, loadAstroRenderer, readClientAssets } from '../site/astro-renderer.ts';
import { createPublisher } from '../site/publisher.ts';
import { Snapshot } from '../site/snapshot.ts';
import { databaseIdentity } from '../platform/db/identity.ts';
import { DATABASE_NOTE, type DatabaseNote } from '../platform/ops/snapshot-dir.ts';
import { openFromEnv, runCli } from './open.ts';
import { ROOT } from '../platform/paths.ts';

const DIST = join(ROOT, 'dist');

runCli(async () => {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const out = at >= 0 ? args[at + 1] : undefined;
  if (!out) {
    console.error('Usage: npm run export -- --out DIR');
    return 2;
  }
  const { config, db } = await openFromEnv('export');
  await syncCatalogue(db, readContent(config.contentDir, 'services.json', Catalogue), systemClock.now());
  // Written straight to DIR as it is rendered, archive pages not kept in memory.
  const started = performance.now();
  const snapshot = new Snapshot(resolve(out));
  const settings = readContent(config.contentDir, 'site.json', SiteSettings);
  const publisher = createPublisher({
    db,
    clock: systemClock,
    snapshot,
    renderPage: await loadAstroRenderer(DIST, config.publicUrl),
    assets: readClientAssets(DIST),
    // Recorded beside the files: a server started on this directory (same build, same PUBLIC_URL) takes it as its snapshot.
    buildId: bundleId(DIST),
    settings,
    messages: loadMessages(config.contentDir, settings.language),
    publicUrl: config.publicUrl,
    updateIntervalMinutes: config.updateIntervalMinutes,
    log: console,
  });
  await publisher.publish('all');
  // And which database it was published from, so that server keeps it only on this database.
  const identity = await databaseIdentity(db);
  if (identity) await snapshot.writeNote(DATABASE_NOTE, { id: identity } satisfies DatabaseNote);
  const count = snapshot.size;
  console.log(`Exported ${count} files to ${resolve(out)} in ${((performance.now() - started) / 1000).toFixed(1)} s (links use PUBLIC_URL ${config.publicUrl}).`);
  db.close();
  return 0;
});
