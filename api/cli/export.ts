/**
 * `npm run export -- --out DIR [--api-url URL]`: writes the whole published site (pages, feeds,
 * Statuspage JSON, assets) to DIR, for any static host or CDN, made whole for a host where no
 * Herald answers (api/site/static-copy/): /search on a prebuilt index, /i/N as redirect pages,
 * the subscribe form posting to the live Herald at --api-url (PUBLIC_API_URL) or taken out.
 * With `--snapshot-only`, DIR is the snapshot exactly as Herald writes it, without those: for a
 * server to start on (SNAPSHOT_DIR), e.g. to render a large site ahead of time.
 * Reads the same database as the server.
 */
import { resolve } from 'node:path';
import { join } from 'node:path';
import { Catalogue, loadMessages, readContent, SiteSettings } from '../platform/content.ts';
import { systemClock } from '../platform/clock.ts';
import { syncCatalogue } from '../features/services/index.ts';
import { bundleId, loadAstroRenderer, readClientAssets } from '../site/astro-renderer.ts';
import { createPublisher } from '../site/publisher.ts';
import { completeStaticCopy, staticCopyRenderer } from '../site/static-copy/complete.ts';
import { baseUrl } from '../shared/web-url.ts';
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
  const snapshotOnly = args.includes('--snapshot-only');
  const apiAt = args.indexOf('--api-url');
  const apiArg = apiAt >= 0 ? args[apiAt + 1] : undefined;
  if (!out || (apiAt >= 0 && !apiArg)) {
    console.error('Usage: npm run export -- --out DIR [--api-url URL of the live Herald, for the subscribe form; default PUBLIC_API_URL] [--snapshot-only]');
    return 2;
  }
  const apiUrlParsed = apiArg === undefined ? null : baseUrl('the address of the live Herald, e.g. https://herald.example.com').safeParse(apiArg);
  if (apiUrlParsed && !apiUrlParsed.success) {
    console.error(`[Export] --api-url ${apiArg}: ${apiUrlParsed.error.issues[0]?.message ?? 'not a URL'}.`);
    return 2;
  }
  const { config, db } = await openFromEnv('export');
  await syncCatalogue(db, readContent(config.contentDir, 'services.json', Catalogue), systemClock.now());
  // Written to DIR as it is rendered, archive pages not kept in memory once written.
  const started = performance.now();
  const snapshot = new Snapshot(resolve(out), { log: console });
  const settings = readContent(config.contentDir, 'site.json', SiteSettings);
  const apiUrl = apiUrlParsed?.success ? apiUrlParsed.data.replace(/\/+$/, '') : config.publicApiUrl;
  const herald = await loadAstroRenderer(DIST, config.publicUrl);
  // For a static host, pages come out ready for it (the subscribe form pointed at the live Herald or taken out).
  const { renderPage, facts } = snapshotOnly ? { renderPage: herald, facts: new Map() } : staticCopyRenderer(herald, apiUrl);
  const publisher = createPublisher({
    db,
    clock: systemClock,
    snapshot,
    renderPage,
    assets: readClientAssets(DIST),
    // Recorded beside the files: a server started on this directory (same build, same PUBLIC_URL) takes it as its snapshot.
    buildId: bundleId(DIST),
    settings,
    messages: loadMessages(config.contentDir, settings.language),
    publicUrl: config.publicUrl,
    updateIntervalMinutes: config.updateIntervalMinutes,
    log: console,
  });
  const { model } = await publisher.publish('all');
  // And which database it was published from, so that server keeps it only on this database.
  const identity = await databaseIdentity(db);
  if (identity) snapshot.writeNote(DATABASE_NOTE, { id: identity } satisfies DatabaseNote);
  // Pages are written behind the render: done once every one is on disk.
  await snapshot.flushed().catch((error: unknown) => {
    throw new Error(
      `[Export] Could not write every file to ${resolve(out)}: ${error instanceof Error ? error.message : String(error)}. Free space there or choose another --out.`,
    );
  });
  if (!snapshotOnly) await completeStaticCopy({ dir: resolve(out), renderPage, facts, model, publicUrl: config.publicUrl, apiUrl, log: console });
  const count = snapshot.size;
  console.log(
    `Exported ${count} files to ${resolve(out)} in ${((performance.now() - started) / 1000).toFixed(1)} s (links use PUBLIC_URL ${config.publicUrl}).`,
  );
  db.close();
  return 0;
});
