/**
 * Makes an exported site whole for a static host, where no Herald answers: the short links
 * `/i/N` as redirect pages, the subscribe form posting to the live Herald (PUBLIC_API_URL) or
 * taken out, and /search running in the browser on an index built now with Pagefind. Every
 * file is written under a temporary name and renamed into place (its `.br`/`.gz` copies first),
 * so a host serving the directory meanwhile never serves half a file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import * as pagefind from 'pagefind';
import type { Log } from '../../platform/log/log.ts';
import { allSiteFiles } from '../mirror-publishes.ts';
import type { IncidentView, SiteModel } from '../model.ts';
import type { PageRenderer } from '../publisher.ts';
import type { SearchView } from '../search.ts';
import { indexedIncidentPage, shortLinkPage, staticSearchPage, subscribeFormFor } from './pages.ts';

/** Where the search page's script is published. */
export const SEARCH_SCRIPT_PATH = '/static-search.js';
const SEARCH_SCRIPT = join(import.meta.dirname, 'search.client.js');
const INCIDENT_PAGE = /^incidents\/(INC-([1-9][0-9]*))\/index\.html$/;

/** What the index narrows an incident by, taken from what its page was rendered from. */
export type IncidentFacts = { ref: string; severity: string; startedAt: string; services: string[] };

/**
 * The page renderer for a static copy: each page comes out with its subscribe form pointed at
 * the live Herald (or taken out) as it is rendered, so the publisher compresses and writes it
 * once; and what each incident page was rendered from is noted for the search index.
 */
export function staticCopyRenderer(renderPage: PageRenderer, apiUrl: string | null): { renderPage: PageRenderer; facts: Map<string, IncidentFacts> } {
  const facts = new Map<string, IncidentFacts>();
  return {
    facts,
    renderPage: async (path, model, extra) => {
      const html = await renderPage(path, model, extra);
      const incident = (extra as { incident?: Partial<IncidentView> } | undefined)?.incident;
      if (incident?.ref && incident.severity && incident.startedAt) {
        facts.set(incident.ref, {
          ref: incident.ref,
          severity: incident.severity,
          startedAt: incident.startedAt,
          services: (incident.services ?? []).map((s) => s.slug),
        });
      }
      return subscribeFormFor(html, apiUrl);
    },
  };
}

export type StaticCopyOptions = {
  dir: string;
  /** The renderer `staticCopyRenderer` made, and the facts it noted. */
  renderPage: PageRenderer;
  facts: ReadonlyMap<string, IncidentFacts>;
  model: SiteModel;
  publicUrl: string;
  apiUrl: string | null;
  log: Log;
};

/** Writes `body` to `file` whole, and its compressed copies beside it (as the snapshot does) when asked. */
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

/**
 * Adds to a site the publisher wrote (with `staticCopyRenderer`'s renderer) what a static
 * host needs: the search page and its index, and a redirect page per short link.
 */
export async function completeStaticCopy(options: StaticCopyOptions): Promise<{ shortLinks: number; indexed: number }> {
  const { dir, model } = options;
  const incidents = allSiteFiles(dir).flatMap((file) => {
    const match = INCIDENT_PAGE.exec(file);
    return match ? [{ file, ref: match[1] as string, id: Number(match[2]) }] : [];
  });
  // The short links, one redirect page per published incident (a few hundred bytes: not worth compressed copies).
  for (const { ref, id } of incidents)
    publish(join(dir, 'i', String(id), 'index.html'), Buffer.from(shortLinkPage(ref, options.publicUrl, model.messages.lang)), false);

  // The search page: Herald's, for an empty search, with the script that runs it here.
  const { t, catalogue, lang } = model.messages;
  const empty: SearchView = { values: { q: '', ref: '', service: '', severity: '', from: '', to: '' }, errors: {}, results: null, total: 0 };
  const searchPage = staticSearchPage(
    await options.renderPage('/search', model, { search: empty }),
    { lang, noMatch: t('search.noMatch'), matches: catalogue['search.matches'] ?? '{count}', refError: t('search.error.ref') },
    SEARCH_SCRIPT_PATH,
  );
  publish(join(dir, 'search', 'index.html'), Buffer.from(searchPage), true);
  publish(join(dir, SEARCH_SCRIPT_PATH), readFileSync(SEARCH_SCRIPT), true);

  const indexed = await buildSearchIndex(dir, options.facts, incidents);
  options.log.info(
    `[Export] Static search over ${indexed} incidents (/pagefind/), ${incidents.length} short links (/i/N); ${options.apiUrl ? `the subscribe form posts to ${options.apiUrl}` : 'no subscribe form (set PUBLIC_API_URL to the live Herald to keep it)'}.`,
  );
  return { shortLinks: incidents.length, indexed };
}

/** Pages handed to Pagefind at once: it indexes in its own process, on another core. */
const INDEXING = 32;

/**
 * The search index of every incident page, with Pagefind, into `dir/pagefind/`: the words of
 * each page's main content, its services and severity to narrow by, its start to date by.
 */
async function buildSearchIndex(dir: string, facts: ReadonlyMap<string, IncidentFacts>, incidents: { file: string; ref: string }[]): Promise<number> {
  const out = join(dir, 'pagefind');
  if (existsSync(out)) rmSync(out, { recursive: true, force: true });
  const { index, errors } = await pagefind.createIndex({ rootSelector: 'main', excludeSelectors: ['button', 'svg', '[aria-hidden="true"]'] });
  if (!index) throw new Error(`[Export] Pagefind could not start: ${errors.join('; ')}`);
  try {
    for (let i = 0; i < incidents.length; i += INDEXING) {
      await Promise.all(
        incidents.slice(i, i + INDEXING).map(async ({ file, ref }) => {
          const html = readFileSync(join(dir, file), 'utf8');
          // A page the renderer did not note (none should be) is still found by its words.
          const noted = facts.get(ref);
          const added = await index.addHTMLFile({ url: `/incidents/${ref}`, content: noted ? indexedIncidentPage(html, noted) : html });
          if (added.errors.length) throw new Error(`[Export] Pagefind could not index ${file}: ${added.errors.join('; ')}`);
        }),
      );
    }
    const written = await index.writeFiles({ outputPath: out });
    if (written.errors.length) throw new Error(`[Export] Pagefind could not write its index: ${written.errors.join('; ')}`);
    return incidents.length;
  } finally {
    await pagefind.close();
  }
}
