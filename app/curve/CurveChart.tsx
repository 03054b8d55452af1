/**
 * The sweep's trade-off chart in plain SVG: one mark per finished run (◆ DCL, ■ uniform,
 * ▲ straight-through) and each method's Pareto front. Cheap to draw, so it updates as each run
 * of a sweep finishes without a long main-thread task; it saves as SVG or PNG (charts/exportChart.ts).
 */
import { forwardRef, memo } from 'react';
import type { SweepMethod, SweepResult } from '../../src/train/sweepPlan';
import { formatSi } from '../format';
import { layoutCurve, SWEEP_METHODS } from './curveGeometry';
import { METHOD_COLOURS, MethodMark } from '../charts/MethodMark';

export const METHOD_NAMES: Record<SweepMethod, string> = { dcl: 'DCL (learned widths)', uniform: 'uniform widths', straightThrough: 'straight-through' };

const WIDTH = 640;
const HEIGHT = 300;

function describe(result: SweepResult): string {
  const value = result.metric === 'EER' ? `${(100 * result.value).toFixed(2)} % EER` : `MSE ${result.value.toPrecision(3)}`;
  const who = result.method === 'dcl' ? `DCL ${result.point}` : `${METHOD_NAMES[result.method]} (matches DCL ${result.point})`;
  return `${who}: ${formatSi(result.flopsPerSecond, 'FLOP/s')}, ${value}`;
}

export const CurveChart = memo(
  forwardRef<SVGSVGElement, { results: readonly SweepResult[] }>(function CurveChart({ results }, ref) {
    const layout = layoutCurve(results, WIDTH, HEIGHT);
    if (layout === null) return <p className="hint">The chart appears when the first run of the sweep has finished.</p>;
    const { area } = layout;
    return (
      <svg
        ref={ref}
        className="curve-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label="Trade-off curve: validation error against FLOP/s for each method"
        data-testid="curve-chart"
        fontFamily="system-ui, sans-serif"
        fontSize={11}
      >
        <rect x={area.left} y={area.top} width={area.right - area.left} height={area.bottom - area.top} fill="none" stroke="#c8ccd3" />
        {layout.xTicks.map((tick) => (
          <g key={`x${tick.value}`}>
            <line x1={tick.at} x2={tick.at} y1={area.top} y2={area.bottom} stroke="#eceef1" />
            <text x={tick.at} y={area.bottom + 14} textAnchor="middle" fill="#5b6473">
              {formatSi(tick.value)}
            </text>
          </g>
        ))}
        {layout.yTicks.map((tick) => (
          <g key={`y${tick.value}`}>
            <line x1={area.left} x2={area.right} y1={tick.at} y2={tick.at} stroke="#eceef1" />
            <text x={area.left - 6} y={tick.at} textAnchor="end" dominantBaseline="central" fill="#5b6473">
              {Number(tick.value.toPrecision(3))}
            </text>
          </g>
        ))}
        <text x={(area.left + area.right) / 2} y={HEIGHT - 6} textAnchor="middle" fill="#5b6473">
          FLOP/s of the consolidated model (log)
        </text>
        <text x={12} y={(area.top + area.bottom) / 2} transform={`rotate(-90 12 ${(area.top + area.bottom) / 2})`} textAnchor="middle" fill="#5b6473">
          {layout.yLabel}
        </text>
        {SWEEP_METHODS.map((method) =>
          layout.fronts[method].length > 0 ? (
            <polyline
              key={`front-${method}`}
              className="curve-front"
              data-method={method}
              data-points={layout.fronts[method].length}
              points={layout.fronts[method].map((p) => `${p.cx.toFixed(1)},${p.cy.toFixed(1)}`).join(' ')}
              fill="none"
              stroke={METHOD_COLOURS[method]}
              strokeWidth={2}
              strokeDasharray={method === 'dcl' ? undefined : '5 3'}
            />
          ) : null,
        )}
        {SWEEP_METHODS.flatMap((method) =>
          layout.marks[method].map((mark) => (
            <g key={mark.point.result.key} className="curve-mark" data-method={method} data-run-id={mark.point.result.runId}>
              <MethodMark method={method} cx={mark.cx} cy={mark.cy} />
              <title>{describe(mark.point.result)}</title>
            </g>
          )),
        )}
      </svg>
    );
  }),
);
