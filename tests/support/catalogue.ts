/** Content folders with a large service catalogue, for the pages of a company with many services. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalogue } from '../../api/platform/content.ts';
import { CONTENT_DIR } from './app.ts';

/**
 * A content folder like the shipped one whose catalogue has `count` services: the shipped ten in
 * their groups, then `Service 011`, `Service 012`, … dealt across the same groups in turn (as
 * `npm run seed -- --services N` does).
 */
export function contentWithServices(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-catalogue-'));
  cpSync(CONTENT_DIR, dir, { recursive: true });
  const catalogue = JSON.parse(readFileSync(join(CONTENT_DIR, 'services.json'), 'utf8')) as Catalogue;
  const shipped = catalogue.groups.reduce((n, g) => n + g.services.length, 0);
  for (let n = shipped + 1; n <= count; n++) {
    const name = `Service ${String(n).padStart(3, '0')}`;
    catalogue.groups[n % catalogue.groups.length]?.services.push({
      slug: `service-${String(n).padStart(3, '0')}`,
      name,
      description: `${name}, made up for a test.`,
    });
  }
  writeFileSync(join(dir, 'services.json'), JSON.stringify(catalogue));
  return dir;
}
