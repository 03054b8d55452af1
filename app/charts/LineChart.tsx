/**
 * A small hand-written SVG line chart for the live curves (after tensorflow/playground's
 * linechart.ts): one polyline path per series, computed once per update, a few axis
 * ticks, dashed horizontal reference lines and an HTML legend. A render costs about a
 * millisecond.
 */
import { memo, useCallback, useId, useMemo, useRef } from 'react';
import { ChartExport } from './ChartExport';
import { chartGeometry, type Margin, type ReferenceSpec } from './lineChartGeometry';
import { useWidth } from './useWidth';

export interface LineSeries {
  key: string;
  label: string;
  colour: string;
}

export interface LineChartProps<Row> {
  rows: readonly Row[];
  x: (row: Row) => number;
  y: (row: Row, key: string) => number | undefined;
  series: readonly LineSeries[];
  /** Fixed y domain; null fits the data. */
  yDomain?: readonly [number, number] | null;
  /** Dashed horizontal lines (e.g. each κ_min). */
  references?: readonly ReferenceSpec[];
  height: number;
  formatX?: (value: number) => string;
  formatY?: (value: number) => string;
  xLabel?: string;
  /** Save-as buttons under the chart: its file name, title (the heading above it) and test id prefix. */
  exportAs?: { name: string; title: string; testId: string };
}

const MARGIN: Margin = { top: 8, right: 16, bottom: 34, left: 44 };
const NO_REFERENCES: readonly ReferenceSpec[] = [];
const plain = (value: number): string => String(value);

function LineChartImpl<Row>(props: LineChartProps<Row>) {
  const { rows, x, y, series, height, xLabel, exportAs } = props;
  const yDomain = props.yDomain ?? null;
  const references = props.references ?? NO_REFERENCES;
  const formatX = props.formatX ?? plain;
  const formatY = props.formatY ?? plain;
  const [ref, width] = useWidth(400);
  const svg = useRef<SVGSVGElement>(null);
  const chartSvg = useCallback(() => svg.current, []);
  // useId's ':r1:' / '«r1»' would need escaping inside url(#…).
  const clipId = `clip-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;

  const geometry = useMemo(
    () => chartGeometry({ rows, x, y, series, yDomain, references, width, height, margin: MARGIN }),
    [rows, x, y, series, yDomain, references, width, height],
  );
  const { left, right, top, bottom } = geometry;

  return (
    <div className="line-chart" ref={ref}>
      <ul className="legend">
        {series.map((s) => (
          <li key={s.key} style={{ color: s.colour }}>
            {s.label}
          </li>
        ))}
      </ul>
      <svg ref={svg} width={width} height={height} role="img" aria-label={series.map((s) => s.label).join(', ')}>
        {/* A fixed y domain may cut values off: the curves stay inside the plot area. */}
        <clipPath id={clipId}>
          <rect x={left} y={top - 2} width={right - left} height={bottom - top + 4} />
        </clipPath>
        <g className="line-chart-grid">
          {geometry.yTicks.map((tick) => (
            <line key={`y${tick.value}`} x1={left} x2={right} y1={tick.position} y2={tick.position} />
          ))}
          {geometry.xTicks.map((tick) => (
            <line key={`x${tick.value}`} x1={tick.position} x2={tick.position} y1={top} y2={bottom} />
          ))}
        </g>
        <g className="line-chart-axis">
          <line x1={left} x2={right} y1={bottom} y2={bottom} />
          <line x1={left} x2={left} y1={top} y2={bottom} />
          {geometry.xTicks.map((tick) => (
            <text key={`x${tick.value}`} x={tick.position} y={bottom + 14} textAnchor="middle">
              {formatX(tick.value)}
            </text>
          ))}
          {geometry.yTicks.map((tick) => (
            <text key={`y${tick.value}`} x={left - 6} y={tick.position} textAnchor="end" dominantBaseline="middle">
              {formatY(tick.value)}
            </text>
          ))}
          {xLabel !== undefined && (
            <text x={(left + right) / 2} y={bottom + 29} textAnchor="middle">
              {xLabel}
            </text>
          )}
        </g>
        {geometry.references.map((r) => (
          <line key={r.key} className="line-chart-reference" x1={left} x2={right} y1={r.position} y2={r.position} stroke={r.colour} />
        ))}
        <g clipPath={`url(#${clipId})`}>
          {geometry.paths.map((p) => (
            <path key={p.key} className="line-chart-series" data-series={p.key} d={p.d} stroke={p.colour} />
          ))}
        </g>
      </svg>
      {exportAs !== undefined && (
        <ChartExport name={exportAs.name} title={exportAs.title} legend={series} svg={chartSvg} testId={exportAs.testId} />
      )}
    </div>
  );
}

/** Re-renders only when its props change: pass stable accessors (module-level functions or useCallback). */
export const LineChart = memo(LineChartImpl) as typeof LineChartImpl;
