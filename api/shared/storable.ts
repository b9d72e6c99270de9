/**
 * Storable text: the rule every text field Herald keeps follows, and the field shapes built on
 * it. api/shared/schemas.ts re-exports them; features' own schemas import them from here.
 */
import { z } from 'zod';

/**
 * Characters text cannot carry as given: C0 controls other than tab and line breaks (XML 1.0
 * forbids them, so one would break every feed reader's copy of the feed; libSQL cuts text at
 * U+0000, losing the rest), the noncharacters U+FFFE and U+FFFF, and lone surrogates (not
 * Unicode: stored as UTF-8 they would turn into U+FFFD). Refused with a clear error, not
 * silently dropped.
 */
const UNSTORABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
/**
 * The one rule every text field Herald stores follows: whether `s` can be stored and read back
 * exactly as given, and shown in a page, a feed or a mail.
 * @example storable('Checkout is slow\nWe are on it') // true
 * @example storable('a\u0000b') // false
 */
export const storable = (s: string) => s.isWellFormed() && !UNSTORABLE.test(s);
/** Machine-made text (an alert's annotations), which nobody could correct: made storable by dropping what `storable` refuses. */
export const toStorable = (s: string) => s.replace(new RegExp(UNSTORABLE.source, 'g'), '').toWellFormed();
export const STORABLE_ERROR = 'must not contain control characters (other than tabs and line breaks), U+FFFE/U+FFFF or unpaired surrogates';
/**
 * A text field: trimmed, `min` (1 unless said) to `max` characters, and `storable`. Every text
 * field of every input (incidents, services, plans, users, tokens, tickets) is one of these.
 * @example StorableText(100).parse('  deploy-bot ') // 'deploy-bot'
 */
export const StorableText = (max: number, { min = 1 }: { min?: 0 | 1 } = {}) =>
  z.string().trim().min(min, 'must not be empty').max(max, `at most ${max} characters`).refine(storable, STORABLE_ERROR);
/**
 * An http(s) link Herald stores and shows (a postmortem, a ticket): a URL, and `storable` too
 * (the URL parser accepts a raw NUL or control character in a path and gives the text back as sent).
 */
export const HttpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2000)
  .refine(storable, STORABLE_ERROR);
