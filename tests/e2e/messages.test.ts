/**
 * A translation that is not complete stops the real server before it listens, naming what is
 * missing: customers never get a page with a hole (or an English word) where a message was.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGLISH_CATALOGUE } from '../../api/shared/messages.ts';
import { contentIn } from '../support/messages.ts';
import { removeDir, startServer } from '../support/server.ts';

/** How the server's start ended: 'ready', or what a server that exited said (its log lines' messages). */
async function start(contentDir: string): Promise<string> {
  try {
    const server = await startServer({ CONTENT_DIR: contentDir });
    await server.stop();
    removeDir(server.dir);
    return 'ready';
  } catch (error) {
    const [first, ...lines] = (error as Error).message.split('\n');
    const said = lines.flatMap((line) => {
      try {
        return [(JSON.parse(line) as { msg: string }).msg];
      } catch {
        return line ? [line] : [];
      }
    });
    return [first, ...said].join('\n');
  }
}

describe('starting with a message catalogue', () => {
  const dirs: string[] = [];
  const content = (...args: Parameters<typeof contentIn>) => dirs[dirs.push(contentIn(...args)) - 1] as string;
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('starts with a complete translation', async () => {
    expect(await start(content('de', ENGLISH_CATALOGUE))).toBe('ready');
  });

  it('refuses a catalogue that lacks keys, naming each key and the file', async () => {
    const { 'home.active': _dropped, 'subscribe.submit': _also, ...rest } = ENGLISH_CATALOGUE;
    const output = await start(content('de', rest));
    expect(output).toMatch(/server exited with 1/);
    expect(output).toMatch(/messages\/de\.json is not a complete message catalogue: it lacks 2 key\(s\): .*/);
    expect(output).toContain('home.active');
    expect(output).toContain('subscribe.submit');
  });

  it('refuses a language that has no catalogue, saying which file to write', async () => {
    const output = await start(content('fr', ENGLISH_CATALOGUE, 'de'));
    expect(output).toMatch(/server exited with 1/);
    expect(output).toMatch(/site\.json asks for language "fr", but there is no .*messages\/fr\.json/);
    expect(output).toContain('use one of: de, en');
  });
});
