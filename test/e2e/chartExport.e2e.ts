/**
 * Charts save as SVG and PNG through one helper (app/charts/exportChart.ts): after a short
 * synthetic run the accuracy chart's SVG parses, holds the page's marks, title and axis labels on
 * a white background, and its PNG is the SVG at 2×; the width chart's SVG carries the styles the
 * page's stylesheet gives it (a file has no stylesheet).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, openExplorer, trainViaUi, type BrowserSession } from './helpers';

let session: BrowserSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

/** Clicks a save button and returns the downloaded file's bytes and name. */
async function save(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const download = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  const file = await download;
  const saved = { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
  if (KEEP_DIR !== null) writeFileSync(join(KEEP_DIR, saved.name), saved.bytes);
  return saved;
}

/** CHART_EXPORT_DIR=<a folder outside the repository> keeps the saved files, to look at them. */
const KEEP_DIR = process.env.CHART_EXPORT_DIR ?? null;

const POINT_MARKS = '.point-mark, .live-trajectory-point';

/** The file parsed as the browser parses an SVG document (no stylesheet, no page around it). */
function parseInPage(page: Page, text: string, selectors: Record<string, string>) {
  return page.evaluate(
    ({ text, selectors }) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      const count = Object.fromEntries(Object.entries(selectors).map(([key, selector]) => [key, doc.querySelectorAll(selector).length]));
      const style = (selector: string) => doc.querySelector(selector)?.getAttribute('style') ?? '';
      return {
        parseError: doc.querySelector('parsererror')?.textContent ?? null,
        rootName: root.localName,
        width: Number(root.getAttribute('width')),
        height: Number(root.getAttribute('height')),
        background: (() => {
          const rect = root.querySelector(':scope > rect');
          return rect === null ? null : `${rect.getAttribute('fill')} ${rect.getAttribute('width')}×${rect.getAttribute('height')}`;
        })(),
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent ?? ''),
        count,
        gridStyle: style('.line-chart-grid line'),
        seriesStyle: style('.line-chart-series'),
        chartStyle: style(':scope > svg'),
      };
    },
    { text, selectors },
  );
}

/** Width and height from a PNG's IHDR chunk (after the 8-byte signature and the chunk's length and type). */
function pngSize(bytes: Buffer): { signature: string; width: number; height: number } {
  return { signature: bytes.subarray(0, 8).toString('hex'), width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
const PNG_SIGNATURE = '89504e470d0a1a0a';

describe('charts as files', () => {
  it('the accuracy chart saves as SVG (same marks, title, axis labels, white background) and as PNG at 2×; the width chart keeps its stylesheet look', async () => {
    session = await launchBrowser();
    const { page, errors } = session;
    await page.setViewportSize({ width: 1280, height: 1400 });
    await openExplorer(page, '?backend=wasm&model=synthetic');
    const state = await trainViaUi(page, { steps: 60, evalEvery: 20, seed: 1 });
    expect(state.errors).toEqual([]);
    await page.locator('[data-testid=chart-accuracy-flops] .accuracy-plot[data-plotted-runs="1"]').waitFor({ timeout: 30_000 });

    const onPage = await page.evaluate((marks) => {
      const svg = document.querySelector('[data-testid=chart-accuracy-flops] .accuracy-plot svg')!;
      const box = svg.getBoundingClientRect();
      return { marks: svg.querySelectorAll(marks).length, width: box.width, height: box.height };
    }, POINT_MARKS);

    const svgFile = await save(page, 'export-accuracy-svg');
    expect(svgFile.name).toBe('accuracy-vs-flops-synthetic.svg');
    const text = svgFile.bytes.toString('utf8');
    expect(text).toMatch(/^<\?xml/);
    const parsed = await parseInPage(page, text, { marks: POINT_MARKS });
    console.log(
      `accuracy chart on the page: ${onPage.marks} point marks, ${onPage.width}×${onPage.height} px; SVG file ${text.length} characters, ` +
        `${parsed.count.marks} marks, ${parsed.width}×${parsed.height} px`,
    );
    expect(parsed.parseError).toBeNull();
    expect(parsed.rootName).toBe('svg');
    // One finished run and the run's validation points (steps 0, 20, 40, 60).
    expect(onPage.marks).toBeGreaterThanOrEqual(2);
    expect(parsed.count.marks).toBe(onPage.marks);
    expect(parsed.texts).toContain('Accuracy vs FLOP/s');
    expect(parsed.texts).toContain('FLOP/s (log)');
    expect(parsed.texts).toContain('validation MSE (log)');
    expect(parsed.texts).toContain('◆ finished runs: DCL');
    expect(parsed.background).toBe(`white ${parsed.width}×${parsed.height}`);
    expect(parsed.width).toBe(Math.round(onPage.width));
    expect(parsed.height).toBeGreaterThan(Math.round(onPage.height));
    // The page's font, written on the chart (it came from the stylesheet).
    expect(parsed.chartStyle).toContain('font-family');

    const png = pngSize((await save(page, 'export-accuracy-png')).bytes);
    console.log(`PNG ${png.width}×${png.height}`);
    expect(png.signature).toBe(PNG_SIGNATURE);
    expect(png.width).toBe(2 * parsed.width);
    expect(png.height).toBe(2 * parsed.height);

    // The width chart's grid and curves are styled only by the stylesheet: the file says so itself.
    const widths = await parseInPage(page, (await save(page, 'export-widths-svg')).bytes.toString('utf8'), { series: '.line-chart-series' });
    expect(widths.parseError).toBeNull();
    expect(widths.count.series).toBe(2);
    expect(widths.texts).toContain('Per-layer width K/N');
    expect(widths.texts).toContain('step');
    expect(widths.gridStyle).toContain('stroke: rgb(227, 230, 235)');
    expect(widths.gridStyle).toContain('stroke-dasharray: 3px, 3px');
    expect(widths.seriesStyle).toContain('fill: none');
    if (KEEP_DIR !== null) for (const chart of ['widths', 'loss']) await save(page, `export-${chart}-png`);
    expect(errors).toEqual([]);
  });
});
