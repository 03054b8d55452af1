/**
 * Serves the built app (`dist/`, from `vite build`; or the folder named by
 * E2E_DIST_DIR, so that several builds can be tested side by side) with
 * `vite preview` on a free port for the browser tests and provides its URL as `appUrl`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';

let server: PreviewServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const root = resolve(import.meta.dirname, '../..');
  const outDir = resolve(root, process.env.E2E_DIST_DIR ?? 'dist');
  if (!existsSync(resolve(outDir, 'index.html'))) {
    throw new Error(`${outDir}/index.html is missing: run \`vite build\` before the e2e tests (npm test does).`);
  }
  server = await preview({
    root,
    build: { outDir },
    logLevel: 'warn',
    preview: { port: 0, strictPort: false, host: '127.0.0.1', open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('vite preview did not report a URL');
  project.provide('appUrl', url);
}

export async function teardown(): Promise<void> {
  await server?.close();
}
