/**
 * What customers must not read in a public message: the internals an engineer pastes while
 * firefighting — internal host names and private addresses, email addresses, the plan's
 * severity codes, the incident commander's name, stack traces, and template blanks left
 * unfilled. Pure: the commands run it before every public write (each feature's commands.ts), and a person
 * may publish anyway by acknowledging the findings.
 */

export type LeakRule = 'internal_host' | 'private_ip' | 'email' | 'severity_code' | 'commander' | 'stack_trace' | 'blank';

/** One thing found in one field: `field` is the input's field name, `found` the text itself. */
export type LeakFinding = { field: string; rule: LeakRule; found: string };

const WHAT: Record<LeakRule, string> = {
  internal_host: 'an internal host name',
  private_ip: 'a private IP address',
  email: 'an email address',
  severity_code: 'an internal severity code',
  commander: "the incident commander's name",
  stack_trace: 'a stack trace',
  blank: 'an unfilled template blank',
};

/** "an internal host name "db-prod-3"": how a finding reads beside its field. */
export const describeFinding = (f: LeakFinding) => `${WHAT[f.rule]} "${f.found}"`;

const INTERNAL_SUFFIX = /\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:internal|local|localdomain|corp|lan|intranet|intra|home\.arpa)\b/gi;
// A single-label host as infrastructure names them: lowercase words and digits joined by
// hyphens, ending in a number or an environment (db-prod-3, api-gw-02, redis-staging).
const SINGLE_LABEL = /(?<![\w.@/-])[a-z][a-z0-9]*(?:-[a-z0-9]+)*-(?:\d+|prod|production|staging|stg|dev|qa)(?![\w.-]*\w)/g;
// Words of that shape customers do use.
const NOT_HOSTS = new Set(['utf-8', 'utf-16', 'iso-8859-1', 'sha-1', 'sha-256', 'sha-512', 'covid-19', 'x-509', 'mp-3', 'wi-fi']);
const LOCALHOST = /\blocalhost\b/gi;
const IPV4 = /\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b/g;
const PRIVATE_IPV6 = /(?<![\w:])(?:f[cd][0-9a-f]{2}|fe80):[0-9a-f:]*[0-9a-f](?![\w:])/gi;
const EMAIL = /\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+\b/gi;
const SEVERITY = /\b(?:P[0-3]|SEV-?[0-4])\b/gi;
const STACK = [
  /^\s*at [\w$.<>[\] ]+ \(.+:\d+:\d+\)/gm, // Node / Java-ish: at foo (file.js:1:2)
  /^\s*at [\w$./\\-]+:\d+:\d+\s*$/gm, // at file.js:1:2
  /\bTraceback \(most recent call last\)|\bTraceback\b/g,
  /\bFile "[^"\n]+", line \d+/g,
  /\b[A-Z]\w*(?:Exception|Error)\b(?=:)|\bException:/g,
];
const BLANK = /\[[^\]\n]+\](?![(:[])|\{\{\s*[a-z_]+\s*\}\}/g;
const URL = /\bhttps?:\/\/[^\s<>)\]]+/gi;

const isPrivateIpv4 = (a: number, b: number) =>
  a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);

function findIn(field: string, text: string, commanders: readonly string[]): LeakFinding[] {
  const found: LeakFinding[] = [];
  const add = (rule: LeakRule, value: string) => {
    if (!found.some((f) => f.rule === rule && f.found === value)) found.push({ field, rule, found: value });
  };
  for (const m of text.matchAll(INTERNAL_SUFFIX)) add('internal_host', m[0]);
  for (const m of text.matchAll(LOCALHOST)) add('internal_host', m[0]);
  // A public link's path may look like a host name (/posts/release-2); only its host counts.
  const withoutUrls = text.replace(URL, (url) => ' '.repeat(url.length));
  for (const m of withoutUrls.matchAll(SINGLE_LABEL)) if (!NOT_HOSTS.has(m[0])) add('internal_host', m[0]);
  for (const m of text.matchAll(IPV4)) {
    const parts = m.slice(1, 5).map(Number);
    if (parts.every((n) => n <= 255) && isPrivateIpv4(parts[0]!, parts[1]!)) add('private_ip', m[0]);
  }
  for (const m of text.matchAll(PRIVATE_IPV6)) add('private_ip', m[0]);
  for (const m of text.matchAll(EMAIL)) add('email', m[0]);
  for (const m of text.matchAll(SEVERITY)) add('severity_code', m[0]);
  for (const name of commanders) {
    const trimmed = name.trim();
    if (trimmed.length >= 3 && text.toLowerCase().includes(trimmed.toLowerCase())) add('commander', trimmed);
  }
  for (const pattern of STACK) for (const m of text.matchAll(pattern)) add('stack_trace', m[0].trim());
  for (const m of text.matchAll(BLANK)) add('blank', m[0]);
  return found;
}

/**
 * Everything in `fields` (field name → public text, absent ones skipped) customers must not
 * read; `commander` is the incident's commander, whose name stays internal.
 *
 * @example findLeaks({ message: 'Failover of db-prod-3 (P2), IC: Sam Lee' }, { commander: 'Sam Lee' })
 * // [{ field: 'message', rule: 'internal_host', found: 'db-prod-3' }, { …'severity_code', found: 'P2' }, { …'commander', found: 'Sam Lee' }]
 */
export function findLeaks(fields: Readonly<Record<string, string | null | undefined>>, context: { commander?: string | null } = {}): LeakFinding[] {
  const commanders = context.commander ? [context.commander] : [];
  return Object.entries(fields).flatMap(([field, text]) => (text ? findIn(field, text, commanders) : []));
}
