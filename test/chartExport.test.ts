/** The chart file's logic that does not need a browser: which styles to write, and the header's layout. */
import { describe, expect, it } from 'vitest';
import { declarationsToWrite, headerLayout, LEGEND_SIZE, STYLED_PROPERTIES, TITLE_SIZE } from '../app/charts/exportChart';

const pageDefaults: Record<string, string> = {
  fill: 'rgb(0, 0, 0)',
  'fill-opacity': '1',
  stroke: 'none',
  'stroke-width': '1px',
  'stroke-dasharray': 'none',
  'stroke-opacity': '1',
  'stroke-linejoin': 'miter',
  'stroke-linecap': 'butt',
  'font-family': 'system-ui, sans-serif',
  'font-size': '16px',
  'font-weight': '400',
  'font-style': 'normal',
  'text-anchor': 'start',
  'dominant-baseline': 'auto',
  visibility: 'visible',
  opacity: '1',
  display: 'inline',
};

describe('declarationsToWrite', () => {
  it('writes every inherited property on the root (a file has nothing above it), but not initial values of the others', () => {
    const written = declarationsToWrite(pageDefaults, null);
    expect(Object.keys(written).sort()).toEqual(STYLED_PROPERTIES.filter((p) => p !== 'opacity' && p !== 'display').sort());
    expect(written['font-family']).toBe('system-ui, sans-serif');
  });

  it('writes what differs from the parent (inherited) or from the initial value (not inherited), nothing else', () => {
    const gridLine = { ...pageDefaults, stroke: 'rgb(227, 230, 235)', 'stroke-dasharray': '3px, 3px' };
    expect(declarationsToWrite(gridLine, pageDefaults)).toEqual({ stroke: 'rgb(227, 230, 235)', 'stroke-dasharray': '3px, 3px' });
    expect(declarationsToWrite(pageDefaults, pageDefaults)).toEqual({});
    // opacity and display do not inherit: a child of a faded group is not written again.
    const faded = { ...pageDefaults, opacity: '0.8' };
    expect(declarationsToWrite(faded, pageDefaults)).toEqual({ opacity: '0.8' });
    expect(declarationsToWrite(pageDefaults, faded)).toEqual({});
    expect(declarationsToWrite({ ...pageDefaults, display: 'none' }, pageDefaults)).toEqual({ display: 'none' });
  });

  it('skips properties the browser gave no value', () => {
    expect(declarationsToWrite({ fill: '' }, null)).toEqual({});
  });
});

describe('headerLayout', () => {
  // Every character 10 px wide.
  const measure = (text: string) => 10 * text.length;

  it('puts the title on the first line and the legend below it, flowing left to right', () => {
    const layout = headerLayout({ title: 'Loss', legend: [{ label: 'aaaa', colour: 'red' }, { label: 'bb', colour: 'blue' }] }, 400, measure);
    expect(layout.title.y).toBe(8 + TITLE_SIZE);
    expect(layout.legend.map((l) => [l.x, l.y])).toEqual([
      [8, 8 + TITLE_SIZE + 8 + LEGEND_SIZE],
      [8 + 40 + 16, 8 + TITLE_SIZE + 8 + LEGEND_SIZE],
    ]);
    expect(layout.height).toBe(8 + TITLE_SIZE + 8 + LEGEND_SIZE + 8);
  });

  it('wraps an entry that would cross the right edge onto the next line, and the header grows with it', () => {
    const legend = ['a'.repeat(15), 'b'.repeat(15), 'c'.repeat(15)].map((label) => ({ label, colour: 'black' }));
    const oneLine = headerLayout({ title: 'T', legend }, 1000, measure);
    const wrapped = headerLayout({ title: 'T', legend }, 360, measure);
    expect(new Set(oneLine.legend.map((l) => l.y)).size).toBe(1);
    // 8 + 150 + 16 + 150 = 324 ≤ 352: two entries fit on a line, the third starts the next one at the left.
    expect(wrapped.legend.map((l) => l.x)).toEqual([8, 174, 8]);
    expect(wrapped.legend[2]!.y).toBeCloseTo(wrapped.legend[0]!.y + 1.4 * LEGEND_SIZE);
    expect(wrapped.height).toBeGreaterThan(oneLine.height);
    // An entry wider than the chart still gets a line of its own rather than an empty one before it.
    expect(headerLayout({ title: 'T', legend: [{ label: 'x'.repeat(100), colour: 'black' }] }, 360, measure).legend[0]!.x).toBe(8);
  });

  it('without a legend the header is the title alone', () => {
    expect(headerLayout({ title: 'EER by SNR' }, 260, measure).height).toBe(8 + TITLE_SIZE + 8);
  });
});
