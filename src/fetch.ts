/**
 * Astro's request entrypoint. Herald's own server owns HTTP (api/server.ts); it loads this
 * bundle only to render pages, by handing a model to the renderer registered below. Public
 * pages are rendered at publish time, never per reader.
 */
import { FetchState, pages } from 'astro/fetch';
import type { SiteModel } from '../api/site/model.ts';

export type AstroPageRenderer = (request: Request, locals: { model: SiteModel } & Record<string, unknown>) => Promise<Response>;

/** The well-known key under which this bundle offers its renderer to the Herald server. */
export const RENDERER_KEY = Symbol.for('herald.astro.renderPage');

const renderPage: AstroPageRenderer = async (request, locals) => {
  const state = new FetchState(request);
  Object.assign(state.locals, locals);
  return pages(state);
};
(globalThis as Record<symbol, unknown>)[RENDERER_KEY] = renderPage;

export default {
  // Reached only if someone serves this bundle directly: there is no model, so say so.
  fetch: async () =>
    new Response('Herald pages are rendered by the Herald server: run `npm start`.', { status: 503, headers: { 'content-type': 'text/plain' } }),
};
