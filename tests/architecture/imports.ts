/**
 * Herald's import graph, read from the source as text, and the rules its folders keep. The
 * folder a file is in says its place; there is no table of files to keep up to date:
 *
 *   api/shared/          the vocabulary, schemas and pure helpers everything speaks; imports only itself
 *   api/platform/        http, db, delivery, config, log, metrics, jobs: knows no feature
 *   api/features/<name>/ one capability whole; another feature only through its index.ts
 *   api/site/, src/      the public site, rendered and served: features through their index.ts
 *   api/desk/, src/…/admin/  the comms desk's pages: features through their index.ts
 *   api/*.ts             the composition root (app, assemble, deps, demo)
 *   api/server.ts, cli/  the entry points
 *
 * A folder imports only folders below it (or beside it, for features through their doors), and
 * the features depend on one another without a loop. docs/architecture.md draws the same.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Lowest first. */
export const PLACES = ['shared', 'platform', 'features', 'site', 'desk', 'assembly', 'entry points'] as const;
export type Place = (typeof PLACES)[number];

/** Where a file stands, from its path alone. */
export function placeOf(file: string): Place {
  if (file.startsWith('api/shared/')) return 'shared';
  if (file.startsWith('api/platform/')) return 'platform';
  if (file.startsWith('api/features/')) return 'features';
  if (file.startsWith('api/desk/') || file.startsWith('src/pages/admin/') || file.startsWith('src/components/admin/')) return 'desk';
  if (file.startsWith('api/site/') || file.startsWith('src/')) return 'site';
  if (file === 'api/server.ts' || file.startsWith('api/cli/')) return 'entry points';
  return 'assembly';
}

/** The feature a file belongs to, or null. */
export const featureOf = (file: string): string | null => /^api\/features\/([^/]+)\//.exec(file)?.[1] ?? null;

/**
 * The one import allowed upward: the route files of a feature, the site and the desk take the assembled dependencies
 * (`AppDeps`, `HeraldEnv`) as a type, erased at build time, so each route says what it receives
 * without the feature depending on the composition root.
 */
const TYPE_ONLY_UPWARD = new Set(['api/deps.ts']);

export type Edge = { to: string; typeOnly: boolean };
export type Graph = Map<string, { imports: Edge[]; frameworks: string[] }>;

const IMPORT = /(?:^|[\s;])(import|export)\s(type\s)?(?:[^'";]*?\sfrom\s)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every .ts and .astro file under `dirs` (paths relative to `root`) and the files each imports. */
export function readGraph(root: string, dirs: string[]): Graph {
  const graph: Graph = new Map();
  const files = dirs.flatMap((dir) => walk(join(root, dir))).filter((f) => /\.(ts|astro)$/.test(f) && !f.endsWith('.d.ts'));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const imports: Edge[] = [];
    const frameworks: string[] = [];
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[3] ?? match[4] ?? '';
      if (spec.startsWith('.')) imports.push({ to: relative(root, resolve(dirname(file), spec)).replaceAll('\\', '/'), typeOnly: Boolean(match[2]) });
      else if (/^(hono|@hono\/)/.test(spec)) frameworks.push(spec);
    }
    graph.set(relative(root, file).replaceAll('\\', '/'), { imports, frameworks });
  }
  return graph;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Import loops: each a list of files that reach one another (Tarjan's strongly connected components). */
export function findLoops(edges: Map<string, string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  const visit = (node: string) => {
    indexOf.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indexOf.get(next)!));
    }
    if (low.get(node) === indexOf.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) loops.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!indexOf.has(node)) visit(node);
  return loops;
}

/** File → the files it imports for what runs (`import type` is erased at build time, so it makes no loop). */
export const fileEdges = (graph: Graph): Map<string, string[]> =>
  new Map([...graph].map(([file, { imports }]) => [file, imports.filter((edge) => !edge.typeOnly).map((edge) => edge.to)]));

/** Feature → the features it imports. */
export function featureEdges(graph: Graph): Map<string, string[]> {
  const edges = new Map<string, Set<string>>();
  for (const [file, { imports }] of graph) {
    const from = featureOf(file);
    if (!from) continue;
    const targets = edges.get(from) ?? new Set<string>();
    edges.set(from, targets);
    for (const { to } of imports) {
      const target = featureOf(to);
      if (target && target !== from) targets.add(target);
    }
  }
  return new Map([...edges].map(([feature, targets]) => [feature, [...targets].sort()]));
}

/** Files whose HTTP framework import sits where no route is: the rules, the SQL and the writes. */
const NO_HTTP = /\/(rules|store|[a-z-]+-store|schemas|commands|queries)\.ts$/;

/**
 * A page's browser script may take a feature's pure rules.ts directly: the door (index.ts) would
 * bundle the feature's server code, zod and all, into the browser.
 */
const isBrowserRule = (file: string, to: string): boolean => file.endsWith('.astro') && to.endsWith('/rules.ts');

/** Every import that breaks the folders' rules, in words. */
export function findBrokenRules(graph: Graph): string[] {
  const problems: string[] = [];
  for (const [file, { imports, frameworks }] of graph) {
    const from = placeOf(file);
    const fromFeature = featureOf(file);
    for (const { to, typeOnly } of imports) {
      if (!graph.has(to)) continue;
      const toPlace = placeOf(to);
      const toFeature = featureOf(to);
      if (PLACES.indexOf(toPlace) > PLACES.indexOf(from)) {
        if (!(typeOnly && TYPE_ONLY_UPWARD.has(to) && (from === 'features' || from === 'site' || from === 'desk')))
          problems.push(`${file} (${from}) imports ${to} (${toPlace}), which is above it`);
      } else if (toFeature && toFeature !== fromFeature && to !== `api/features/${toFeature}/index.ts` && !isBrowserRule(file, to)) {
        problems.push(`${file} reaches inside ${toFeature}: import api/features/${toFeature}/index.ts instead of ${to}`);
      }
    }
    if (frameworks.length > 0 && (from === 'shared' || NO_HTTP.test(file))) problems.push(`${file} imports ${frameworks.join(', ')}: HTTP stays in routes`);
  }
  return problems;
}

/** Features without their door. */
export function findMissingDoors(graph: Graph): string[] {
  const features = new Set([...graph.keys()].map(featureOf).filter((f): f is string => f !== null));
  return [...features].filter((feature) => !graph.has(`api/features/${feature}/index.ts`)).map((feature) => `api/features/${feature} has no index.ts`);
}
