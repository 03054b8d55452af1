/** Per-layer width: K/N of every learnable width over the steps, with each κ_min dashed. */
import { memo, useDeferredValue } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { WidthState } from '../../src/protocol';
import { useAppStore, type WidthRow } from '../store';

const NO_WIDTHS: never[] = [];

export const WIDTH_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export function WidthChart() {
  const history = useAppStore((s) => s.widthHistory);
  // Updates arrive together with the history, so this adds no extra render.
  const widths = useAppStore((s) => s.latest?.widths ?? NO_WIDTHS);
  // Deferred: React renders the chart in interruptible slices, keeping the main thread free of long tasks.
  return <WidthPlot history={useDeferredValue(history)} widths={useDeferredValue(widths)} />;
}

const WidthPlot = memo(function WidthPlot({ history, widths }: { history: WidthRow[]; widths: readonly WidthState[] }) {

  return (
    <section className="panel chart" data-testid="chart-widths">
      <h2>Per-layer width K/N</h2>
      {widths.length === 0 && <p className="hint">No learnable widths in this run yet.</p>}
      <ul className="legend">
        {widths.map((width, index) => (
          <li key={width.name} style={{ color: WIDTH_COLOURS[index % WIDTH_COLOURS.length] }}>
            {width.name} (κ_min {width.kappaMin.toPrecision(2)}, dashed)
          </li>
        ))}
      </ul>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={history} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" dataKey="step" domain={['dataMin', 'dataMax']} />
          <YAxis domain={[0, 1]} tickFormatter={(value: number) => value.toFixed(1)} />
          {widths.map((width, index) => (
            <Line
              key={width.name}
              type="linear"
              dataKey={width.name}
              stroke={WIDTH_COLOURS[index % WIDTH_COLOURS.length]}
              dot={false}
              isAnimationActive={false}
            />
          ))}
          {widths.map((width, index) => (
            <ReferenceLine
              key={`min-${width.name}`}
              y={width.kappaMin}
              stroke={WIDTH_COLOURS[index % WIDTH_COLOURS.length]}
              strokeDasharray="4 4"
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </section>
  );
});
