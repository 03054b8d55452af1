import { defineConfig } from 'vitest/config';

// Browser tests: a real headless Chromium against the built app (see test/e2e/).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['test/e2e/global-setup.ts'],
    // One browser at a time: software WebGPU is CPU-bound and the machine is small.
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
