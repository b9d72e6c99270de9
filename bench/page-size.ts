import { rawGet } from './raw-get.ts';

export type PageSize = {
  /** Bytes on the wire for `/` and any external stylesheets, per encoding. */
  br: number;
  gzip: number;
  identity: number;
  /** External stylesheets counted in (empty while the page inlines its CSS). */
  stylesheets: string[];
};

const encodings = { br: 'br', gzip: 'gzip', identity: 'identity' } as const;

/** The home page as served, HTML plus CSS, in each encoding a browser might get. */
export async function measurePageSize(baseUrl: string): Promise<PageSize> {
  const html = await rawGet(`${baseUrl}/`);
  const stylesheets = [...html.body.toString().matchAll(/<link\b[^>]*\brel=["']?stylesheet["']?[^>]*>/gi)]
    .map((tag) => /\bhref=["']?([^"' >]+)/i.exec(tag[0])?.[1])
    .filter((href): href is string => Boolean(href));
  const sizes = { br: 0, gzip: 0, identity: 0 };
  for (const [key, encoding] of Object.entries(encodings) as [keyof typeof encodings, string][]) {
    for (const path of ['/', ...stylesheets]) {
      const response = await rawGet(new URL(path, `${baseUrl}/`).href, { 'accept-encoding': encoding });
      if (response.status !== 200) throw new Error(`[Bench] GET ${path} answered ${response.status}.`);
      const served = response.headers['content-encoding'] ?? 'identity';
      if (served !== encoding) throw new Error(`[Bench] Asked ${path} for ${encoding}, got ${served}.`);
      sizes[key] += response.body.length;
    }
  }
  return { ...sizes, stylesheets };
}
