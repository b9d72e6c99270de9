/**
 * `npm run doctor`: prints the effective configuration (secrets masked) and checks the
 * database, the snapshot directory, the SMTP relay and the content files, one PASS/FAIL line
 * each. Exit 0 when all pass, 1 when any fails.
 */
import { loadConfig } from '../platform/config.ts';
import { describeConfig, runChecks } from '../doctor.ts';
import { runCli } from './open.ts';

runCli(async () => {
  const config = loadConfig(process.env);
  console.log('Configuration (from the environment; docs/configuration.md lists every setting):');
  for (const line of describeConfig(config)) console.log(`  ${line}`);
  console.log('');
  const checks = await runChecks(config);
  for (const check of checks) console.log(`${check.ok ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
  const failed = checks.filter((c) => !c.ok).length;
  console.log(failed ? `\n${failed} check(s) failed.` : '\nAll checks passed.');
  return failed ? 1 : 0;
});
