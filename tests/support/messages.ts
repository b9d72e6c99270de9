/** Content folders in other languages, for the tests of the message catalogue. */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGLISH_CATALOGUE } from '../../api/shared/messages.ts';
import { CONTENT_DIR } from './app.ts';

/** Every English message wrapped in ⟦…⟧, placeholders kept: what a translator's file looks like to the code. */
export function pseudoCatalogue(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(ENGLISH_CATALOGUE).map(([key, value]) => [
      key,
      key.startsWith('$')
        ? value
        : typeof value === 'string'
          ? `⟦${value}⟧`
          : Object.fromEntries(Object.entries(value).map(([form, text]) => [form, `⟦${text}⟧`])),
    ]),
  );
}

/**
 * A content folder like the shipped one, speaking `language` with `catalogue`; its site and
 * services are named with made-up words, so no English in the data is taken for the catalogue's.
 */
export function contentIn(language: string, catalogue: Record<string, unknown>, catalogueFile = language): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-content-'));
  cpSync(CONTENT_DIR, dir, { recursive: true });
  writeFileSync(
    join(dir, 'site.json'),
    JSON.stringify({ name: 'Zorvex', title: 'Zorvex Qadrant', description: 'Zorvex qadrant', supportUrl: 'https://example.com/support', language }),
  );
  writeFileSync(
    join(dir, 'services.json'),
    JSON.stringify({
      groups: [
        {
          slug: 'core',
          name: 'Quorl',
          services: [
            { slug: 'api', name: 'Blorp', description: 'Blorp zindle' },
            { slug: 'database', name: 'Vexil', description: '' },
          ],
        },
      ],
    }),
  );
  writeFileSync(join(dir, 'messages', `${catalogueFile}.json`), JSON.stringify(catalogue));
  return dir;
}
