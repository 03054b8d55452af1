import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchCorpus, fetchLoader } from '../src/data/fetchCorpus';
import { DEFAULT_PUBLIC_DIR } from '../src/data/nodeCorpus';

// Serves public/ the way the app's origin does, to exercise the browser loader over HTTP.
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    readFile(join(DEFAULT_PUBLIC_DIR, path)).then(
      (bytes) => response.end(bytes),
      () => {
        response.statusCode = 404;
        response.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('fetchCorpus', () => {
  it('loads a split over HTTP like the browser does', async () => {
    const corpus = await fetchCorpus(base, { splits: ['test'] });
    expect(corpus.splits.test.speech.length).toBeGreaterThan(0);
    expect(corpus.splits.test.noise.length).toBeGreaterThan(0);
  });

  it('names a missing file', async () => {
    await expect(fetchLoader(base)('corpus/noise/none.wav')).rejects.toThrow(/corpus\/noise\/none\.wav.*404/);
  });
});
