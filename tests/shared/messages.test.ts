import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueProblems, createMessages, ENGLISH, ENGLISH_CATALOGUE, fillPlaceholders, messageKeys, type MessageKey } from '../../api/shared/messages.ts';
import { SUBSCRIBER_STATES } from '../../api/features/subscribers/schemas.ts';
import { INCIDENT_STATUSES, SERVICE_STATUSES, SEVERITIES, MaintenanceStatus } from '../../api/shared/vocabulary.ts';
import { ROOT } from '../support/server.ts';

/** Every source file that may ask the catalogue for words: the code, the pages, the mail templates. */
function sources(): { file: string; text: string }[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  return [...walk(join(ROOT, 'api')), ...walk(join(ROOT, 'src')), ...walk(join(ROOT, 'content', 'emails'))]
    .filter((f) => /\.(ts|astro|txt|html)$/.test(f))
    .map((file) => ({ file: relative(ROOT, file), text: readFileSync(file, 'utf8') }));
}

/**
 * The keys the code asks for: `t('key'`, a `{{@key}}` in a mail template, or a quoted literal
 * that is a key (a key chosen by a function, e.g. the search's problems); and the prefixes of
 * keys built from a value, `` t(`service.status.${…}`) ``.
 */
function usedKeys() {
  const keys = new Set(messageKeys());
  const asked: { key: string; file: string }[] = [];
  const literals = new Set<string>();
  const prefixes: { prefix: string; file: string }[] = [];
  for (const { file, text } of sources()) {
    for (const m of text.matchAll(/\bt\(\s*'([^']+)'/g)) asked.push({ key: m[1] as string, file });
    if (/\.(txt|html)$/.test(file)) for (const m of text.matchAll(/\{\{@([\w.]+)\}\}/g)) if (m[1] !== 'lang') asked.push({ key: m[1] as string, file });
    for (const m of text.matchAll(/['"]([a-zA-Z]+(?:\.[\w]+)+)['"]/g)) if (keys.has(m[1] as string)) literals.add(m[1] as string);
    for (const m of text.matchAll(/\bt\(\s*`([\w.]+)\$\{/g)) prefixes.push({ prefix: m[1] as string, file });
  }
  return { asked, literals, prefixes };
}

describe('the message catalogue', () => {
  const keys = messageKeys();
  const { asked, literals, prefixes } = usedKeys();

  it('finds the accessor in the code at all (the checks below could fail)', () => {
    expect(asked.length).toBeGreaterThan(100);
    expect(prefixes.map((p) => p.prefix)).toContain('service.status.');
  });

  it('has every key the code and the mail templates ask for', () => {
    expect(asked.filter(({ key }) => !keys.includes(key)).map(({ key, file }) => `${file}: ${key}`)).toEqual([]);
    expect(prefixes.filter(({ prefix }) => !keys.some((k) => k.startsWith(prefix))).map(({ prefix, file }) => `${file}: ${prefix}…`)).toEqual([]);
  });

  it('has no key the code never asks for', () => {
    const used = (key: string) => asked.some((a) => a.key === key) || literals.has(key) || prefixes.some((p) => key.startsWith(p.prefix));
    expect(keys.filter((key) => !used(key))).toEqual([]);
  });

  it.each([
    ['service.status.', SERVICE_STATUSES],
    ['badge.', SERVICE_STATUSES],
    ['incident.status.', INCIDENT_STATUSES],
    ['severity.', SEVERITIES],
    ['maintenance.status.', MaintenanceStatus.options],
    ['overall.', ['none', 'maintenance', 'minor', 'major', 'critical']],
    ['subscription.state.', SUBSCRIBER_STATES],
  ] as const)('has words for every value a key %s… is built from', (prefix, values) => {
    expect(values.filter((v) => !keys.includes(`${prefix}${v}`))).toEqual([]);
  });

  it('fills placeholders and leaves the ones it was not given', () => {
    expect(ENGLISH.t('page.permalink', { ref: 'INC-7' })).toBe('Permanent link to INC-7');
    expect(ENGLISH.t('home.recentMeta', { severity: 'Minor impact', duration: '5 min' })).toBe('Minor impact · resolved {time} after 5 min');
    expect(fillPlaceholders('{a}{b}{a}', { a: 1 })).toBe('1{b}1');
  });

  it.each([
    [0, '0 incidents'],
    [1, '1 incident'],
    [2, '2 incidents'],
    [21, '21 incidents'],
  ])('says %i as "%s" in English', (count, words) => {
    expect(ENGLISH.t('incidents.count', { count })).toBe(words);
  });

  it('chooses plural forms by the language’s own rules', () => {
    // Polish: 1 incydent, 2–4 incydenty, 5+ incydentów ("few" and "many" as well as "one").
    const polish = createMessages('pl', {
      ...ENGLISH_CATALOGUE,
      'incidents.count': { one: '{count} incydent', few: '{count} incydenty', many: '{count} incydentów', other: '{count} incydentu' },
    });
    expect([1, 3, 5, 22].map((count) => polish.t('incidents.count', { count }))).toEqual(['1 incydent', '3 incydenty', '5 incydentów', '22 incydenty']);
  });

  it('writes dates and durations in the catalogue’s language and units', () => {
    const german = createMessages('de', { ...ENGLISH_CATALOGUE, $locale: 'de-DE', 'duration.hours': '{n} Std.', 'duration.minutes': '{n} Min.' });
    expect(german.duration(83 * 60_000)).toBe('1 Std. 23 Min.');
    expect(german.month('2026-03')).toBe('März 2026');
    expect(german.utc(new Date('2026-03-10T14:32:00Z'), new Date('2026-03-11T00:00:00Z'))).toBe('10. März 2026 14:32 UTC');
    expect(ENGLISH.utc(new Date('2026-03-10T14:32:00Z'), new Date('2026-03-11T00:00:00Z'))).toBe('10 Mar 2026 14:32 UTC');
    // A translation that kept en.json's "$locale": "en-GB" still dates in its own language.
    expect(createMessages('de', ENGLISH_CATALOGUE).month('2026-03')).toBe('März 2026');
  });

  it('names the keys a translation lacks and the values of the wrong shape', () => {
    const { 'home.active': _gone, ...rest } = ENGLISH_CATALOGUE;
    expect(catalogueProblems(ENGLISH_CATALOGUE, { ...rest, 'incidents.count': 'n incidents', 'home.services': { other: 'x' } })).toEqual({
      missing: ['home.active'],
      malformed: ['home.services', 'incidents.count'].sort((a, b) => keys.indexOf(a as MessageKey) - keys.indexOf(b as MessageKey)),
    });
    expect(catalogueProblems(ENGLISH_CATALOGUE, ENGLISH_CATALOGUE)).toEqual({ missing: [], malformed: [] });
  });
});
