/**
 * What must never reach a log, and how it is taken out: link tokens in request paths, the
 * password in a URL's user info, bearer tokens, and every secret value of the configuration.
 * Applied to each finished line, so no message, stack trace or field can carry one past it.
 */

const REDACTED = '[redacted]';

/** Path segments that are credentials: subscribers' confirm, manage and unsubscribe links. */
const TOKEN_PATHS = /(\/subscribe\/(?:confirm|manage)\/|\/unsubscribe\/)[^/?#\s"'\\]+/g;

/**
 * A request path as the log may show it: link tokens replaced, the query string left out
 * (searches hold addresses, links may hold tokens).
 * @example scrubPath('/unsubscribe/abc.def?x=1') // '/unsubscribe/[redacted]'
 */
export function scrubPath(path: string): string {
  const bare = path.split(/[?#]/, 1)[0] ?? '';
  return bare.replace(TOKEN_PATHS, `$1${REDACTED}`);
}

/**
 * Builds the scrubber for one process from its secret values (HERALD_SECRET, tokens, the SMTP
 * password …). Short values are ignored: replacing a 3-character string everywhere would
 * mangle the log and protect nothing.
 * @example makeScrubber(['s3cret-token-…'])('Bearer s3cret-token-…') // 'Bearer [redacted]'
 */
export function makeScrubber(secrets: readonly (string | undefined | null)[]): (text: string) => string {
  const values = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 8) continue;
    values.add(secret);
    // As it may appear inside a URL (SMTP_URL user info) or a JSON string.
    values.add(encodeURIComponent(secret));
    values.add(JSON.stringify(secret).slice(1, -1));
  }
  const literal = [...values].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const known = literal.length ? new RegExp(literal.join('|'), 'g') : null;
  return (text) => {
    let out = text
      .replace(TOKEN_PATHS, `$1${REDACTED}`)
      // scheme://user:password@host → scheme://user:[redacted]@host
      .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s"]*:)[^@/\s"]+@/gi, `$1${REDACTED}@`)
      .replace(/(\bBearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`)
      .replace(/((?:authToken|authorization|password|cookie|secret|token)=)[^&\s"]+/gi, `$1${REDACTED}`);
    if (known) out = out.replace(known, REDACTED);
    return out;
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
