import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../shared/errors.ts';
import { Slug } from '../shared/schemas.ts';
import { webUrl } from '../shared/web-url.ts';
import { parseTemplate, PLAN_ORDER, type Template } from '../shared/templates.ts';
import { catalogueProblems, createMessages, ENGLISH_CATALOGUE, type MessageCatalogue, type Messages } from '../shared/messages.ts';
import { byCodeUnits } from '../shared/order.ts';

/**
 * A service whose status another company publishes (a cloud region, a payment provider): where
 * its Statuspage-compatible `components.json` is and which component there is this service
 * (by id or by name). Herald polls it (api/features/upstreams/, docs/upstreams.md).
 */
export const UpstreamSource = z.object({
  url: webUrl("write the provider's https://…/api/v2/components.json"),
  component: z.string().min(1, "name the provider's component by its id or its name").max(200),
  /** How the page names the provider ("status from …"); the URL's host when absent. */
  provider: z.string().min(1).max(100).optional(),
  /** Whether the service's status follows the provider's (the default), or is only shown beside it. */
  followStatus: z.boolean().default(true),
});
export type UpstreamSource = z.infer<typeof UpstreamSource>;

export const Catalogue = z.object({
  groups: z
    .array(
      z.object({
        slug: Slug,
        name: z.string().min(1).max(100),
        services: z.array(
          z.object({
            slug: Slug,
            name: z.string().min(1).max(100),
            description: z.string().max(500).default(''),
            /** Status proposals from monitoring (alerts) are applied at once, status only, never words (docs/proposals.md). */
            autoStatus: z.boolean().optional(),
            /** The provider's Statuspage-compatible page this service follows (docs/upstreams.md). */
            upstream: UpstreamSource.optional(),
            // With PROMETHEUS_URL (api/features/signals): a PromQL expression, 1 while the service is up and 0 while down.
            availability: z.string().trim().min(1).max(2000).optional(),
            // Public charts of what monitoring measures (last 24 h, 7 days, 30 days), each a PromQL expression.
            metrics: z
              .array(z.object({ title: z.string().min(1).max(100), query: z.string().trim().min(1).max(2000), unit: z.string().max(20).default('') }))
              .max(10)
              .optional(),
          }),
        ),
      }),
    )
    .refine((groups) => {
      const slugs = groups.flatMap((g) => g.services.map((s) => s.slug));
      return new Set(slugs).size === slugs.length;
    }, 'each service slug may appear once'),
});
export type Catalogue = z.infer<typeof Catalogue>;

export const SiteSettings = z.object({
  name: z.string().min(1),
  title: z.string().min(1),
  description: z.string().default(''),
  // Shown as links on every page: http(s) only, never javascript: or data:.
  homepage: webUrl('write the company site as https://example.com').optional(),
  supportUrl: webUrl('write the support page as https://example.com/support').optional(),
  // Which content/messages/<language>.json customers read; also <html lang> and the feeds' language.
  language: z
    .string()
    .refine((tag) => {
      try {
        return Intl.getCanonicalLocales(tag).length === 1;
      } catch {
        return false;
      }
    }, 'write a language tag such as "en", "de" or "pt-BR", naming content/messages/<language>.json')
    .optional(),
});
export type SiteSettings = z.infer<typeof SiteSettings>;

/** Reads and validates an operator-edited JSON file, saying which file and field is wrong. */
export function readContent<T>(dir: string, file: string, schema: z.ZodType<T>): T {
  const path = join(dir, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`[Content] Cannot read ${path}: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`[Content] ${path} is not valid: ${issues}`);
  }
  return parsed.data;
}

/**
 * Every template in `dir` (content/templates/ for the desk, content/slack/ for Slack), the plan's three first; an admin adds more by adding files.
 */
export function loadMessageTemplates(dir: string): Template[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.md'));
  } catch {
    return [];
  }
  const rank = (slug: string) => (PLAN_ORDER.includes(slug) ? PLAN_ORDER.indexOf(slug) : PLAN_ORDER.length);
  return files
    .map((f) => parseTemplate(f.slice(0, -3), readFileSync(join(dir, f), 'utf8')))
    .sort((a, b) => rank(a.slug) - rank(b.slug) || byCodeUnits(a.slug, b.slug));
}

/**
 * The message catalogue customers read, `content/messages/<language>.json`, checked against the
 * shipped English one: a missing file, a missing key or a malformed value stops Herald at start
 * with every key named. English needs no file (the shipped catalogue is used when there is none).
 */
export function loadMessages(dir: string, language = 'en'): Messages {
  const path = join(dir, 'messages', `${language}.json`);
  if (!existsSync(path)) {
    if (language === 'en') return createMessages('en', ENGLISH_CATALOGUE);
    let have: string[] = [];
    try {
      have = readdirSync(join(dir, 'messages'))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5));
    } catch {
      // No messages folder: none to offer.
    }
    throw new ConfigError(
      `[Content] site.json asks for language "${language}", but there is no ${path}. Copy content/messages/en.json there and translate it${have.length ? `, or use one of: ${have.join(', ')}` : ''}.`,
    );
  }
  const catalogue = readContent(join(dir, 'messages'), `${language}.json`, z.record(z.string(), z.unknown()));
  const { missing, malformed } = catalogueProblems(ENGLISH_CATALOGUE, catalogue);
  if (missing.length || malformed.length) {
    const parts = [
      missing.length ? `it lacks ${missing.length} key(s): ${missing.join(', ')}` : '',
      malformed.length ? `these must be a string, or plural forms with "other", as in en.json: ${malformed.join(', ')}` : '',
    ].filter(Boolean);
    throw new ConfigError(
      `[Content] ${path} is not a complete message catalogue: ${parts.join('; ')}. Copy each from content/messages/en.json and translate it.`,
    );
  }
  return createMessages(language, catalogue as MessageCatalogue);
}
