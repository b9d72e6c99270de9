/**
 * Dates and plural forms in a catalogue's language. English, the language Herald ships in, is
 * written out here; every other language asks `Intl`, built the first time it is needed.
 *
 * Why not `Intl` for English too: the first `Intl.DateTimeFormat` (and `Intl.PluralRules`) in a
 * process makes V8 open every locale ICU carries to learn which are available, about 1,500
 * resources inside Node's binary. Those pages then stay resident for the life of the process:
 * 7–8 MB of a status page's 120 MB. The English forms below are checked against `Intl`'s, date
 * by date (tests/shared/calendar.test.ts), so the two cannot drift apart unnoticed.
 */

export type Calendar = {
  /** "27 Nov 2026" (en-GB) or "Nov 27, 2026" (en, en-US), in UTC. */
  day: (at: Date) => string;
  /** "November 2026", in UTC. */
  monthYear: (at: Date) => string;
  /** The plural form `count` takes: "one", "other", … */
  plural: (count: number) => Intl.LDMLPluralRule;
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** CLDR's abbreviations: British English says "Sept", American English "Sep". */
const SHORT = { gb: MONTHS.map((m) => (m === 'September' ? 'Sept' : m.slice(0, 3))), us: MONTHS.map((m) => m.slice(0, 3)) };

const monthYear = (at: Date): string => `${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}`;
/** English has two forms: "one" for exactly one (1 or -1), "other" for every other number. */
const englishPlural = (count: number): Intl.LDMLPluralRule => (Math.abs(count) === 1 ? 'one' : 'other');

const ENGLISH: Record<string, Calendar> = {
  'en-gb': { day: (at) => `${at.getUTCDate()} ${SHORT.gb[at.getUTCMonth()]} ${at.getUTCFullYear()}`, monthYear, plural: englishPlural },
  'en-us': { day: (at) => `${SHORT.us[at.getUTCMonth()]} ${at.getUTCDate()}, ${at.getUTCFullYear()}`, monthYear, plural: englishPlural },
};
ENGLISH.en = ENGLISH['en-us'] as Calendar;

/** Years Herald writes out itself: four digits, where `Intl` and the forms above agree. */
const inRange = (at: Date): boolean => {
  const year = at.getUTCFullYear();
  return year >= 1000 && year <= 9999;
};

/**
 * The calendar for a BCP 47 tag: the English forms for `en`, `en-US` and `en-GB` (any case),
 * `Intl`'s for every other tag, and for English dates outside years 1000–9999.
 * @example calendarFor('en-GB').day(new Date('2026-09-03T12:00Z')) // "3 Sept 2026"
 */
export function calendarFor(locale: string): Calendar {
  const intl = intlCalendar(locale);
  const english = ENGLISH[locale.toLowerCase()];
  if (!english) return intl;
  return {
    day: (at) => (inRange(at) ? english.day(at) : intl.day(at)),
    monthYear: (at) => (inRange(at) ? english.monthYear(at) : intl.monthYear(at)),
    plural: english.plural,
  };
}

/** `Intl`'s calendar for `locale`; each formatter is built on its first use, then kept. */
export function intlCalendar(locale: string): Calendar {
  let day: Intl.DateTimeFormat | undefined;
  let month: Intl.DateTimeFormat | undefined;
  let plurals: Intl.PluralRules | undefined;
  return {
    day: (at) => (day ??= new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })).format(at),
    monthYear: (at) => (month ??= new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' })).format(at),
    plural: (count) => (plurals ??= new Intl.PluralRules(locale)).select(count),
  };
}
