/**
 * Which Node Herald runs on: the range package.json's `engines.node` gives, read from there so
 * the check and the declaration never disagree. Older Nodes do not fail loudly on their own:
 * Node 20 has no `import.meta.main`, so the server module loads, does nothing and exits 0.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './paths.ts';

type Version = [number, number, number];

const parse = (text: string): Version | null => {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
};

const atLeast = (v: Version, min: Version) => (v[0] !== min[0] ? v[0] > min[0] : v[1] !== min[1] ? v[1] > min[1] : v[2] >= min[2]);

/**
 * Whether `version` is in `range`, a `||` list of `^X.Y.Z` (that major, at least X.Y.Z) and
 * `>=X.Y.Z` (at least X.Y.Z) — the forms Herald's engines field uses. A form it cannot read
 * matches nothing.
 * @example nodeSatisfies('24.21.0', '^22.18.0 || >=24.2.0') // true
 * @example nodeSatisfies('20.20.2', '^22.18.0 || >=24.2.0') // false
 */
export function nodeSatisfies(version: string, range: string): boolean {
  const v = parse(version);
  if (!v) return false;
  return range.split('||').some((part) => {
    const text = part.trim();
    const min = parse(text.replace(/^(\^|>=)\s*/, ''));
    if (!min) return false;
    if (text.startsWith('^')) return v[0] === min[0] && atLeast(v, min);
    if (text.startsWith('>=')) return atLeast(v, min);
    return false;
  });
}

/** package.json's engines.node. */
export function requiredNode(root = ROOT): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  return pkg.engines?.node ?? '*';
}

/**
 * Null when this Node can run Herald; otherwise the line that says which it needs and how to get it.
 * @example nodeProblem('20.20.2', '^22.18.0 || >=24.2.0') // '[Herald] Node 20.20.2 cannot run Herald: it needs …'
 */
export function nodeProblem(version: string, range: string): string | null {
  if (range === '*' || nodeSatisfies(version, range)) return null;
  return (
    `[Herald] Node ${version} cannot run Herald: it needs Node ${range.replace(/\s*\|\|\s*/g, ' or ')} (package.json "engines"). ` +
    'Start it with `npm start`, which uses the Node 24 that `npm ci` installed in node_modules/.bin, or run node_modules/.bin/node build/api/server.js.'
  );
}

/** Whether the module at `moduleUrl` is the script Node was started with (what `import.meta.main` says, on any Node). */
export function isEntryScript(moduleUrl: string, argv1: string | undefined = process.argv[1]): boolean {
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
