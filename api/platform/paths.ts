/**
 * Where Herald's own files are: the project's root, found by walking up to its package.json,
 * so the same code finds `dist/`, `content/` and the migrations whether it runs from the
 * sources (`api/…`, tests and tools) or compiled (`build/api/…`, what `npm start` runs).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`[Herald] No package.json above ${from}: cannot find Herald's files.`);
  }
}

export const ROOT = projectRoot(import.meta.dirname);
