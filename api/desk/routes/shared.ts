import { join } from 'node:path';
import type { Context } from 'hono';
import { as } from '../../platform/commands.ts';
import { NotFoundError } from '../../shared/errors.ts';
import type { AppDeps, HeraldEnv } from '../../deps.ts';
import { ROOT } from '../../platform/paths.ts';
import { loadMessageTemplates, type Template, type TemplateUse } from '../templates.ts';
import type { TemplateChoice } from '../views.ts';

const DEFAULT_CONTENT = join(ROOT, 'content');

/** Read per request, so a template an admin adds shows up without a restart. */
export const templatesOf = (deps: AppDeps): Template[] => loadMessageTemplates(join(deps.contentDir ?? DEFAULT_CONTENT, 'templates'));

/** The template `?template=` names if it fits the form, else the first for that use. */
export function chooseTemplate(templates: readonly Template[], use: TemplateUse, slug: string | undefined): Template | null {
  const fits = templates.filter((t) => t.use === use);
  return fits.find((t) => t.slug === slug) ?? fits[0] ?? null;
}

export const choices = (templates: readonly Template[], use: TemplateUse): TemplateChoice[] =>
  templates.filter((t) => t.use === use).map((t) => ({ slug: t.slug, name: t.name, note: t.note }));

export const isPreview = (body: Record<string, string>) => body.intent === 'preview';
/** The commands' context, acting as the signed-in user. */
export const actingUser = (c: Context<HeraldEnv>, deps: AppDeps) => as(deps, c.get('actor'));

/**
 * A numeric id from a desk path, or a 404 naming what was asked for: `abc`, `0` or `1.5` name
 * no row (and must not reach SQL as NaN).
 * @example rowId('7', '[Users] There is no user') // 7
 */
export function rowId(text: string, notFound: string): number {
  const id = Number(text);
  if (!/^[1-9][0-9]{0,14}$/.test(text) || !Number.isSafeInteger(id)) throw new NotFoundError(`${notFound} ${JSON.stringify(text.slice(0, 40))}.`);
  return id;
}
