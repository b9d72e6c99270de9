/**
 * The nginx configuration that puts nginx in front of Herald: nginx answers every published
 * file straight from the snapshot directory, with the headers Herald sends, and passes
 * everything dynamic to Herald. Pure: options in, the text of nginx's `http { }` block out
 * (`npm run -s nginx-config`, api/cli/nginx-config.ts; ops/nginx/herald.conf is its output for
 * the defaults).
 *
 * How each of Herald's answers is kept:
 * - Precompressed files: the snapshot writes `x.br` and `x.gz` beside each compressible file
 *   (api/site/snapshot.ts), each renamed into place whole, so `brotli_static` and `gzip_static`
 *   serve them as they are and a reader never gets half a file.
 * - Content-Type: Herald's own list (api/site/snapshot.ts `TYPES`), charset included.
 * - Content-Security-Policy: every page carries its own policy in a `<meta>` element (it is
 *   narrowed per page, so no one header could be right for all). A `<meta>` policy cannot say
 *   `frame-ancestors`, so nginx sends that part as the header, and browsers enforce both: the
 *   same policy Herald's header states. /embed, made to be framed, gets no header at all.
 * - Conditional requests: nginx's validators (its ETag is the file's modification time, to the
 *   second, and size, of the encoding it serves), with If-Modified-Since read as Herald reads it
 *   (`before`: not modified since, not only at, that time). Herald's own ETag is a hash of the
 *   bytes; a client switching between the two revalidates once.
 */
import { ConfigError } from '../shared/errors.ts';
import { PUBLIC_REFERRER_POLICY } from './serve.ts';

export type NginxOptions = {
  /** Where nginx listens: a port, or `address:port`. */
  listen: string;
  /** Herald's own address, `host:port`. */
  upstream: string;
  /** The snapshot directory (SNAPSHOT_DIR), absolute. */
  snapshot: string;
  /** Whether the brotli static module is loaded (Debian: libnginx-mod-http-brotli-static). */
  brotli?: boolean;
  /** The server_name; `_` answers for any host. */
  serverName?: string;
};

export const NGINX_DEFAULTS = { listen: '80', brotli: true, serverName: '_' } as const;

/**
 * What Herald answers itself: the desk, the admin and intake APIs, subscriptions, search,
 * health and metrics (api/app.ts mounts them). Anything else under /api/ that is not a
 * published file (/api/v2/*.json are) goes to Herald too, so an API client always gets
 * Herald's JSON.
 */
export const DYNAMIC_PREFIXES = ['/admin', '/subscribe', '/unsubscribe', '/search', '/healthz', '/metrics'] as const;

/**
 * Herald's Content-Types by extension (api/site/snapshot.ts); `charset_types` adds
 * `; charset=utf-8` to the text ones, as Herald sends them.
 */
const TYPES: readonly (readonly [type: string, extension: string, charset: boolean])[] = [
  ['text/html', 'html', true],
  ['application/json', 'json', true],
  ['application/rss+xml', 'xml', true],
  ['application/atom+xml', 'atom', true],
  ['text/calendar', 'ics', true],
  ['text/css', 'css', true],
  ['text/javascript', 'js', true],
  ['image/svg+xml', 'svg', false],
  ['image/png', 'png', false],
  ['image/x-icon', 'ico', false],
  ['text/plain', 'txt', true],
  ['text/csv', 'csv', true],
  ['application/manifest+json', 'webmanifest', false],
];

/** Herald's cache lifetime for every published file (api/site/serve.ts). */
const CACHE_CONTROL = 'public, max-age=5, stale-while-revalidate=30, stale-if-error=86400';
const REFERRER_POLICY = PUBLIC_REFERRER_POLICY;

/**
 * Herald's headers on a published file (api/site/serve.ts), repeated in each location that
 * serves files: nginx's add_header is inherited only by locations that add none, and Herald's
 * own answers (the proxied locations) must pass through without them. Those marked `always`
 * go with the not-found page too: its policy, as Herald sends it, and Vary, as it goes out
 * compressed.
 */
