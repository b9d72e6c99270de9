/**
 * The snapshot's layout on disk, for any static host: pages as `dir/index.html`, each
 * compressible file with its `.br` and `.gz` copies beside it (what nginx's
 * gzip_static/brotli_static and most CDNs serve as is, and what a restart reloads), and small
 * JSON notes (`.name.json`) that are not part of the site. Files are written to a temporary
 * name and renamed into place, so a reader of the directory never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative, sep } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { CompressedForms } from './compression.ts';

/**
 * Where a URL path lives on disk: `/incidents/INC-42` is `incidents/INC-42/index.html`;
 * files with an extension are themselves.
 * @example fileForPath('/feed.xml') // 'feed.xml'
 */
export function fileForPath(urlPath: string): string {
  if (urlPath === '/') return 'index.html';
  const clean = urlPath.replace(/^\/+/, '');
  return extname(clean) ? clean : `${clean}/index.html`;
}

/** @example pathForFile('incidents/INC-42/index.html') // '/incidents/INC-42' */
export function pathForFile(file: string): string {
  const posix = file.split(sep).join('/');
  if (posix === 'index.html') return '/';
  return `/${posix.replace(/\/index\.html$/, '')}`;
}

const SIDECAR = /\.(br|gz)$/;

/** The published files under `dir` (no copies, temporary files or notes), relative to it. */
export const publishedFiles = (dir: string): string[] =>
  [...walk(dir)].filter((file) => !file.includes('.tmp-') && !SIDECAR.test(file) && !file.startsWith('.'));

/** Writes `path`'s file under `dir`, its compressed copies first: a reader who sees the file sees its copies. */
export async function writePublishedFile(dir: string, path: string, body: Buffer, forms: CompressedForms | null): Promise<void> {
  const file = join(dir, fileForPath(path));
  await mkdir(dirname(file), { recursive: true });
  if (forms) await Promise.all([writeAtomically(`${file}.br`, forms.br), writeAtomically(`${file}.gz`, forms.gzip)]);
  await writeAtomically(file, body);
}

/** The compressed copies of `file`, if both exist and still decompress to `body`. */
export function readSidecars(file: string, body: Buffer): CompressedForms | undefined {
  try {
    if (!existsSync(`${file}.br`)) return undefined;
    const br = readFileSync(`${file}.br`);
    const gz = readFileSync(`${file}.gz`);
    return brotliDecompressSync(br).equals(body) && gunzipSync(gz).equals(body) ? { gzip: gz, br } : undefined;
  } catch {
    return undefined;
  }
}

const noteFile = (dir: string, name: string) => join(dir, `.${name}.json`);

/** A note kept beside the files, or null when there is none (or it does not parse). */
export function readNoteFile<T>(dir: string, name: string): T | null {
  try {
    return JSON.parse(readFileSync(noteFile(dir, name), 'utf8')) as T;
  } catch {
    return null;
  }
}

export const writeNoteFile = (dir: string, name: string, value: unknown): Promise<void> =>
  writeAtomically(noteFile(dir, name), Buffer.from(JSON.stringify(value)));

/** Writes through a temporary file renamed into place; a failed write leaves no temporary file behind (a full disk stays no fuller). */
async function writeAtomically(file: string, body: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, body);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Every file below `root`, as paths relative to it. */
export function* walk(root: string, dir: string = root): Generator<string> {
  let names: import('node:fs').Dirent[];
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const name of names) {
    const full = join(dir, name.name);
    if (name.isDirectory()) yield* walk(root, full);
    else yield relative(root, full);
  }
}
