/** Loss curves: the task loss and the complexity term α·C(K)/C(K_max) over the steps. */
import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useAppStore } from '../store';

export const LossChart = memo(function LossChart() {
  const history = useAppStore((s) => s.lossHistory);
  return (
    <section className="panel chart" data-testid="chart-loss">
      <h2>Loss</h2>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={history} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" dataKey="step" domain={['dataMin', 'dataMax']} />
          <YAxis domain={['auto', 'auto']} tickFormatter={(value: number) => value.toPrecision(2)} />
          <Tooltip isAnimationActive={false} />
          <Legend />
          <Line type="linear" dataKey="taskLoss" name="task loss" stroke="#1f77b4" dot={false} isAnimationActive={false} />
          <Line type="linear" dataKey="complexityTerm" name="complexity term α·C/Cmax" stroke="#d62728" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </section>
  );
});
