import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // End-to-end and browser tests start real servers and Chromium; give them room on a
    // shared 2-core machine without making any test about speed.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One file at a time: the end-to-end, crash and browser files each start real servers and
    // Chromium, and two of them side by side on a 2-core machine starve each other into timeouts.
    fileParallelism: false,
  },
});
