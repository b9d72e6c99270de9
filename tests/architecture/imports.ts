/**
 * Herald's import graph, read from the source as text, and the two rules it must keep: no
 * import loops, and no import that points up the layers. The layers, lowest first, are in
 * LAYERS; README's "How the code is laid out" describes the same.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Lowest first; the first pattern that matches a file decides its layer. */
export const LAYERS: { name: string; files: RegExp[] }[] = [
  { name: 'rules', files: [/^api\/domain\//, /^api\/(errors|log|markdown)\.ts$/, /^api\/logging\//, /^api\/jobs\//, /^api\/subscribers\/(schema|csv|settings|throttle)\.ts$/] },
  { name: 'config', files: [/^api\/(config|content|paths)\.ts$/] },
  { name: 'data', files: [/^api\/db\//, /^api\/auth\//, /^api\/subscribers\/(store|tokens|secret)\.ts$/, /^api\/notify\/outbox\.ts$/, /^api\/freshness\/store\.ts$/] },
  { name: 'publishing', files: [/^api\/publish\//, /^src\//, /^api\/desk\/views\.ts$/] },
  { name: 'commands', files: [/^api\/commands\//, /^api\/subscribers\/(commands|import)\.ts$/] },
  { name: 'services', files: [/^api\/notify\/(?!webhook-routes)/, /^api\/freshness\/(?!routes)/, /^api\/maintenance\//, /^api\/demo\.ts$/, /^api\/metrics\/(?!routes)/, /^api\/ops\//] },
  { name: 'http', files: [/^api\/http\//, /^api\/routes\//, /^api\/desk\//, /^api\/subscribers\//, /^api\/notify\/webhook-routes\.ts$/, /^api\/freshness\/routes\.ts$/, /^api\/metrics\/routes\.ts$/] },
  { name: 'assembly', files: [/^api\/(app|herald)\.ts$/] },
  { name: 'entry points', files: [/^api\/server\.ts$/, /^api\/cli\//] },
];

export type Graph = Map<string, { imports: string[]; frameworks: string[] }>;

const IMPORT = /(?:^|[\s;])(?:import|export)\s(?:[^'";]*?\sfrom\s)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every .ts and .astro file under `dirs` (paths relative to `root`) and the files each imports. */
export function readGraph(root: string, dirs: string[]): Graph {
  const graph: Graph = new Map();
  const files = dirs.flatMap((dir) => walk(join(root, dir))).filter((f) => /\.(ts|astro)$/.test(f) && !f.endsWith('.d.ts'));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const imports: string[] = [];
    const frameworks: string[] = [];
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2] ?? '';
      if (spec.startsWith('.')) imports.push(relative(root, resolve(dirname(file), spec)).replaceAll('\\', '/'));
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

export const layerOf = (file: string): number => LAYERS.findIndex((layer) => layer.files.some((pattern) => pattern.test(file)));

/** Import loops: each a list of files that reach one another (Tarjan's strongly connected components). */
export function findLoops(graph: Graph): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  const visit = (file: string) => {
    indexOf.set(file, index);
    low.set(file, index++);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file)?.imports ?? []) {
      if (!graph.has(next)) continue;
      if (!indexOf.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, indexOf.get(next)!));
    }
    if (low.get(file) === indexOf.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1) loops.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!indexOf.has(file)) visit(file);
  return loops;
}

/** Imports that point up the layers, files no layer claims, and HTTP framework imports below the HTTP layer. */
export function findUpwardImports(graph: Graph): string[] {
  const http = LAYERS.findIndex((layer) => layer.name === 'http');
  const problems: string[] = [];
  for (const [file, { imports, frameworks }] of graph) {
    const from = layerOf(file);
    if (from < 0) {
      problems.push(`${file} belongs to no layer: add it to LAYERS (tests/architecture/imports.ts)`);
      continue;
    }
    for (const target of imports) {
      const to = layerOf(target);
      if (graph.has(target) && to > from) problems.push(`${file} (${LAYERS[from]!.name}) imports ${target} (${LAYERS[to]!.name})`);
    }
    if (frameworks.length > 0 && from < http) problems.push(`${file} (${LAYERS[from]!.name}) imports ${frameworks.join(', ')}: HTTP stays in the http layer`);
  }
  return problems;
}
