import { describe, expect, it } from 'vitest';
import { chartGeometry } from '../app/charts/lineChartGeometry';
import { logStepCeil, logStepFloor, logTicks, niceDomain, niceTicks } from '../app/charts/ticks';

describe('chart ticks', () => {
  it('gives round 1-2-5 steps', () => {
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 800, 5)).toEqual([0, 200, 400, 600, 800]);
    expect(niceDomain(0.013, 0.44, 5).domain).toEqual([0, 0.5]);
  });

  it('snaps log axis ends to 1-2-5 values and ticks a narrow range linearly', () => {
    expect(logStepFloor(733)).toBe(500);
    expect(logStepCeil(2573)).toBe(5000);
    expect(logStepCeil(1000)).toBe(1000);
    expect(logTicks(100, 30000)).toEqual([100, 200, 500, 1000, 2000, 5000, 10000, 20000]);
    expect(logTicks(900, 1500)).toEqual([1000, 1200, 1400]);
  });
});

describe('line chart geometry', () => {
  it('draws one path per series, breaks at missing values, places references', () => {
    const rows = [
      { step: 0, a: 1, b: 0.5 },
      { step: 10, a: 0.5, b: Number.NaN },
      { step: 20, a: 0, b: 0.25 },
    ];
    const geometry = chartGeometry({
      rows,
      x: (row) => row.step,
      y: (row, key) => (key === 'a' ? row.a : row.b),
      series: [
        { key: 'a', colour: 'red' },
        { key: 'b', colour: 'blue' },
      ],
      yDomain: [0, 1],
      references: [{ key: 'min', y: 0.5, colour: 'red' }],
      width: 120,
      height: 120,
      margin: { top: 10, right: 10, bottom: 10, left: 10 },
    });
    expect(geometry.paths[0]!.d).toBe('M10,10L60,60L110,110');
    expect(geometry.paths[1]!.d).toBe('M10,60M110,85');
    expect(geometry.references).toEqual([{ key: 'min', colour: 'red', position: 60 }]);
    expect(geometry.yTicks.map((t) => t.value)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});
