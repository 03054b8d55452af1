import { describe, expect, it } from 'vitest';
import { DEFAULT_AXES, growAxes } from '../app/charts/accuracyAxes';
import { axisScales, placeInPlot } from '../app/charts/placeInPlot';

describe('accuracy chart axes', () => {
  it('are set from the full-width FLOP/s alone, before any point: full down to a hundredth, EER 0–50 %', () => {
    const axes = growAxes(DEFAULT_AXES.EER, { metric: 'EER', fullFlops: 6e6, points: [] });
    expect(axes.xDomain[0]).toBeLessThanOrEqual(6e4);
    expect(axes.xDomain[0]).toBeGreaterThan(6e3);
    expect(axes.xDomain[1]).toBeGreaterThanOrEqual(6e6);
    expect(axes.xDomain[1]).toBeLessThanOrEqual(2e7);
    expect(axes.yDomain).toEqual([0, 50]);
    expect(axes.yScale).toBe('linear');
    // A run's points inside that range do not move them.
    expect(growAxes(axes, { metric: 'EER', fullFlops: 6e6, points: [{ x: 5.5e6, y: 30 }, { x: 2e5, y: 12 }] })).toBe(axes);
    expect(growAxes(DEFAULT_AXES.EER, { metric: 'EER', fullFlops: undefined, points: [] })).toBe(DEFAULT_AXES.EER);
  });

  it('MSE is a log axis from 10⁻³ to 1 that grows by decades; x grows when a point falls outside', () => {
    const first = growAxes(DEFAULT_AXES.MSE, { metric: 'MSE', fullFlops: 2144, points: [] });
    expect(first.yScale).toBe('log');
    expect(first.yDomain).toEqual([1e-3, 1]);
    expect(first.yTicks).toEqual(expect.arrayContaining([0.001, 0.01, 0.1, 1]));
    const same = growAxes(first, { metric: 'MSE', fullFlops: 2144, points: [{ x: 2000, y: 0.4 }, { x: 500, y: 0.012 }] });
    expect(same).toBe(first);
    const grown = growAxes(first, { metric: 'MSE', fullFlops: 2144, points: [{ x: 5, y: 3 }, { x: 1000, y: 2e-4 }] });
    expect(grown.xDomain[0]).toBeLessThan(5);
    expect(grown.xDomain[1]).toBe(first.xDomain[1]);
    expect(grown.yDomain).toEqual([1e-4, 10]);
    // A value a log axis cannot show is left out rather than breaking the axis.
    expect(growAxes(first, { metric: 'MSE', fullFlops: 2144, points: [{ x: 1000, y: 0 }] })).toBe(first);
  });
});

describe('placing points in the plot', () => {
  // A log x axis over [10, 10 000] on pixels 50–350, a linear y axis over [0, 50] on 250–10.
  const area = { x: 50, y: 10, width: 300, height: 240 };
  const axes = { ...DEFAULT_AXES.EER, xDomain: [10, 10_000] as [number, number], yDomain: [0, 50] as [number, number] };
  const { x: xScale, y: yScale } = axisScales(axes, area);

  it('scales x by its logarithm and y linearly (or by its logarithm on a log axis)', () => {
    expect(xScale(10)).toBeCloseTo(50, 9);
    expect(xScale(100)).toBeCloseTo(150, 9);
    expect(xScale(10_000)).toBeCloseTo(350, 9);
    expect(yScale(0)).toBeCloseTo(250, 9);
    expect(yScale(12.5)).toBeCloseTo(190, 9);
    const log = axisScales({ ...axes, yScale: 'log', yDomain: [1e-3, 1] }, area).y;
    expect(log(1e-2)).toBeCloseTo(170, 9);
    expect(log(0)).toBeUndefined();
  });

  it('puts a point inside the axes where the scales say', () => {
    expect(placeInPlot(xScale, yScale, area, 1000, 25)).toEqual({ cx: 250, cy: 130, offChart: false });
  });

  it('puts a point beyond the axes on the nearest edge, flagged', () => {
    expect(placeInPlot(xScale, yScale, area, 1, 25)).toEqual({ cx: 50, cy: 130, offChart: true });
    expect(placeInPlot(xScale, yScale, area, 1000, 80)).toEqual({ cx: 250, cy: 10, offChart: true });
  });

  it('places nothing a scale cannot place', () => {
    expect(placeInPlot(xScale, yScale, area, 0, 25)).toBeNull();
    expect(placeInPlot(xScale, yScale, area, 1000, Number.NaN)).toBeNull();
  });
});
