/** Per-layer width: K/N of every learnable width over the steps, with each κ_min dashed. */
import { memo, useMemo } from 'react';
import { useAppStore, type WidthLegendEntry, type WidthRow } from '../store';
import { LineChart, type LineSeries } from './LineChart';
import { Help } from '../help/Help';

export const WIDTH_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const EXPORT = { name: 'widths', title: 'Per-layer width K/N', testId: 'export-widths' };
const UNIT_DOMAIN = [0, 1] as const;
const stepOf = (row: WidthRow): number => row.step;
const kappaOf = (row: WidthRow, name: string): number | undefined => row[name];
const oneDecimal = (value: number): string => value.toFixed(1);

export function WidthChart() {
  // Both change only with a new batch of progress (history) or new width names/κ_min (legend).
  const history = useAppStore((s) => s.widthHistory);
  const legend = useAppStore((s) => s.widthLegend);
  return <WidthPlot history={history} legend={legend} />;
}

const WidthPlot = memo(function WidthPlot({ history, legend }: { history: WidthRow[]; legend: readonly WidthLegendEntry[] }) {
  const series = useMemo<LineSeries[]>(
    () =>
      legend.map((width, index) => ({
        key: width.name,
        label: `${width.name} (κ_min ${width.kappaMin.toPrecision(2)}, dashed)`,
        colour: WIDTH_COLOURS[index % WIDTH_COLOURS.length]!,
      })),
    [legend],
  );
  const references = useMemo(
    () => legend.map((width, index) => ({ key: `min-${width.name}`, y: width.kappaMin, colour: WIDTH_COLOURS[index % WIDTH_COLOURS.length]! })),
    [legend],
  );

  return (
    <section className="panel chart" data-testid="chart-widths">
      <h2>
        Per-layer width K/N <Help topic="widths" />
      </h2>
      {legend.length === 0 && <p className="hint">No learnable widths in this run yet.</p>}
      <LineChart
        rows={history}
        x={stepOf}
        y={kappaOf}
        series={series}
        yDomain={UNIT_DOMAIN}
        references={references}
        height={240}
        formatY={oneDecimal}
        xLabel="step"
        exportAs={EXPORT}
      />
    </section>
  );
});
