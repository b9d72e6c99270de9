/**
 * The message catalogue: every word a customer reads (pages, feeds, the embed, badges, the
 * widget, subscriber mail) comes from one JSON file per language, `content/messages/<lang>.json`.
 * The shipped English file defines the keys; a translation is that file with each value
 * translated. A value is a string with `{name}` placeholders, or, where a number decides the
 * words, an object of plural forms (`one`, `other`, …) chosen by the language's rules from
 * `{count}` (api/shared/calendar.ts).
 */
import english from '../../content/messages/en.json' with { type: 'json' };
import { calendarFor } from './calendar.ts';
import { formatDuration, formatUtc } from './duration.ts';

/** Every key the code may ask for: the English catalogue's (`$comment` and other `$` keys aside). */
export type MessageKey = Exclude<keyof typeof english, `$${string}`>;

export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export type MessageCatalogue = Record<string, string | PluralForms>;
export type MessageParams = Record<string, string | number>;

export type Messages = {
  /** The BCP 47 tag of the catalogue: `<html lang>`, the feed's language, dates. */
  lang: string;
  /** The catalogue itself (what changes the published site when edited). */
  catalogue: MessageCatalogue;
  /** The catalogue's words for `key`, its `{name}` placeholders filled from `params`; placeholders without a param stay as they are. */
  t: (key: MessageKey, params?: MessageParams) => string;
  /** "1 h 23 min", in the catalogue's units. */
  duration: (ms: number) => string;
  /** "14:32 UTC" today, "27 Nov 2026 14:32 UTC" otherwise, the date in the catalogue's language. */
  utc: (at: Date, now: Date) => string;
  /** "3 Nov 2026", in the catalogue's language. */
  date: (at: Date) => string;
  /** "November 2026" for "2026-11", in the catalogue's language. */
  month: (key: string) => string;
};

/** The shipped English catalogue, as the code knows it. */
export const ENGLISH_CATALOGUE: MessageCatalogue = english as MessageCatalogue;

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * Fills `{name}` placeholders from `params`, leaving unknown ones for the caller (a page fills
 * those with markup, see src/components/Fill.astro).
 * @example fillPlaceholders('{n} incidents in {month}', { n: 3 }) // "3 incidents in {month}"
 */
export function fillPlaceholders(text: string, params: MessageParams = {}): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The keys a catalogue must have: every key of the English one. */
export const messageKeys = (reference: MessageCatalogue = ENGLISH_CATALOGUE): string[] => Object.keys(reference).filter((k) => !k.startsWith('$'));

/**
 * What is wrong with `catalogue` beside `reference`: keys it lacks, and values of the wrong
 * shape (a plural object without `other`, a plural where a string is expected or back).
 * @example catalogueProblems({ a: 'x', b: 'y' }, { a: 'z' }) // { missing: ['b'], malformed: [] }
 */
export function catalogueProblems(reference: MessageCatalogue, catalogue: Record<string, unknown>): { missing: string[]; malformed: string[] } {
  const missing: string[] = [];
  const malformed: string[] = [];
  for (const key of messageKeys(reference)) {
    const want = reference[key];
    const have = catalogue[key];
    if (have === undefined) missing.push(key);
    else if (typeof want === 'string' ? typeof have !== 'string' : !isPlural(have)) malformed.push(key);
  }
  return { missing, malformed };
}

const isPlural = (value: unknown): value is PluralForms =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Record<string, unknown>).other === 'string' &&
  Object.values(value).every((v) => typeof v === 'string');

/**
 * The accessor over one catalogue (checked beforehand with `catalogueProblems`).
 * @example createMessages('en', ENGLISH_CATALOGUE).t('incidents.count', { count: 3 }) // "3 incidents"
 */
export function createMessages(lang: string, catalogue: MessageCatalogue): Messages {
  // Dates may follow a regional variant of the language ("en-GB": 27 Nov 2026, not Nov 27, 2026);
  // a `$locale` of another language (left from the copied en.json) is not taken for it.
  const primary = (tag: string) => tag.split('-')[0]?.toLowerCase();
  const locale = typeof catalogue.$locale === 'string' && primary(catalogue.$locale) === primary(lang) ? catalogue.$locale : lang;
  const dates = calendarFor(locale);
  const plural = lang === locale ? dates.plural : calendarFor(lang).plural;
  const t = (key: MessageKey, params?: MessageParams): string => {
    const value = catalogue[key] ?? ENGLISH_CATALOGUE[key];
    if (value === undefined) return key;
    if (typeof value === 'string') return fillPlaceholders(value, params);
    const count = Number(params?.count ?? 0);
    return fillPlaceholders(value[plural(count)] ?? value.other, params);
  };
  const units = { lessThanMinute: t('duration.lessThanMinute'), days: t('duration.days'), hours: t('duration.hours'), minutes: t('duration.minutes') };
  return {
    lang,
    catalogue,
    t,
    duration: (ms) => formatDuration(ms, units),
    utc: (at, now) => formatUtc(at, now, dates.day),
    date: dates.day,
    month: (key) => dates.monthYear(new Date(`${key}-01T00:00:00Z`)),
  };
}

/** Herald in English, as shipped: what a model built without a configured language speaks. */
export const ENGLISH: Messages = createMessages('en', ENGLISH_CATALOGUE);
