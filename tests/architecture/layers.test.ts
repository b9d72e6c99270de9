import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/server.ts';
import { featureEdges, fileEdges, findBrokenRules, findLoops, findMissingDoors, placeOf, readGraph, type Graph } from './imports.ts';

const graphOf = (edges: Record<string, string[]>, typeOnly: string[] = []): Graph =>
  new Map(
    Object.entries(edges).map(([file, imports]) => [
      file,
      { imports: imports.map((to) => ({ to, typeOnly: typeOnly.includes(`${file}>${to}`) })), frameworks: [] },
    ]),
  );

describe("the code's folders", () => {
  const graph = readGraph(ROOT, ['api', 'src']);

  it('reads the whole server and site', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('api/server.ts')?.imports.map((edge) => edge.to)).toContain('api/assemble.ts');
  });

  it('have no import loops between files', () => {
    expect(findLoops(fileEdges(graph))).toEqual([]);
  });

  it('have no loops between features', () => {
    expect(findLoops(featureEdges(graph))).toEqual([]);
  });

  it('give every feature a door', () => {
    expect(findMissingDoors(graph)).toEqual([]);
  });

  it('only point down (shared ← platform ← features ← site ← desk ← assembly ← entry points), into a feature only through its door', () => {
    expect(findBrokenRules(graph)).toEqual([]);
  });
});

describe('the folder check itself', () => {
  it('places a file by its folder alone', () => {
    expect(
      [
        'api/shared/refs.ts',
        'api/platform/db/client.ts',
        'api/features/incidents/store.ts',
        'src/pages/index.astro',
        'api/site/feed.ts',
        'api/desk/index.ts',
        'api/app.ts',
        'api/cli/seed.ts',
      ].map(placeOf),
    ).toEqual(['shared', 'platform', 'features', 'site', 'site', 'desk', 'assembly', 'entry points']);
  });

  it('finds a loop between files and one between features', () => {
    expect(findLoops(fileEdges(graphOf({ 'api/features/a/x.ts': ['api/features/a/y.ts'], 'api/features/a/y.ts': ['api/features/a/x.ts'] })))).toEqual([
      ['api/features/a/x.ts', 'api/features/a/y.ts'],
    ]);
    const features = graphOf({
      'api/features/a/index.ts': ['api/features/b/index.ts'],
      'api/features/b/index.ts': [],
      'api/features/b/x.ts': ['api/features/a/index.ts'],
    });
    expect(findLoops(featureEdges(features))).toEqual([['a', 'b']]);
  });

  it('finds an upward import, a reach inside another feature and HTTP in a store', () => {
    const graph = graphOf(
      {
        'api/platform/db/client.ts': ['api/features/a/index.ts'],
        'api/features/a/index.ts': [],
        'api/features/a/store.ts': [],
        'api/features/b/commands.ts': ['api/features/a/store.ts', 'api/deps.ts'],
        'api/features/b/api.ts': ['api/deps.ts'],
        'api/deps.ts': [],
      },
      ['api/features/b/api.ts>api/deps.ts'],
    );
    graph.get('api/features/a/store.ts')!.frameworks.push('hono');
    expect(findBrokenRules(graph)).toEqual([
      'api/platform/db/client.ts (platform) imports api/features/a/index.ts (features), which is above it',
      'api/features/a/store.ts imports hono: HTTP stays in routes',
      'api/features/b/commands.ts reaches inside a: import api/features/a/index.ts instead of api/features/a/store.ts',
      'api/features/b/commands.ts (features) imports api/deps.ts (assembly), which is above it',
    ]);
  });

  it('finds a feature without its door', () => {
    expect(findMissingDoors(graphOf({ 'api/features/a/store.ts': [] }))).toEqual(['api/features/a has no index.ts']);
  });
});
