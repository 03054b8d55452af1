/** Loss curves: the task loss and the complexity term α·C(K)/C(K_max) over the steps. */
import { memo } from 'react';
import { useAppStore, type LossRow } from '../store';
import { LineChart, type LineSeries } from './LineChart';

const SERIES: LineSeries[] = [
  { key: 'taskLoss', label: 'task loss', colour: '#1f77b4' },
  { key: 'complexityTerm', label: 'complexity term α·C(K)/C(K_max)', colour: '#d62728' },
];

const stepOf = (row: LossRow): number => row.step;
const valueOf = (row: LossRow, key: string): number | undefined => (key === 'taskLoss' ? row.taskLoss : row.complexityTerm);
const twoDigits = (value: number): string => value.toPrecision(2);

export function LossChart() {
  return <LossPlot history={useAppStore((s) => s.lossHistory)} />;
}

const LossPlot = memo(function LossPlot({ history }: { history: LossRow[] }) {
  return (
    <section className="panel chart" data-testid="chart-loss">
      <h2>Loss</h2>
      <LineChart rows={history} x={stepOf} y={valueOf} series={SERIES} height={240} formatY={twoDigits} xLabel="step" />
    </section>
  );
});
