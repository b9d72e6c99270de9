/**
 * What typed words become: references, and an FTS5 query that nothing typed can turn into
 * syntax — checked by table, and by running arbitrary text against the real index.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchExpression, readSearchText, searchCriteria, SearchQuery, searchPublished } from '../../../api/features/search/index.ts';
import { openDb, type Db } from '../../../api/platform/db/client.ts';
import { migrate } from '../../../api/platform/db/migrate.ts';

describe('readSearchText', () => {
  it.each([
    ['INC-6', [['incident', 6]], []],
    ['inc-6', [['incident', 6]], []],
    ['inc6', [['incident', 6]], []],
    ['MNT-2', [['maintenance', 2]], []],
    ['INC-06', [['incident', 6]], []],
    [
      '#6',
      [
        ['incident', 6],
        ['maintenance', 6],
      ],
      ['6'],
    ],
    [
      '6',
      [
        ['incident', 6],
        ['maintenance', 6],
      ],
      ['6'],
    ],
    ['(INC-6),', [['incident', 6]], []],
    ['INC-0', [], ['inc*', '0']],
    ['slow API', [], ['slow*', 'api*']],
    ['Élevé', [], ['élevé*']],
    ['"NEAR" OR *', [], ['near*', 'or*']],
    ['a b c d e f g h i j', [], ['a*', 'b*', 'c*', 'd*', 'e*', 'f*', 'g*', 'h*']],
    ['api API Api', [], ['api*']],
  ])('reads %j', (typed, refs, words) => {
    const text = readSearchText(typed);
    expect(text.refs.map((r) => [r.kind, r.id])).toEqual(refs);
    expect(text.words.map((w) => `${w.text}${w.prefix ? '*' : ''}`)).toEqual(words);
  });
});

describe('matchExpression', () => {
  it('quotes every word and names the columns', () => {
    expect(matchExpression(readSearchText('near 500 api').words, ['title', 'body'])).toBe('{title body} : ("near"* "500" "api"*)');
  });

  it('is null without words', () => expect(matchExpression([], ['title'])).toBeNull());
});

describe('any text typed', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb({ url: ':memory:' });
    await migrate(db);
  });

  it('searches the real index without an error, whatever it holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (typed) => {
        const parsed = SearchQuery.safeParse({ q: typed });
        if (!parsed.success) return;
        for (const internal of [false, true]) await searchPublished(db, searchCriteria(parsed.data), { internal, limit: 50 });
      }),
      { numRuns: 300 },
    );
  });
});
