import node from '@astrojs/node';
import { defineConfig } from 'astro/config';
import { astroWithoutIcu } from './astro-patches.mjs';

// The Astro bundle is Herald's page renderer: api/server.ts loads dist/server/entry.mjs and
// renders each public page into the snapshot (see src/fetch.ts). Middleware mode, so the
// adapter never starts a server of its own.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'middleware' }),
  // One self-contained file per page: the snapshot can be copied to any static host as is.
  build: { inlineStylesheets: 'always' },
  compressHTML: true,
  // A Content-Security-Policy for every page, computed at build: script-src and style-src list
  // the hashes of the scripts and styles Astro bundled, so nothing else (an injected <script>,
  // an inline handler) runs. api/platform/http/csp.ts carries it into each page and its headers.
  security: {
    csp: {
      algorithm: 'SHA-256',
      directives: ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'"],
    },
  },
  // Rendering never wakes ICU in Node's binary (11–12 MB resident): see astro-patches.mjs.
  vite: { plugins: [astroWithoutIcu()] },
  telemetry: false,
  devToolbar: { enabled: false },
});
