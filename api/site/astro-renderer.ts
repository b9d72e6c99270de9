import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../shared/errors.ts';
import { embedPolicy, narrowPolicy } from '../platform/http/csp.ts';
import type { SiteModel } from './model.ts';
import type { PageRenderer } from './publisher.ts';
import { walk } from './snapshot.ts';

const RENDERER_KEY = Symbol.for('herald.astro.renderPage');

type AstroPageRenderer = (request: Request, locals: { model: SiteModel } & Record<string, unknown>) => Promise<Response>;

/**
 * Loads the built Astro bundle (`astro build` → dist/) as a page renderer: a page is rendered
 * by handing its path and the site model to Astro, and the HTML comes back as a string.
 */
export async function loadAstroRenderer(distDir: string, publicUrl: string): Promise<PageRenderer> {
  const entry = join(distDir, 'server', 'entry.mjs');
  if (!existsSync(entry)) {
    throw new ConfigError(`[Site] No built site at ${entry}. Run \`npm run build\` (npm start does it for you).`);
  }
  await import(pathToFileURL(entry).href);
  const render = (globalThis as Record<symbol, unknown>)[RENDERER_KEY] as AstroPageRenderer | undefined;
  if (!render) throw new ConfigError(`[Site] ${entry} did not register a renderer; is src/fetch.ts in the build?`);
  return async (path: string, model: SiteModel, extra: Record<string, unknown> = {}) => {
    const response = await render(new Request(new URL(path, `${publicUrl}/`)), { ...extra, model });
    const html = await response.text();
    if (!response.ok && !(path === '/404' && response.status === 404)) {
      throw new Error(`[Site] Rendering ${path} answered ${response.status}: ${html.slice(0, 300)}`);
    }
    // The policy Astro computed at build time (security.csp), narrowed to the page, travels inside it.
    const policy = response.headers.get('content-security-policy');
    return policy ? embedPolicy(html, narrowPolicy(html, policy)) : html;
  };
}

/** The bundle's static files (public/ and Astro's assets), keyed by URL path, for the snapshot. */
export function readClientAssets(distDir: string): Map<string, Buffer> {
  const root = join(distDir, 'client');
  const assets = new Map<string, Buffer>();
  for (const file of walk(root)) assets.set(`/${file.split(sep).join('/')}`, readFileSync(join(root, file)));
  return assets;
}

/**
 * Names the built bundle: Astro puts a content hash in every chunk's file name, so the list of
 * names changes with any page, component or asset. A snapshot rendered by another build is
 * rendered again at start.
 */
export function bundleId(distDir: string): string {
  const names = [...walk(join(distDir, 'server')), ...walk(join(distDir, 'client'))].sort();
  return createHash('sha256').update(names.join('\n')).digest('base64url').slice(0, 16);
}
