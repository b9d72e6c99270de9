/**
 * `/` while the public search is flooded (issue 21, finding 4: `wrk -c16 '/search?q=e'` on 3,000
 * incidents took `/` from ~10 ms to 250 ms and an admin write from 0.19 s to 3.3 s). Herald
 * runs on a database of 3,000 incidents (`npm run seed`, kept in bench/.cache); for each case
 * `/` is loaded with wrk and its p99 read, and five admin writes are timed:
 *
 * - alone;
 * - under one address's flood, as the issue ran it: 16 connections asking `/search?q=e`;
 * - under a flood from many addresses, each asking something new: behind a proxy
 *   (TRUST_PROXY=1), every request with another X-Forwarded-For and another spelling of a
 *   search that matches hundreds of incidents, so nothing is served from the kept pages and
 *   no address is over its share: only the budget of new searches stands between the flood
 *   and the published pages.
 *
 * Run alone after `npm run build`: `node bench/search-flood.ts`; `npm run bench` runs it too.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServer, type RunningServer } from '../tests/support/server.ts';
import { median, round } from './stats.ts';
import { wrk, type WrkResult } from './wrk.ts';

export const SEARCH_FLOOD = { incidents: 3_000, services: 20, homeConnections: 8, floodConnections: 16, seconds: 8, rounds: 3, writesPerRound: 2 } as const;

export type FloodCase = {
  name: string;
  /** Medians over the rounds of wrk's figures for `/`. */
  home: { requestsPerSecond: number; p50Ms: number; p99Ms: number; p99ByRound: number[] };
  /** ms from sending each admin write (an update to an open incident, a publish) to its 201, every round's. */
  writes: number[];
  /** The flood's own figures, summed over the rounds (its 429 and 503 are wrk's "error responses"); null alone. */
  flood: { requestsPerSecond: number; requests: number; refused: number } | null;
};
export type SearchFloodResult = { incidents: number; cases: FloodCase[]; seedSeconds: number | null };

const CACHE = join(import.meta.dirname, '.cache');

