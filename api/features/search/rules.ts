/**
 * How the words typed into a search box become a search: the references in them (INC-6,
 * `inc-6`, `#6`, `6`, MNT-2), and the other words as an SQLite FTS5 query that nothing typed
 * can rewrite. Pure.
 */
import type { RefKind } from '../../shared/refs.ts';

/** An incident or maintenance window named by its reference. */
export type SearchRef = { kind: RefKind; id: number };

/** A word to find: a prefix ("check" finds "checkout"), or a number, found whole ("5" does not find "500"). */
export type SearchWord = { text: string; prefix: boolean };

export type SearchText = {
  /** What the words name by reference, in the order typed, each once. */
  refs: SearchRef[];
  /** The words to find in the text, each once; a bare number is both a reference and a word. */
  words: SearchWord[];
};

/** At most this many words are looked for: a 200-character query of one-letter words would otherwise cost 100 prefix scans. */
export const MAX_WORDS = 8;

const PREFIXED = /^(inc|mnt)-?0*([1-9]\d{0,15})$/i;
const BARE = /^#?0*([1-9]\d{0,15})$/;
/** A word, as FTS5's unicode61 tokenizer reads one: letters, digits and the marks on them. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
/** What may stand around a pasted reference: "(INC-6)", "INC-6,", "«INC-6»". */
const EDGES = /^[^\p{L}\p{N}#]+|[^\p{L}\p{N}]+$/gu;

/**
 * Reads what was typed: each chunk between spaces that is a reference (INC-6, inc6, MNT-2,
 * #6) names that incident or window; a bare number (6) names INC-6 and MNT-6 and is a word
 * too; everything else is words. Nothing typed is ever read as search syntax.
 *
 * @example readSearchText('INC-6 checkout') // { refs: [{ kind: 'incident', id: 6 }], words: [{ text: 'checkout', prefix: true }] }
 * @example readSearchText('6') // { refs: [{ kind: 'incident', id: 6 }, { kind: 'maintenance', id: 6 }], words: [{ text: '6', prefix: false }] }
 */
export function readSearchText(typed: string): SearchText {
  const refs: SearchRef[] = [];
  const words: SearchWord[] = [];
  const seenRefs = new Set<string>();
  const seenWords = new Set<string>();
  const addRef = (kind: RefKind, id: number) => {
    if (seenRefs.has(`${kind}:${id}`)) return;
    seenRefs.add(`${kind}:${id}`);
    refs.push({ kind, id });
  };
  const addWord = (text: string) => {
    const word = text.normalize('NFKC').toLowerCase();
    if (seenWords.has(word) || words.length >= MAX_WORDS) return;
    seenWords.add(word);
    words.push({ text: word, prefix: !/^\p{N}+$/u.test(word) });
  };
  for (const chunk of typed.split(/\s+/)) {
    const bare = chunk.replace(EDGES, '');
    const prefixed = PREFIXED.exec(bare);
    if (prefixed) {
      addRef(prefixed[1]!.toLowerCase() === 'inc' ? 'incident' : 'maintenance', Number(prefixed[2]));
      continue;
    }
    const number = BARE.exec(bare);
    if (number) {
      addRef('incident', Number(number[1]));
      addRef('maintenance', Number(number[1]));
    }
    for (const [word] of chunk.matchAll(WORD)) addWord(word);
  }
  return { refs, words };
}

/**
 * The FTS5 query that finds every word (AND), each a quoted string — FTS5 reads nothing inside
 * double quotes as syntax, and a word holds only letters, digits and marks, so no `"`, `*`,
 * `NEAR`, `-`, `:` or `^` typed can change what is asked — limited to `columns`. Null for no
 * words.
 *
 * @example matchExpression([{ text: 'near', prefix: true }, { text: '5', prefix: false }], ['title', 'body']) // '{title body} : ("near"* "5")'
 */
export function matchExpression(words: readonly SearchWord[], columns: readonly string[]): string | null {
  if (words.length === 0) return null;
  const terms = words.map((w) => `"${w.text.replaceAll('"', '""')}"${w.prefix ? '*' : ''}`).join(' ');
  return `{${columns.join(' ')}} : (${terms})`;
}
