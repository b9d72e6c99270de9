import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../support/server.ts';

/**
 * `npm start` and the container image run the server with the same memory settings (README,
 * "Deploying"): the allocator's tunables and Node's options are written in both places, and an
 * edit to one alone would leave the image with other figures than the ones the bench measured.
 */
const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

describe("the server's start settings", () => {
  it('gives the image the allocator tunables npm start uses', () => {
    const tunables = /GLIBC_TUNABLES=(\S+)/.exec(start)?.[1];
    expect(tunables).toMatch(/glibc\.malloc\.mmap_threshold=\d+/);
    expect(dockerfile).toContain(`GLIBC_TUNABLES=${tunables}\n`);
  });

  it('gives the image the Node options npm start uses', () => {
    const options = /\bnode ((?:--\S+ )*)build\/api\/server\.js/.exec(start)?.[1]?.trim().split(' ') ?? [];
    expect(options.length).toBeGreaterThan(0);
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...options, 'build/api/server.js']);
  });
});