const staticHeaders = (indent: string, charsetTypes: string) =>
  [
    // Here, not for the whole server: Herald's own answers keep the Content-Type it gave them.
    'charset utf-8;',
    `charset_types ${charsetTypes};`,
    `add_header Cache-Control "${CACHE_CONTROL}";`,
    'add_header Vary Accept-Encoding always;',
    'add_header X-Content-Type-Options nosniff;',
    'add_header Access-Control-Allow-Origin $herald_allow_origin;',
    'add_header Content-Security-Policy $herald_frame_ancestors always;',
    `add_header Referrer-Policy ${REFERRER_POLICY} always;`,
  ]
    .map((line) => indent + line)
    .join('\n');

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const LISTEN = /^((\[[0-9a-fA-F:.]+\]|[0-9.]+|\*):)?(\d{1,5})$/;

/**
 * Checks the options, with a message that says what to write instead.
 * @returns the problems, empty when the options are good.
 */
export function nginxOptionProblems(options: NginxOptions): string[] {
  const problems: string[] = [];
  const port = (value: string | undefined) => Number(value) >= 1 && Number(value) <= 65535;
  const listen = LISTEN.exec(options.listen);
  if (!listen || !port(listen[3])) problems.push(`--listen ${options.listen}: use a port (8080) or address:port (127.0.0.1:8080).`);
  const upstream = HOST_PORT.exec(options.upstream);
  if (!upstream || !port(upstream[2])) problems.push(`--upstream ${options.upstream}: use Herald's host:port, e.g. 127.0.0.1:4321 (HOST and PORT).`);
  if (!options.snapshot.startsWith('/'))
    problems.push(`--snapshot ${options.snapshot}: use an absolute path (nginx resolves relative ones against its own prefix).`);
  // nginx reads the path as one token: a quote, a semicolon, a brace or a space would end it or break the file.
  if (/[\s;'"{}\\$]/.test(options.snapshot)) problems.push(`--snapshot ${options.snapshot}: use a path without spaces, quotes, braces, ';', '\\' or '$'.`);
  if (options.serverName !== undefined && !/^[A-Za-z0-9.*_-]+$/.test(options.serverName))
    problems.push(`--server-name ${options.serverName}: use a host name, e.g. status.example.com.`);
  return problems;
}

/**
 * Renders the `http { }` block's contents for `options`.
 * @example renderNginxConfig({ listen: '8080', upstream: '127.0.0.1:4321', snapshot: '/srv/herald/data/snapshot' })
 * // 'upstream herald { server 127.0.0.1:4321; … }\nserver { listen 8080; root /srv/herald/data/snapshot; … }'
 */
export function renderNginxConfig(options: NginxOptions): string {
  const problems = nginxOptionProblems(options);
  if (problems.length) throw new ConfigError(`[nginx] ${problems.join(' ')}`);
  const brotli = options.brotli ?? NGINX_DEFAULTS.brotli;
  const serverName = options.serverName ?? NGINX_DEFAULTS.serverName;
  const root = options.snapshot.replace(/\/+$/, '') || '/';
  const notPublished = `    # Not part of the site: notes beside the files (.publish.json), files being written (.tmp-),
    # and the compressed copies asked for by name.
    location ~ (/\\.|\\.tmp-|\\.(br|gz)$) {
      return 404;
    }`;
  // text/html is always among charset_types: naming it again is a warning.
  const charsetTypes = TYPES.filter(([type, , charset]) => charset && type !== 'text/html').map(([type]) => type);
  const staticHeaderLines = staticHeaders('    ', charsetTypes.join(' '));
  return `# Herald behind nginx: nginx serves the published snapshot itself and passes the rest to Herald.
# Generated by \`npm run -s nginx-config -- --listen ${options.listen} --upstream ${options.upstream} --snapshot ${root}${brotli ? '' : ' --brotli off'}${serverName === '_' ? '' : ` --server-name ${serverName}`}\`;
# it goes inside nginx's http { } block (Debian: save it as /etc/nginx/conf.d/herald.conf).
${
  brotli
    ? `# brotli_static needs Debian's libnginx-mod-http-brotli-static, which installs the line nginx.conf needs,
# outside http { } (/etc/nginx/modules-enabled/50-mod-http-brotli-static.conf):
#   load_module modules/ngx_http_brotli_static_module.so;
# Without the module, generate with --brotli off: gzip_static alone serves the .gz copies.`
    : '# brotli_static is off (generated with --brotli off): browsers get the .gz copies.'
}
# Herald: set TRUST_PROXY=1 so its sign-up and sign-in throttles see the reader's address.

upstream herald {
  server ${options.upstream};
  # Connections to Herald are kept open and reused; closed before Herald's own 5 s idle limit,
  # so nginx never sends a request down a connection Herald is closing.
  keepalive 32;
  keepalive_timeout 4s;
}

# Which files are pages: they get the framing part of their policy as a header (below).
map $uri $herald_frame_ancestors {
  ~^/embed/index\\.html$ "";
  ~\\.html$ "frame-ancestors 'none'";
  default "";
}
# Feeds, JSON and badges are fetched by other sites' pages and widgets; pages are not.
map $uri $herald_allow_origin {
  ~\\.html$ "";
  default "*";
}

server {
  listen ${options.listen};
  server_name ${serverName};
  root ${root};
  server_tokens off;
  # Published files are small (a page is a few KiB compressed): read and written with the
  # headers in one writev, rather than sendfile and the two setsockopt calls of tcp_nopush
  # around it (11 system calls a request instead of 8, a fifth of the throughput of /).
  sendfile off;
  # Relative redirects, as Herald's own: right behind any TLS terminator or host name.
  absolute_redirect off;
  # Published files are compressed once, at publish; nothing is compressed per request.
  # (Pages rendered per request by Herald are not compressed either: the desk's carry secrets, BREACH.)
  gzip off;
  gzip_static on;
${brotli ? '  brotli_static on;\n' : ''}  # "Not modified since" means at or before, as Herald reads it (RFC 9110 §13.1.3).
  if_modified_since before;
  # Herald's bodies are at most 256 KiB (api/platform/http/body-limit.ts); it answers larger ones itself.
  client_max_body_size 1m;

  types {
${TYPES.map(([type, extension]) => `    ${type} ${extension};`).join('\n')}
  }
  default_type application/octet-stream;

  # A page is dir/index.html; /history, /history/ and /history/index.html are one page.
  # Pages first: / and the incident pages are what a crowd reads, found with one stat.
  location / {
    try_files $uri/index.html $uri =404;
${staticHeaderLines}
${notPublished}
  }
  error_page 404 /404.html;
  location = /404.html {
    # The public not-found page, as a published file or for any path not published.
${staticHeaderLines}
  }
  # Short links (api/features/incidents/short-links.ts), answered here: they need no database.
  location ~ "^/i/([1-9][0-9]{0,15})$" {
    add_header Referrer-Policy ${REFERRER_POLICY} always;
    return 301 /incidents/INC-$1;
  }

  # Everything dynamic is Herald's: its answer, headers and all, passes through unchanged.
  location /api/ {
    # /api/v2/*.json (Statuspage) are published files; the admin and intake APIs, the OpenAPI
    # document and any other /api/ path are Herald's.
    try_files $uri @herald;
${staticHeaderLines}
${notPublished}
  }
${DYNAMIC_PREFIXES.map((prefix) => `  location ${prefix} {\n    proxy_pass http://herald;\n  }`).join('\n')}
  location @herald {
    proxy_pass http://herald;
  }

  proxy_http_version 1.1;
  proxy_set_header Connection "";
  # Herald checks that a form was posted from its own origin: it must see the host the reader used.
  proxy_set_header Host $http_host;
  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
  proxy_set_header X-Forwarded-Proto $scheme;
}
`;
}
