/**
 * Makes an exported site whole for a static host, where no Herald answers: the short links
 * `/i/N` as redirect pages, the subscribe form posting to the live Herald (PUBLIC_API_URL) or
 * taken out, and /search running in the browser on an index built now with Pagefind. Every
 * file is written under a temporary name and renamed into place, with its `.br`/`.gz` copies
 * made again where it changed, so a host serving the directory meanwhile never serves half a
 * file or a stale compressed copy.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import * as pagefind from 'pagefind';
import type { Executor } from '../../platform/db/client.ts';
import type { Log } from '../../platform/log/log.ts';
import { loadIncidents } from '../../features/incidents/index.ts';
import { allSiteFiles } from '../mirror-publishes.ts';
import type { SiteModel } from '../model.ts';
import type { PageRenderer } from '../publisher.ts';
import type { SearchView } from '../search.ts';
import { indexedIncidentPage, shortLinkPage, staticSearchPage, subscribeFormFor } from './pages.ts';

/** Where the search page's script is published. */
export const SEARCH_SCRIPT_PATH = '/static-search.js';
const SEARCH_SCRIPT = join(import.meta.dirname, 'search.client.js');
const INCIDENT_PAGE = /^incidents\/(INC-([1-9][0-9]*))\/index\.html$/;

export type StaticCopyOptions = {
  dir: string;
  db: Executor;
  renderPage: PageRenderer;
  model: SiteModel;
  publicUrl: string;
  /** The live Herald's address, for the subscribe form; null: no sign-up in the copy. */
  apiUrl: string | null;
  log: Log;
};

/** Writes `body` to `file` whole, and its compressed copies beside it (as the snapshot does) when it is text. */
function publish(file: string, body: Buffer, compress: boolean): void {
  mkdirSync(dirname(file), { recursive: true });
  const put = (name: string, bytes: Buffer) => {
    const temp = `${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    writeFileSync(temp, bytes);
    renameSync(temp, name);
  };
  if (compress) {
    put(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
    put(`${file}.gz`, gzipSync(body, { level: 6 }));
  }
  put(file, body);
}

export async function completeStaticCopy(options: StaticCopyOptions): Promise<{ pages: number; shortLinks: number; indexed: number }> {
  const { dir, model } = options;
  const files = allSiteFiles(dir);
  let pages = 0;
  // Every page's subscribe form (in the footer of each).
  for (const file of files.filter((f) => f.endsWith('.html'))) {
    const html = readFileSync(join(dir, file), 'utf8');
    const changed = subscribeFormFor(html, options.apiUrl);
    if (changed !== html) {
      publish(join(dir, file), Buffer.from(changed), true);
      pages++;
    }
  }

  // The short links, one redirect page per published incident.
  const incidents = files.flatMap((file) => {
    const match = INCIDENT_PAGE.exec(file);
    return match ? [{ file, ref: match[1] as string, id: Number(match[2]) }] : [];
  });
  for (const { ref, id } of incidents) publish(join(dir, 'i', String(id), 'index.html'), Buffer.from(shortLinkPage(ref, options.publicUrl, model.messages.lang)), true);

  // The search page: Herald's, for an empty search, with the script that runs it here.
  const { t, catalogue, lang } = model.messages;
  const empty: SearchView = { values: { q: '', ref: '', service: '', severity: '', from: '', to: '' }, errors: {}, results: null };
  const searchPage = staticSearchPage(
    subscribeFormFor(await options.renderPage('/search', model, { search: empty }), options.apiUrl),
    { lang, noMatch: t('search.noMatch'), matches: catalogue['search.matches'] ?? '{count}', refError: t('search.error.ref') },
    SEARCH_SCRIPT_PATH,
  );
  publish(join(dir, 'search', 'index.html'), Buffer.from(searchPage), true);
  publish(join(dir, SEARCH_SCRIPT_PATH), readFileSync(SEARCH_SCRIPT), true);

  const indexed = await buildSearchIndex(options, incidents);
  options.log.info(
    `[Export] Static search over ${indexed} incidents (/pagefind/), ${incidents.length} short links (/i/N); ${options.apiUrl ? `the subscribe form posts to ${options.apiUrl}` : 'no subscribe form (set PUBLIC_API_URL to the live Herald to keep it)'}.`,
  );
  return { pages, shortLinks: incidents.length, indexed };
}

/**
 * The search index of every incident page, with Pagefind, into `dir/pagefind/`: the words of
 * each page's main content, its services and severity to narrow by, its start to date by.
 */
async function buildSearchIndex(options: StaticCopyOptions, incidents: { file: string; ref: string; id: number }[]): Promise<number> {
  const out = join(options.dir, 'pagefind');
  if (existsSync(out)) rmSync(out, { recursive: true, force: true });
  const { index, errors } = await pagefind.createIndex({ rootSelector: 'main', excludeSelectors: ['button', 'svg', '[aria-hidden="true"]'] });
  if (!index) throw new Error(`[Export] Pagefind could not start: ${errors.join('; ')}`);
  let indexed = 0;
  try {
    for (let i = 0; i < incidents.length; i += 500) {
      const batch = incidents.slice(i, i + 500);
      const records = new Map((await loadIncidents(options.db, { state: 'all', ids: batch.map((b) => b.id), limit: batch.length })).map((r) => [r.id, r]));
      for (const { file, ref, id } of batch) {
        const record = records.get(id);
        if (!record) continue;
        const html = indexedIncidentPage(readFileSync(join(options.dir, file), 'utf8'), { ref, severity: record.severity, startedAt: record.startedAt, services: record.services.map((s) => s.slug) });
        const added = await index.addHTMLFile({ url: `/incidents/${ref}`, content: html });
        if (added.errors.length) throw new Error(`[Export] Pagefind could not index ${file}: ${added.errors.join('; ')}`);
        indexed++;
      }
    }
    const written = await index.writeFiles({ outputPath: out });
    if (written.errors.length) throw new Error(`[Export] Pagefind could not write its index: ${written.errors.join('; ')}`);
    return indexed;
  } finally {
    await pagefind.close();
  }
}
