import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // End-to-end and browser tests start real servers and Chromium; give them room on a
    // shared 2-core machine without making any test about speed.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