/** A database of SEARCH_FLOOD.incidents incidents, from the cache when the same seed and migrations made one before. */
function seeded(log: (line: string) => void): { file: string; seedSeconds: number | null } {
  const { incidents, services } = SEARCH_FLOOD;
  const version = createHash('sha256')
    .update(readFileSync(join(ROOT, 'api', 'cli', 'seed.ts')))
    .update(readdirSync(join(ROOT, 'api', 'platform', 'db', 'migrations')).join())
    .digest('hex')
    .slice(0, 10);
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `search-${incidents}-${services}-${version}.db`);
  if (existsSync(file)) return { file, seedSeconds: null };
  for (const old of readdirSync(CACHE).filter((f) => f.startsWith(`search-${incidents}-`))) rmSync(join(CACHE, old), { force: true });
  log(`  seeding ${incidents} incidents across ${services} services (once; kept in bench/.cache)…`);
  const started = performance.now();
  execFileSync(process.execPath, [join(ROOT, 'api', 'cli', 'seed.ts'), '--incidents', String(incidents), '--services', String(services)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${file}.tmp`, HERALD_DEMO: 'false' },
    stdio: 'ignore',
  });
  renameSync(`${file}.tmp`, file);
  for (const f of readdirSync(CACHE).filter((f) => f.startsWith(`search-${incidents}-${services}-${version}.db.tmp`))) rmSync(join(CACHE, f), { force: true });
  return { file, seedSeconds: round((performance.now() - started) / 1000, 1) };
}

/** A wrk script: every request from another address and another spelling of words the seed's titles hold. */
const MANY_ADDRESSES_LUA = `
local words = { "elevated", "error", "rates", "slow", "responses", "delayed", "processing", "sign", "failures", "partial", "outage", "degraded", "performance" }
math.randomseed(os.time())
local function spell(word)
  local out = {}
  for i = 1, #word do
    local c = word:sub(i, i)
    if math.random() < 0.5 then c = c:upper() end
    out[#out + 1] = c
  end
  return table.concat(out)
end
request = function()
  local address = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  local q = spell(words[math.random(#words)])
  return wrk.format("GET", "/search?q=" .. q, { ["X-Forwarded-For"] = address })
end
`;

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`[Bench] ${what} did not happen in ${timeoutMs / 1000} s.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Admin writes, one after another, each timed from send to 201. */
async function timeWrites(url: string, adminToken: string, ref: string, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let n = 0; n < count; n++) {
    const started = performance.now();
    const res = await fetch(`${url}/api/admin/incidents/${ref}/updates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'mitigating', message: `Bench: still mitigating (${n}).` }),
      signal: AbortSignal.timeout(30_000),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`[Bench] An admin write answered ${res.status}.`);
    samples.push(round(performance.now() - started, 1));
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return samples;
}

type Flood = { name: string; run: ((seconds: number) => Promise<WrkResult>) | null };

/** One round of one case: `/` with wrk, then admin writes, all inside the flood (started 2 s before, running on past both). */
async function measureOnce(url: string, adminToken: string, ref: string, flood: Flood) {
  const flooding = flood.run ? flood.run(2 + SEARCH_FLOOD.seconds + 12) : null;
  if (flooding) await new Promise((resolve) => setTimeout(resolve, 2000));
  const home = await wrk(`${url}/`, { connections: SEARCH_FLOOD.homeConnections, seconds: SEARCH_FLOOD.seconds, headers: { 'accept-encoding': 'br, gzip' } });
  const writes = await timeWrites(url, adminToken, ref, SEARCH_FLOOD.writesPerRound);
  return { home, writes, flood: flooding ? await flooding : null };
}

/**
 * Each case SEARCH_FLOOD.rounds times, the cases taking turns (each round starts with the next
 * one), so that a shared machine's noise falls on all of them alike; medians over rounds.
 */
async function measureCases(url: string, adminToken: string, ref: string, floods: Flood[], log: (line: string) => void): Promise<FloodCase[]> {
  const runs = new Map<string, Awaited<ReturnType<typeof measureOnce>>[]>(floods.map((f) => [f.name, []]));
  for (let round = 0; round < SEARCH_FLOOD.rounds; round++) {
    for (let i = 0; i < floods.length; i++) {
      const flood = floods[(round + i) % floods.length] as Flood;
      const run = await measureOnce(url, adminToken, ref, flood);
      runs.get(flood.name)!.push(run);
      log(
        `  round ${round + 1}, ${flood.name}: / p99 ${run.home.p99Ms} ms (${Math.round(run.home.requestsPerSecond)} req/s), admin writes ${run.writes.join(', ')} ms`,
      );
    }
  }
  return floods.map((f) => {
    const all = runs.get(f.name)!;
    const floods = all.map((r) => r.flood).filter((r): r is WrkResult => r !== null);
    return {
      name: f.name,
      home: {
        requestsPerSecond: median(all.map((r) => r.home.requestsPerSecond)),
        p50Ms: median(all.map((r) => r.home.p50Ms)),
        p99Ms: median(all.map((r) => r.home.p99Ms)),
        p99ByRound: all.map((r) => r.home.p99Ms),
      },
      writes: all.flatMap((r) => r.writes),
      flood: floods.length
        ? {
            requestsPerSecond: median(floods.map((r) => r.requestsPerSecond)),
            requests: floods.reduce((n, r) => n + r.requests, 0),
            refused: floods.reduce((n, r) => n + r.errorResponses, 0),
          }
        : null,
    };
  });
}

/** Until the server has written nothing for `quietMs`: a new start catches up on work (the watchdog's first pass) that would load the measurements. */
async function settled(server: RunningServer, quietMs: number, timeoutMs: number): Promise<void> {
  let length = server.output().length;
  let quietSince = performance.now();
  await until(
    () => {
      const now = server.output().length;
      if (now !== length) {
        length = now;
        quietSince = performance.now();
      }
      return performance.now() - quietSince >= quietMs;
    },
    timeoutMs,
    'The server settling',
  );
}

export async function measureSearchFlood(options: {
  nodeArgs: string[];
  env: Record<string, string>;
  log: (line: string) => void;
  children: { stop(): unknown }[];
}): Promise<SearchFloodResult> {
  const { log } = options;
  const adminToken = randomBytes(24).toString('base64url');
  const { file, seedSeconds } = seeded(log);
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-search-'));
  copyFileSync(file, join(dir, 'herald.db'));
  const env = { ...options.env, HERALD_ADMIN_TOKEN: adminToken, PUBLIC_URL: 'https://status.example.test' };
  const cases: FloodCase[] = [];
  let server: RunningServer | undefined;
  try {
    // On an empty snapshot directory the first start renders every page: measured only once that is done.
    server = await startServer(env, dir, { waitFor: 'listening', nodeArgs: options.nodeArgs });
    options.children.push(server);
    log('  rendering every page once before measuring…');
    await until(() => /Every page is published/.test(server!.output()), 900_000, 'Rendering every page');
    const list = (await (await fetch(`${server.url}/api/admin/incidents`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as {
      incidents: { ref: string }[];
    };
    const ref = list.incidents[0]?.ref;
    if (!ref) throw new Error('[Bench] The seeded database has no open incident to write to.');
    const url = server.url;
    await settled(server, 5000, 600_000);
    cases.push(
      ...(await measureCases(
        url,
        adminToken,
        ref,
        [
          { name: '`/` alone', run: null },
          // What any crowd of that size costs `/`: the floor a search flood is compared with.
          { name: 'a flood of `/` itself: 16 connections', run: (s) => wrk(`${url}/`, { connections: SEARCH_FLOOD.floodConnections, seconds: s }) },
          {
            name: "one address's search flood: 16 connections asking `/search?q=e`",
            run: (s) => wrk(`${url}/search?q=e`, { connections: SEARCH_FLOOD.floodConnections, seconds: s }),
          },
        ],
        log,
      )),
    );
    await server.stop();

    // Behind a proxy, so that each request can come from another address (X-Forwarded-For).
    server = await startServer({ ...env, TRUST_PROXY: '1' }, dir, { waitFor: 'listening', nodeArgs: options.nodeArgs });
    options.children.push(server);
    await until(() => /Ready at/.test(server!.output()), 300_000, 'Starting on the rendered snapshot');
    await settled(server, 5000, 600_000);
    const proxied = server.url;
    const script = join(dir, 'many-addresses.lua');
    writeFileSync(script, MANY_ADDRESSES_LUA);
    cases.push(
      ...(await measureCases(
        proxied,
        adminToken,
        ref,
        [
          { name: '`/` alone, behind a proxy (TRUST_PROXY=1)', run: null },
          {
            name: 'many addresses, each search new: 16 connections, random X-Forwarded-For, random spellings',
            run: (s) => wrk(`${proxied}/search`, { connections: SEARCH_FLOOD.floodConnections, seconds: s, script }),
          },
        ],
        log,
      )),
    );
    return { incidents: SEARCH_FLOOD.incidents, cases, seedSeconds };
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

/** The report's table. */
export function searchFloodMarkdown(result: SearchFloodResult): string[] {
  return [
    `Herald on ${result.incidents.toLocaleString('en')} incidents (\`npm run seed\`), after its first start has rendered every page and settled. Each case, ${SEARCH_FLOOD.rounds} rounds taking turns: \`/\` loaded by wrk (${SEARCH_FLOOD.homeConnections} connections, ${SEARCH_FLOOD.seconds} s, \`Accept-Encoding: br, gzip\`), then ${SEARCH_FLOOD.writesPerRound} admin writes (an update to an open incident, each a publish) timed one after another; alone, or inside a flood by a second wrk (${SEARCH_FLOOD.floodConnections} connections) of \`/\` itself (what any crowd that size costs) or of the search. Medians over rounds. \`npm run build && node bench/search-flood.ts\` runs this part alone.`,
    '',
    '| case | `/` requests/s | `/` p50 | `/` p99 (each round) | admin write (median, max) | flood requests/s | flood answers refused (429/503) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...result.cases.map(
      (c) =>
        `| ${c.name} | ${Math.round(c.home.requestsPerSecond)} | ${c.home.p50Ms} ms | ${c.home.p99Ms} ms (${c.home.p99ByRound.join(', ')}) | ${round(median(c.writes))} ms, ${Math.max(...c.writes)} ms | ${c.flood ? Math.round(c.flood.requestsPerSecond) : ''} | ${c.flood ? `${c.flood.refused} of ${c.flood.requests}` : ''} |`,
    ),
  ];
}

if (import.meta.main) {
  const log = (line: string) => console.info(line);
  const children: { stop(): unknown }[] = [];
  const start = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start as string;
  const nodeArgs = (/node((?:\s+--\S+)*)\s+build\/api\/server\.js/.exec(start)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const env = Object.fromEntries([...start.matchAll(/\b([A-Z_]+)=(\S+)/g)].map((m) => [m[1] as string, m[2] as string]));
  log(`[Bench] \`/\` under a search flood, ${SEARCH_FLOOD.incidents.toLocaleString('en')} incidents`);
  try {
    const result = await measureSearchFlood({ nodeArgs, env, log, children });
    log(searchFloodMarkdown(result).join('\n'));
  } catch (error) {
    console.error(error instanceof Error ? error.stack : error);
    for (const child of children) child.stop();
    process.exitCode = 2;
  }
}
