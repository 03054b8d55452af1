import { describe, expect, it } from 'vitest';
import { clampToAxes, DEFAULT_AXES, growAxes } from '../app/charts/accuracyAxes';
import { spacedLogTicks } from '../app/charts/ticks';

describe('no stored run can wreck the accuracy chart', () => {
  it('a diverged run (MSE 2.84e12) leaves the MSE axis within 1e-5…1e2, with few labels; its point sits on the edge', () => {
    const axes = growAxes(DEFAULT_AXES.MSE, { metric: 'MSE', fullFlops: 2144, points: [{ x: 2144, y: 2.84e12 }, { x: 600, y: 0.013 }] });
    expect(axes.yDomain).toEqual([1e-3, 1e2]);
    const shown = spacedLogTicks(axes.yTicks, axes.yDomain, 258, 18);
    expect(shown.length).toBeLessThanOrEqual(8);
    expect(clampToAxes(axes, 2144, 2.84e12)).toEqual({ x: 2144, y: 1e2, offChart: true });
    expect(clampToAxes(axes, 600, 0.013)).toEqual({ x: 600, y: 0.013, offChart: false });
    const tiny = growAxes(axes, { metric: 'MSE', fullFlops: 2144, points: [{ x: 1e-9, y: 1e-30 }] });
    expect(tiny.yDomain[0]).toBe(1e-5);
    expect(tiny.xDomain[0]).toBeGreaterThanOrEqual(0.1);
  });

  it('EER never goes past 100 %', () => {
    const axes = growAxes(DEFAULT_AXES.EER, { metric: 'EER', fullFlops: 2e6, points: [{ x: 1e6, y: 1e9 }] });
    expect(axes.yDomain[1]).toBe(100);
  });
});

describe('log ticks that fit the axis', () => {
  const ticks = [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];
  it('keeps 1-2-5 when there is room, decades when not, every other decade when even those crowd', () => {
    expect(spacedLogTicks(ticks, [100, 100_000], 800, 48)).toEqual(ticks);
    expect(spacedLogTicks(ticks, [100, 100_000], 280, 48)).toEqual([100, 1000, 10_000, 100_000]);
    expect(spacedLogTicks(ticks, [100, 100_000], 120, 48)).toEqual([100, 10_000]);
  });

  it('at a 390 px phone width the labels are at least the gap apart', () => {
    const plot = 390 - 2 * 16 - 22 - 28 - 60; // page padding, chart margins, y axis
    const shown = spacedLogTicks(ticks, [100, 100_000], plot, 48);
    const px = (v: number) => (plot * (Math.log10(v) - 2)) / 3;
    for (let i = 1; i < shown.length; i++) expect(px(shown[i]!) - px(shown[i - 1]!)).toBeGreaterThanOrEqual(48);
  });
});

describe('the chart in words', () => {
  it('names the runs, the best point (formatted like the axes) and the axes', async () => {
    const { accuracySummary } = await import('../app/charts/accuracySummary');
    const axes = growAxes(DEFAULT_AXES.MSE, { metric: 'MSE', fullFlops: 2144, points: [] });
    const text = accuracySummary({
      modelName: 'Synthetic regression (MLP)',
      yLabel: 'validation MSE',
      axes,
      runs: { dcl: [{ x: 609, y: 0.0133333 }, { x: 2000, y: 0.02 }], uniform: [{ x: 560, y: 0.05 }], straightThrough: [] },
      beyondAxes: 1,
      paperPoints: 0,
    });
    expect(text).toContain('3 finished run(s): 2 DCL, 1 uniform width, 0 straight-through.');
    expect(text).toContain('Lowest validation MSE: 0.0133 at 609 FLOP/s.');
    expect(text).toContain('1 run(s) lie beyond the axes');
    expect(text).toContain('validation MSE from 0.001 to 1 (log)');
  });
});
