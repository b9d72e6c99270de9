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

/** Fields that hold credentials, at any depth of a JSON line; their values are replaced whole. */
const SECRET_FIELDS = [
  'password',
  'token',
  'secret',
  'authorization',
  'cookie',
  'set-cookie',
  'authToken',
  'adminToken',
  'metricsToken',
  'databaseAuthToken',
  'smtpUrl',
];
const SECRET_FIELD_NAME = new RegExp(`"(?:${SECRET_FIELDS.join('|')})":`, 'i');
const SECRET_FIELD_VALUE = new RegExp(`("(?:${SECRET_FIELDS.join('|')})":)(?:"(?:[^"\\\\]|\\\\.)*"|\\[(?:"(?:[^"\\\\]|\\\\.)*",?)*\\]|-?[\\d.]+)`, 'gi');

/**
 * Builds the scrubber for one process from its secret values (HERALD_SECRET, tokens, the SMTP
 * password …). Short values are ignored: replacing a 3-character string everywhere would
 * mangle the log and protect nothing.
 *
 * It runs on every line Herald writes, the access log's included, so each rule first looks
 * for a plain substring it needs (`://`, `=`, `subscribe/` …) and runs its regular expression
 * only where that is found: a line with nothing to hide, nearly every line, costs a few scans.
 * @example makeScrubber(['s3cret-token-…'])('Bearer s3cret-token-…') // 'Bearer [redacted]'
 * @example makeScrubber([])('{"password":"hunter2"}') // '{"password":"[redacted]"}'
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
  const known = [...values].sort((a, b) => b.length - a.length);
  const knownPattern = known.length ? new RegExp(known.map(escapeRegExp).join('|'), 'g') : null;
  const rules: { needs: (text: string) => boolean; pattern: RegExp; replacement: string }[] = [
    // A credential field's JSON value, at any depth: a string, an array of strings, or a number.
    { needs: (t) => SECRET_FIELD_NAME.test(t), pattern: SECRET_FIELD_VALUE, replacement: `$1"${REDACTED}"` },
    { needs: (t) => t.includes('subscribe/'), pattern: TOKEN_PATHS, replacement: `$1${REDACTED}` },
    // scheme://user:password@host → scheme://user:[redacted]@host
    { needs: (t) => t.includes('://') && t.includes('@'), pattern: /([a-z][a-z0-9+.-]*:\/\/[^:/@\s"]*:)[^@/\s"]+@/gi, replacement: `$1${REDACTED}@` },
    { needs: (t) => /bearer/i.test(t), pattern: /(\bBearer\s+)[A-Za-z0-9._~+/=-]+/gi, replacement: `$1${REDACTED}` },
    { needs: (t) => t.includes('='), pattern: /((?:authToken|authorization|password|cookie|secret|token)=)[^&\s"]+/gi, replacement: `$1${REDACTED}` },
  ];
  return (text) => {
    let out = text;
    for (const rule of rules) if (rule.needs(out)) out = out.replace(rule.pattern, rule.replacement);
    if (knownPattern && known.some((value) => out.includes(value))) out = out.replace(knownPattern, REDACTED);
    return out;
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
