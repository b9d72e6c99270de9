import node from '@astrojs/node';
import { defineConfig } from 'astro/config';

// The Astro bundle is Herald's page renderer: api/server.ts loads dist/server/entry.mjs and
// renders each public page into the snapshot (see src/fetch.ts). Middleware mode, so the
// adapter never starts a server of its own.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'middleware' }),
  // One self-contained file per page: the snapshot can be copied to any static host as is.
  build: { inlineStylesheets: 'always' },
  compressHTML: true,
  telemetry: false,
  devToolbar: { enabled: false },
});
