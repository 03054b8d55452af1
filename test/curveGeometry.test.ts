import { describe, expect, it } from 'vitest';
import { layoutCurve } from '../app/curve/curveGeometry';
import type { SweepResult } from '../src/train/sweepPlan';

const result = (method: SweepResult['method'], alpha: number, flopsPerSecond: number, value: number, metric: 'EER' | 'MSE' = 'EER'): SweepResult => ({
  key: `${method}:${alpha}`, runId: `r-${method}-${alpha}`, method, point: `α = ${alpha}`, flopsPerSecond, fullFlopsPerSecond: 6e6, metric, value, wallSeconds: 1,
});

describe('trade-off curve layout', () => {
  it('places one mark per run and each method’s Pareto front, cheaper to the left, better higher up', () => {
    const results = [
      result('dcl', 0.1, 4e6, 0.1), result('dcl', 1, 2e6, 0.12), result('dcl', 3, 1e6, 0.2), result('dcl', 0.3, 3e6, 0.15),
      result('uniform', 0.1, 4e6, 0.13), result('uniform', 1, 2e6, 0.18),
      result('straightThrough', 0.1, 3.9e6, 0.11),
    ];
    const layout = layoutCurve(results, 640, 300)!;
    expect(layout.marks.dcl).toHaveLength(4);
    expect(layout.marks.uniform).toHaveLength(2);
    expect(layout.marks.straightThrough).toHaveLength(1);
    // DCL at 3 MFLOP/s and 15 % is beaten by 2 MFLOP/s at 12 %: three on the front.
    expect(layout.fronts.dcl).toHaveLength(3);
    expect(layout.fronts.uniform).toHaveLength(2);
    const [cheap, dear] = [layout.marks.dcl.find((m) => m.point.result.point === 'α = 3')!, layout.marks.dcl.find((m) => m.point.result.point === 'α = 0.1')!];
    expect(cheap.cx).toBeLessThan(dear.cx);
    // 20 % EER sits above 10 % (SVG y grows downward).
    expect(cheap.cy).toBeLessThan(dear.cy);
    for (const mark of Object.values(layout.marks).flat()) {
      expect(mark.cx).toBeGreaterThanOrEqual(layout.area.left);
      expect(mark.cx).toBeLessThanOrEqual(layout.area.right);
      expect(mark.cy).toBeGreaterThanOrEqual(layout.area.top);
      expect(mark.cy).toBeLessThanOrEqual(layout.area.bottom);
    }
    expect(layout.yLabel).toBe('validation EER (%)');
    // The x axis reaches the full width (6 MFLOP/s).
    expect(Math.max(...layout.xTicks.map((t) => t.value))).toBeGreaterThanOrEqual(5e6);
  });

  it('puts MSE on a log axis and draws nothing without results', () => {
    const layout = layoutCurve([result('dcl', 1, 500, 0.013, 'MSE'), result('dcl', 30, 40, 0.28, 'MSE')], 640, 300)!;
    expect(layout.yLabel).toBe('validation MSE (log)');
    expect(layout.yTicks.length).toBeGreaterThan(1);
    expect(layoutCurve([], 640, 300)).toBeNull();
  });
});
