/**
 * Two edits to Astro's runtime as it is bundled into Herald's renderer, so that rendering the
 * site never wakes ICU, the Unicode library inside Node's binary.
 *
 * Why: the first `Intl.DateTimeFormat` or `localeCompare` in a process makes V8 open every locale
 * ICU carries to learn which are available. Those pages of Node's binary then stay resident for
 * the life of the process: 11–12 MB of a status page that should idle under 120 MB. Astro does
 * both while it loads: its logger builds a clock formatter up front, and its router sorts the
 * routes with `localeCompare`. Herald's own dates in English need neither (api/shared/calendar.ts).
 *
 * - The logger's formatter is built the first time Astro logs a line, if ever.
 * - The router orders two routes' static text by code units instead of by locale. Its order
 *   matters only between routes one URL could match both of; tests/site/routes.test.ts checks
 *   that Herald's routes sort the same both ways.
 *
 * Each edit names the exact text it replaces: a build against an Astro that changed it fails,
 * rather than quietly keeping ICU awake.
 */

/** A comparison by code units, what `<` gives, without ICU. */
const CODE_UNITS = '((x, y) => (x < y ? -1 : x > y ? 1 : 0))';

export const PATCHES = [
  {
    file: '/astro/dist/core/logger/core.js',
    from: 'const dateTimeFormat = new Intl.DateTimeFormat([], {\n  hour: "2-digit",\n  minute: "2-digit",\n  second: "2-digit",\n  hour12: false\n});',
    to: 'let clock;\nconst dateTimeFormat = { format: (date) => (clock ??= new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false })).format(date) };',
  },
  {
    file: '/astro/dist/core/routing/priority.js',
    from: 'return aContent.localeCompare(bContent);',
    to: `return ${CODE_UNITS}(aContent, bContent);`,
  },
  {
    file: '/astro/dist/core/routing/priority.js',
    from: 'return a.route.localeCompare(b.route);',
    to: `return ${CODE_UNITS}(a.route, b.route);`,
  },
];

/**
 * `code`, the source of the module at `id`, with the PATCHES for that file applied; `code` as
 * it is for any other file.
 */
export function patch(code, id) {
  let out = code;
  for (const p of PATCHES.filter((p) => id.replaceAll('\\', '/').endsWith(p.file))) {
    if (!out.includes(p.from))
      throw new Error(`[Herald] astro-patches.mjs: ${p.file} no longer contains the text it replaces; Astro changed, review the patch:\n${p.from}`);
    out = out.replace(p.from, p.to);
  }
  return out;
}

/** The Vite plugin applying PATCHES to the files they name. */
export function astroWithoutIcu() {
  return {
    name: 'herald:astro-without-icu',
    enforce: 'pre',
    transform(code, id) {
      const out = patch(code, id);
      return out === code ? null : { code: out, map: null };
    },
  };
}
