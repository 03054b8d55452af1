/** Loss curves: the task loss and the complexity term α·C(K)/C(K_max) over the steps. */
import { memo, useDeferredValue } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { useAppStore, type LossRow } from '../store';

export function LossChart() {
  // Deferred: React renders the chart in interruptible slices, keeping the main thread free of long tasks.
  return <LossPlot history={useDeferredValue(useAppStore((s) => s.lossHistory))} />;
}

const LossPlot = memo(function LossPlot({ history }: { history: LossRow[] }) {
  return (
    <section className="panel chart" data-testid="chart-loss">
      <h2>Loss</h2>
      <ul className="legend">
        <li style={{ color: '#1f77b4' }}>task loss</li>
        <li style={{ color: '#d62728' }}>complexity term α·C(K)/C(K_max)</li>
      </ul>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={history} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" dataKey="step" domain={['dataMin', 'dataMax']} />
          <YAxis domain={['auto', 'auto']} tickFormatter={(value: number) => value.toPrecision(2)} />
          <Line type="linear" dataKey="taskLoss" name="task loss" stroke="#1f77b4" dot={false} isAnimationActive={false} />
          <Line type="linear" dataKey="complexityTerm" name="complexity term α·C/Cmax" stroke="#d62728" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </section>
  );
});
