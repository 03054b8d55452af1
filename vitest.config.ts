import { defineConfig } from 'vitest/config';

// Unit tests run in Node on tfjs CPU, which is slow: timeouts are generous.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', 'dist/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
