/**
 * `npm run -s nginx-config -- [--listen PORT] [--upstream HOST:PORT] [--snapshot DIR]
 * [--brotli on|off] [--server-name NAME]`: prints what goes inside nginx's `http { }` block to
 * put nginx in front of Herald (api/site/nginx-config.ts). Without a flag, the value is the one
 * Herald itself would use: HOST:PORT and SNAPSHOT_DIR from the environment, port 80 for nginx.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../platform/config.ts';
import { NGINX_DEFAULTS, nginxOptionProblems, renderNginxConfig } from '../site/nginx-config.ts';
import { runCli } from './open.ts';

const USAGE =
  'Usage: npm run -s nginx-config -- [--listen PORT] [--upstream HOST:PORT] [--snapshot DIR] [--brotli on|off] [--server-name NAME] > /etc/nginx/conf.d/herald.conf';

runCli(async () => {
  const argOptions = {
    listen: { type: 'string' },
    upstream: { type: 'string' },
    snapshot: { type: 'string' },
    brotli: { type: 'string' },
    'server-name': { type: 'string' },
    help: { type: 'boolean' },
  } as const;
  let values: ReturnType<typeof parseArgs<{ options: typeof argOptions }>>['values'];
  try {
    ({ values } = parseArgs({ options: argOptions }));
  } catch (error) {
    console.error(`[nginx] ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.brotli !== undefined && values.brotli !== 'on' && values.brotli !== 'off') {
    console.error(`[nginx] --brotli is on (the brotli static module is loaded) or off.\n${USAGE}`);
    return 2;
  }
  const config = loadConfig(process.env);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const options = {
    listen: values.listen ?? NGINX_DEFAULTS.listen,
    upstream: values.upstream ?? `${host === '0.0.0.0' ? '127.0.0.1' : host}:${config.port}`,
    snapshot: resolve(values.snapshot ?? config.snapshotDir),
    brotli: values.brotli !== 'off',
    serverName: values['server-name'] ?? NGINX_DEFAULTS.serverName,
  };
  const problems = nginxOptionProblems(options);
  if (problems.length) {
    console.error(`[nginx] ${problems.join('\n[nginx] ')}\n${USAGE}`);
    return 2;
  }
  process.stdout.write(renderNginxConfig(options));
  return 0;
});
