/**
 * The examples in docs/signals.md are real: the recording rules pass `promtool check rules` and
 * the blackbox scrape job `promtool check config` (Debian's promtool, as .ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../support/server.ts';

const doc = readFileSync(join(ROOT, 'docs', 'signals.md'), 'utf8');
const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const dir = mkdtempSync(join(tmpdir(), 'herald-signals-docs-'));

function promtool(args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { encoding: 'utf8', timeout: 20_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('docs/signals.md', () => {
  it('has recording rules promtool accepts, recording herald:availability', () => {
    const rules = yamlBlocks.find((b) => b.startsWith('groups:'));
    expect(rules).toContain('record: herald:availability');
    writeFileSync(join(dir, 'herald.rules.yml'), rules as string);
    const check = promtool(['check', 'rules', join(dir, 'herald.rules.yml')]);
    expect(check.output).toMatch(/SUCCESS: 3 rules found/);
    expect(check.status, check.output).toBe(0);
  });

  it('has a blackbox exporter job promtool accepts as a Prometheus configuration', () => {
    const scrape = yamlBlocks.find((b) => b.startsWith('scrape_configs:'));
    expect(scrape).toContain('job_name: blackbox');
    writeFileSync(join(dir, 'prometheus.yml'), scrape as string);
    const check = promtool(['check', 'config', join(dir, 'prometheus.yml')]);
    expect(check.status, check.output).toBe(0);
  });

  it('is checked for real: promtool refuses a broken rule', () => {
    writeFileSync(join(dir, 'broken.rules.yml'), 'groups:\n  - name: x\n    rules:\n      - record: herald:availability\n        expr: min(probe_success{\n');
    expect(promtool(['check', 'rules', join(dir, 'broken.rules.yml')]).status).not.toBe(0);
  });
});
