/**
 * The mirror command as the operator writes it (MIRROR_COMMAND), read into the words of a
 * program call. No shell runs it: quoting works as in a shell (single quotes keep everything,
 * double quotes and backslashes escape), but `$VAR`, `;`, `|` and globs mean nothing, so no
 * file name can ever become part of a command. Pure.
 */

/** Stand for the list of files to copy (one path a line, relative to the directory) and the snapshot directory. */
export const PLACEHOLDERS = { files: '{files}', dir: '{dir}' } as const;

/**
 * Splits `text` into words as a POSIX shell would split a simple command.
 * @returns the words, or an error saying what is wrong.
 * @example splitCommand(`rclone copy --files-from {files} {dir} "r2:status page"`)
 * // { words: ['rclone', 'copy', '--files-from', '{files}', '{dir}', 'r2:status page'] }
 */
export function splitCommand(text: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < text.length) word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return { error: `a ${quote === "'" ? 'single' : 'double'} quote is not closed` };
  if (inWord) words.push(word);
  if (words.length === 0) return { error: 'it is empty' };
  return { words };
}

/**
 * The program call for one run: the placeholders replaced, each inside its word.
 * @example commandFor(['rsync', '-a', '--files-from={files}', '{dir}/', 'host:site/'], { files: '/tmp/l', dir: '/srv/s' })
 * // ['rsync', '-a', '--files-from=/tmp/l', '/srv/s/', 'host:site/']
 */
export function commandFor(words: readonly string[], values: { files: string; dir: string }): string[] {
  return words.map((word) => word.split(PLACEHOLDERS.files).join(values.files).split(PLACEHOLDERS.dir).join(values.dir));
}

/**
 * How long to wait before the next attempt after `failures` failed ones in a row (1 = the
 * first): 2 s doubling, at most a minute apart; a mirror never gives up, the next publish
 * needs it as much as this one.
 * @example retryDelayMs(1) // 2000
 * @example retryDelayMs(10) // 60000
 */
export function retryDelayMs(failures: number): number {
  return Math.min(2000 * 2 ** Math.max(0, failures - 1), 60_000);
}
