import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/server.ts';
import { featureOf, readGraph, type Graph } from './imports.ts';

/**
 * A feature's store (store.ts, or *-store.ts) holds its SQL and the mapping of its rows, and
 * nothing else: it imports the database client, the shared vocabulary and its own feature's
 * schemas. So a store cannot record an audit entry, apply a rule, reach another feature or
 * speak HTTP — all that is its commands' (commands.ts) and queries' (queries.ts) work.
 */
const SHARED_VOCABULARY = new Set(['schemas', 'vocabulary', 'refs', 'errors', 'actor', 'roles'].map((name) => `api/shared/${name}.ts`));

const isStore = (file: string) => /^api\/features\/[^/]+\/(?:[a-z-]+-)?store\.ts$/.test(file);

/** What a store of `feature` may import. */
const allowedInStore = (to: string, feature: string) =>
  to.startsWith('api/platform/db/') || SHARED_VOCABULARY.has(to) || to === `api/features/${feature}/schemas.ts`;

/** Every store import outside what a store may import, in words; `exceptions` lists stores not yet held to the rule. */
function findImpureStores(graph: Graph, exceptions: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  for (const [file, { imports }] of graph) {
    if (!isStore(file) || exceptions.has(file)) continue;
    const feature = featureOf(file) as string;
    for (const { to } of imports) {
      if (!allowedInStore(to, feature)) problems.push(`${file} imports ${to}: a store holds SQL only (platform/db, shared vocabulary, its own schemas.ts)`);
    }
  }
  return problems.sort();
}

/** A feature's routes: its api/ folder, api.ts or *-api.ts. */
const isRoute = (file: string) => /^api\/features\/[^/]+\/(?:api\/.+|(?:[a-z-]+-)?api)\.ts$/.test(file);

/** Every route that reads its feature's store itself rather than through queries.ts (or writes through commands.ts). */
function findRoutesOnStores(graph: Graph, exceptions: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  for (const [file, { imports }] of graph) {
    if (!isRoute(file) || exceptions.has(file)) continue;
    for (const { to } of imports) if (isStore(to)) problems.push(`${file} imports ${to}: routes read through queries.ts and write through commands.ts`);
  }
  return problems.sort();
}

/**
 * Stores not yet held to the rule, each with what it still does that belongs in its commands.
 * The list is checked both ways below, so an entry goes as soon as its store is clean.
 */
const KNOWN_EXCEPTIONS = new Set<string>([]);

/** Routes still reading their store directly rather than through queries.ts. */
const ROUTES_ON_STORES = new Set<string>([]);

describe("a feature's store", () => {
  const graph = readGraph(ROOT, ['api']);

  it('imports only the database client, the shared vocabulary and its own schemas', () => {
    expect(findImpureStores(graph, KNOWN_EXCEPTIONS)).toEqual([]);
  });

  it("is reached by its feature's commands and queries, never by its routes", () => {
    expect(findRoutesOnStores(graph, ROUTES_ON_STORES)).toEqual([]);
  });

  it('is named in the known exceptions only while it still breaks the rule', () => {
    for (const file of KNOWN_EXCEPTIONS) {
      expect(graph.has(file), `${file} is gone: take it off the list`).toBe(true);
      expect(findImpureStores(new Map([[file, graph.get(file)!]])), `${file} keeps the rule now: take it off the list`).not.toEqual([]);
    }
    for (const file of ROUTES_ON_STORES) {
      expect(
        findRoutesOnStores(new Map([[file, graph.get(file) ?? { imports: [], frameworks: [] }]])),
        `${file} keeps the rule now (or is gone): take it off the list`,
      ).not.toEqual([]);
    }
  });
});

describe('the store check itself', () => {
  const graphOf = (edges: Record<string, string[]>, typeOnly: string[] = []): Graph =>
    new Map(
      Object.entries(edges).map(([file, imports]) => [
        file,
        { imports: imports.map((to) => ({ to, typeOnly: typeOnly.includes(`${file}>${to}`) })), frameworks: [] },
      ]),
    );

  it('lets a store import the database client, the shared vocabulary and its own schemas', () => {
    const graph = graphOf({
      'api/features/a/store.ts': ['api/platform/db/client.ts', 'api/shared/vocabulary.ts', 'api/shared/errors.ts', 'api/features/a/schemas.ts'],
      'api/features/a/items-store.ts': ['api/shared/schemas.ts', 'api/shared/refs.ts'],
    });
    expect(findImpureStores(graph)).toEqual([]);
  });

  it('finds the audit, a rule, another feature and a platform mechanism in a store, type-only imports too', () => {
    const graph = graphOf(
      {
        'api/features/a/store.ts': [
          'api/features/audit/index.ts',
          'api/features/a/rules.ts',
          'api/features/b/index.ts',
          'api/platform/republish.ts',
          'api/features/b/schemas.ts',
        ],
        'api/features/a/items-store.ts': ['api/shared/leak-guard.ts'],
        'api/features/a/commands.ts': ['api/features/audit/index.ts', 'api/features/a/rules.ts'],
      },
      ['api/features/a/store.ts>api/features/b/schemas.ts'],
    );
    expect(findImpureStores(graph)).toEqual([
      'api/features/a/items-store.ts imports api/shared/leak-guard.ts: a store holds SQL only (platform/db, shared vocabulary, its own schemas.ts)',
      'api/features/a/store.ts imports api/features/a/rules.ts: a store holds SQL only (platform/db, shared vocabulary, its own schemas.ts)',
      'api/features/a/store.ts imports api/features/audit/index.ts: a store holds SQL only (platform/db, shared vocabulary, its own schemas.ts)',
      'api/features/a/store.ts imports api/features/b/index.ts: a store holds SQL only (platform/db, shared vocabulary, its own schemas.ts)',
      'api/features/a/store.ts imports api/features/b/schemas.ts: a store holds SQL only (platform/db, shared vocabulary, its own schemas.ts)',
      'api/features/a/store.ts imports api/platform/republish.ts: a store holds SQL only (platform/db, shared vocabulary, its own schemas.ts)',
    ]);
  });

  it('finds a route reading its store, in an api/ folder, an api.ts or an *-api.ts', () => {
    const graph = graphOf({
      'api/features/a/api/list.ts': ['api/features/a/store.ts', 'api/features/a/queries.ts'],
      'api/features/a/api.ts': ['api/features/a/items-store.ts'],
      'api/features/a/admin-api.ts': ['api/features/a/commands.ts'],
      'api/features/a/commands.ts': ['api/features/a/store.ts'],
      'api/features/a/queries.ts': ['api/features/a/store.ts'],
    });
    expect(findRoutesOnStores(graph)).toEqual([
      'api/features/a/api.ts imports api/features/a/items-store.ts: routes read through queries.ts and write through commands.ts',
      'api/features/a/api/list.ts imports api/features/a/store.ts: routes read through queries.ts and write through commands.ts',
    ]);
  });

  it('skips the stores it is told are known exceptions', () => {
    const graph = graphOf({ 'api/features/a/store.ts': ['api/features/audit/index.ts'] });
    expect(findImpureStores(graph, new Set(['api/features/a/store.ts']))).toEqual([]);
  });
});
