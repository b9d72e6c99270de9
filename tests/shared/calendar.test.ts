import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarFor, intlCalendar } from '../../api/shared/calendar.ts';

/** Any instant from year 1000 to 9999, the range Herald writes out itself. */
const instants = fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });

describe('the English calendar', () => {
  it.each(['en', 'en-US', 'en-GB', 'EN-gb'])('writes dates in %s exactly as Intl does', (locale) => {
    const ours = calendarFor(locale);
    const intl = intlCalendar(locale);
    fc.assert(
      fc.property(instants, (at) => {
        expect(ours.day(at)).toBe(intl.day(at));
        expect(ours.monthYear(at)).toBe(intl.monthYear(at));
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes every month of a year as Intl does, "Sept" and all', () => {
    for (const locale of ['en', 'en-GB']) {
      for (let month = 0; month < 12; month++) {
        const at = new Date(Date.UTC(2026, month, 3, 23, 59));
        expect(calendarFor(locale).day(at)).toBe(intlCalendar(locale).day(at));
      }
    }
    expect(calendarFor('en-GB').day(new Date('2026-09-03T12:00Z'))).toBe('3 Sept 2026');
    expect(calendarFor('en').day(new Date('2026-09-03T12:00Z'))).toBe('Sep 3, 2026');
  });

  it('chooses plural forms as Intl does, for whole numbers, fractions and the odd ones', () => {
    const ours = calendarFor('en');
    const intl = new Intl.PluralRules('en');
    const odd = [0, 1, -1, 1.5, 0.5, 2, 21, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e21];
    for (const n of odd) expect(ours.plural(n)).toBe(intl.select(n));
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double({ noNaN: true })), (n) => {
        expect(ours.plural(n)).toBe(intl.select(n));
      }),
    );
  });

  it('asks Intl for dates outside years 1000–9999', () => {
    const at = new Date('0999-06-15T00:00:00Z');
    expect(calendarFor('en-GB').day(at)).toBe(intlCalendar('en-GB').day(at));
  });
});

describe('other languages', () => {
  it('are written by Intl, in their own words and order', () => {
    const at = new Date('2026-11-27T14:32:00Z');
    expect(calendarFor('fr').day(at)).toBe(new Intl.DateTimeFormat('fr', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(at));
    expect(calendarFor('de').monthYear(at)).toBe('November 2026');
    expect(calendarFor('pl').plural(5)).toBe('many');
  });

  it('treat a regional English Herald does not write out (en-AU) as any other language', () => {
    const at = new Date('2026-09-03T00:00:00Z');
    expect(calendarFor('en-AU').day(at)).toBe(intlCalendar('en-AU').day(at));
  });
});
