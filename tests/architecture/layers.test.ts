import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/server.ts';
import { findLoops, findUpwardImports, readGraph, type Graph } from './imports.ts';

const graphOf = (edges: Record<string, string[]>): Graph => new Map(Object.entries(edges).map(([file, imports]) => [file, { imports, frameworks: [] }]));

describe("the code's layers", () => {
  const graph = readGraph(ROOT, ['api', 'src']);

  it('reads the whole server and site', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('api/server.ts')?.imports).toContain('api/herald.ts');
  });

  it('have no import loops', () => {
    expect(findLoops(graph)).toEqual([]);
  });

  it('only point down: rules ← config ← data ← publishing ← commands ← services ← http ← assembly ← entry points', () => {
    expect(findUpwardImports(graph)).toEqual([]);
  });
});

describe('the layer check itself', () => {
  it('finds a loop', () => {
    expect(findLoops(graphOf({ 'api/commands/a.ts': ['api/http/b.ts'], 'api/http/b.ts': ['api/commands/a.ts'], 'api/db/c.ts': [] }))).toEqual([['api/commands/a.ts', 'api/http/b.ts']]);
  });

  it('finds an upward import, a file with no layer and hono below the http layer', () => {
    const graph = graphOf({ 'api/commands/a.ts': ['api/http/b.ts'], 'api/http/b.ts': [], 'api/somewhere.ts': [] });
    graph.set('api/db/d.ts', { imports: [], frameworks: ['hono'] });
    expect(findUpwardImports(graph)).toEqual([
      'api/commands/a.ts (commands) imports api/http/b.ts (http)',
      'api/somewhere.ts belongs to no layer: add it to LAYERS (tests/architecture/imports.ts)',
      'api/db/d.ts (data) imports hono: HTTP stays in the http layer',
    ]);
  });
});
